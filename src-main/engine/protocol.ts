import { z } from 'zod';
import { DataLocatorSchema } from '../data/locator';
import {
  InputAdapterSchema,
  TransferabilityScoresSchema,
  FinalMetricsSchema,
  ResolvedRunConfigSchema,
  RunEnvironmentSchema,
  SplitSizesSchema,
} from '../../src-shared/domain/runs';

/**
 * The trainer process protocol (Signal's worker protocol: typed request and event unions,
 * serialized errors, forwarded logs). The parent owns the database; the trainer only computes
 * and streams. Both sides parse what they receive: a message crossing a process line is `unknown`.
 */

const AnyNumberSchema = z.custom<number>((v) => typeof v === 'number', 'expected a number');

export {
  DataLocatorSchema,
  type ArraysLocator,
  type DataLocator,
  type IdxLocator,
} from '../data/locator';

export const SourceModelFilesSchema = z.object({
  dir: z.string(),
  hash: z.string(),
  featureLayer: z.string().optional(),
});

export const TrainJobSchema = z.object({
  runId: z.int(),
  config: ResolvedRunConfigSchema,
  /** The data of `config.domain` (the domain trained on). */
  data: DataLocatorSchema,
  /**
   * For transfer runs that start from a source model: its saved files, and for an imported model
   * the layer where it is cut (pretrained/sourceModel.ts).
   */
  sourceModel: SourceModelFilesSchema.optional(),
  /**
   * The data of `config.sourceDomain`, for strategies that train on the source domain's labelled
   * rows alongside the target's (multi-task; the strategy's `needs(config).sourceData`).
   */
  sourceData: DataLocatorSchema.optional(),
  /**
   * The row shape of the source domain's dataset (the source model's input), for transfer runs
   * from a source: a target of another shape is fitted to it (RunData.inputAdapter).
   */
  sourceInputShape: z.array(z.int().positive()).optional(),
  /**
   * The original label of each output of the source model (its domain's classes, in order), for
   * transfer runs from a source: a strategy keeping the source's head checks the target's.
   */
  sourceClasses: z.array(z.int()).optional(),
  /** Source runs save their trained model under this folder (content-addressed by the trainer). */
  modelsDir: z.string(),
  saveModel: z.boolean(),
  /**
   * A re-run's original data hash: the trainer refuses to train when the arrays it loaded hash
   * otherwise (the dataset changed since), before any epoch.
   */
  expectedDataHash: z.string().optional(),
  /**
   * Checkpoints for resuming a crashed run (issue 11). When set and the strategy is resumable
   * (strategies/resumable.ts), the trainer writes the complete training state of each epoch to
   * `<dir>/epoch-<k>.ckpt` before that epoch's 'epoch' message, keeping the last two
   * (checkpoint.ts). With `resumeFromEpoch` m it first restores `<dir>/epoch-<m>.ckpt`, logs
   * "Resumed from the checkpoint of epoch m" and goes on at epoch m + 1, sending 'epoch' only for
   * later epochs; a missing, unreadable or foreign checkpoint fails the job before any epoch.
   * Ignored by calibrations.
   */
  checkpoint: z
    .object({
      /** The run's own folder for checkpoints. */
      dir: z.string(),
      resumeFromEpoch: z.int().positive().optional(),
    })
    .optional(),
  /**
   * Times the run instead of finishing it (a plan's estimate, issue 10): after `maxBatches`
   * batches or `maxSeconds`, whichever comes first, the trainer times one evaluation, sends a
   * 'calibration' message and ends as cancelled. Nothing is recorded as a run.
   */
  calibrate: z
    .object({
      maxBatches: z.int().positive(),
      maxSeconds: z.number().positive(),
      /**
       * For a run whose source model is not trained yet: the source's class count, to time the
       * run on a freshly initialised model of the same architecture instead.
       */
      untrainedSourceClasses: z.int().min(2).optional(),
    })
    .optional(),
});
export type TrainJob = z.infer<typeof TrainJobSchema>;

export const ParentToTrainerSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    job: TrainJobSchema,
    /**
     * A warm trainer (trainer/pool.ts): after a run that ended as the loop meant it to
     * (completed, diverged, cancelled) it stays, sends 'ready' (TrainerReadySchema) and takes
     * the next 'start'. Absent: it exits after its one run (trainer/host.ts).
     */
    warm: z.boolean().optional(),
  }),
  z.object({ type: z.literal('cancel') }),
]);
export type ParentToTrainer = z.infer<typeof ParentToTrainerSchema>;

export const TrainerToParentSchema = z.discriminatedUnion('type', [
  /** Sent once the backend is initialised and the data loaded. */
  z.object({
    type: z.literal('started'),
    environment: RunEnvironmentSchema,
    /** sha256 over the exact arrays trained and evaluated on (after split and budget). */
    dataHash: z.string(),
    /** What fitted the target's rows to the source's shape, when they differed. */
    inputAdapter: InputAdapterSchema.optional(),
    /** Rows of each split, and where the validation rows come from. */
    splitSizes: SplitSizesSchema.optional(),
  }),
  z.object({
    type: z.literal('progress'),
    epoch: z.int(),
    epochs: z.int(),
    batch: z.int(),
    batches: z.int(),
  }),
  z.object({
    type: z.literal('epoch'),
    epoch: z.int(),
    /** Any number, NaN and ±Infinity included (the process channel uses advanced serialization). */
    values: z.record(z.string(), AnyNumberSchema),
    elapsedS: z.number(),
  }),
  z.object({
    type: z.literal('completed'),
    finalMetrics: FinalMetricsSchema,
    /** Counts on the test split, rows = true class, columns = predicted (engine/confusion.ts). */
    confusion: z.array(z.array(z.int().nonnegative())).optional(),
    /** Saved model (source runs): folder and sha256 of its weights. */
    model: z.object({ dir: z.string(), hash: z.string() }).optional(),
  }),
  /** `diverged`: the loss became NaN or infinite; training stopped. */
  z.object({ type: z.literal('failed'), error: z.string(), diverged: z.boolean() }),
  z.object({ type: z.literal('cancelled') }),
  /**
   * Transferability of the source model to this run's target, measured before training on it
   * (engine/transferability/probe.ts). Informational: a failure to score is only logged.
   */
  z.object({
    type: z.literal('transferability'),
    scores: TransferabilityScoresSchema,
    samples: z.int(),
  }),
  z.object({
    type: z.literal('log'),
    level: z.enum(['debug', 'info', 'warn', 'error']),
    message: z.string(),
  }),
  /** A calibration's timings (TrainJob.calibrate): what one epoch of this run costs here. */
  z.object({
    type: z.literal('calibration'),
    secondsPerBatch: z.number().nonnegative(),
    batchesPerEpoch: z.int().nonnegative(),
    /** Evaluating the epoch's training and validation rows, as every epoch does. */
    evalSecondsPerEpoch: z.number().nonnegative(),
    /** The final evaluation of every split, and the test split's confusion matrix. */
    finalSeconds: z.number().nonnegative(),
    /**
     * From the end of the first batch to this message: what the parent subtracts from the time
     * it has waited, leaving the run's start-up (process, backend, data, model, first batch).
     */
    timedSeconds: z.number().nonnegative(),
    backend: z.string(),
  }),
]);
export type TrainerToParent = z.infer<typeof TrainerToParentSchema>;

/**
 * A warm trainer's word that it has cleaned up after its run and takes another 'start'. It
 * comes after the run's final message; a trainer that retires (it failed, leaked tensors or has
 * run its share of jobs) exits instead, so a job is never sent to a process about to end.
 */
export const TrainerReadySchema = z.object({
  type: z.literal('ready'),
  /** Runs this process has finished. */
  jobs: z.int().positive(),
});
