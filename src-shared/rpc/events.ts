import { z } from 'zod';
import { FinalMetricsSchema, RunLogEntrySchema, RunStatusSchema } from '../domain/runs';
import { ImportIdSchema } from './datasets';

/** Events pushed from the core to every connected client. */
export const RunStatusEventSchema = z.object({
  type: z.literal('run.status'),
  runId: z.int(),
  experimentId: z.int(),
  status: RunStatusSchema,
  backend: z.string().nullable(),
  error: z.string().nullable(),
  /**
   * A completed run's final metrics, in the same event, so a list never shows a completed run
   * without its test accuracy while a refresh is on its way.
   */
  finalMetrics: FinalMetricsSchema.nullable().optional(),
  /**
   * The epochs it has stored, when the status change moved them: a run restarted from the start
   * after a crash has none again, one resumed keeps its committed epochs.
   */
  epochsDone: z.int().min(0).optional(),
});

/** One line of a run's log as it is written, by whichever process executes the run. */
export const RunLogEventSchema = z.object({
  type: z.literal('run.log'),
  runId: z.int(),
  experimentId: z.int(),
  entry: RunLogEntrySchema,
});

/**
 * One finished epoch. `epoch` counts from 1 to `epochs`. `values` holds the training split's
 * `loss` and `acc` (measured after the epoch over the split, or over a fixed sample of it when
 * the run records `trainMetricRows`; trainMetrics.ts) and the validation split's
 * `val_loss` and `val_acc`. A completed run's final metrics (RunSummary.finalMetrics) are
 * `test_loss`, `test_acc`, `val_loss`, `val_acc`, `train_loss` and `train_acc`.
 */
export const RunEpochEventSchema = z.object({
  type: z.literal('run.epoch'),
  runId: z.int(),
  experimentId: z.int(),
  epoch: z.int(),
  epochs: z.int(),
  /** null stands for a value that is not finite (NaN or ±Infinity), which JSON cannot carry. */
  values: z.record(z.string(), z.number().nullable()),
  elapsedS: z.number(),
});

export const RunProgressEventSchema = z.object({
  type: z.literal('run.progress'),
  runId: z.int(),
  experimentId: z.int(),
  epoch: z.int(),
  epochs: z.int(),
  batch: z.int(),
  batches: z.int(),
});

export const ExperimentCreatedEventSchema = z.object({
  type: z.literal('experiment.created'),
  experimentId: z.int(),
});

/**
 * An experiment was archived, unarchived or deleted with its runs (issue 14, point 5), so every
 * client's lists follow, not only the one that asked.
 */
export const ExperimentChangedEventSchema = z.object({
  type: z.literal('experiment.changed'),
  experimentId: z.int(),
  change: z.enum(['archived', 'unarchived', 'deleted']),
  /** The runs that went with a deleted experiment. */
  deletedRuns: z.array(z.int()).optional(),
});

/**
 * How far a running `datasets.import` is, a few times a second (at most every 200 ms per import)
 * and once more when its rows are written (`done` == `total`). `importId` echoes the one the
 * client passed in the import's input, so a client tells its own import from another client's.
 * A CSV is read twice: `scan` then `write`, in bytes of the file (of `total`); other formats
 * `read` rows (image folders: files), `total` 0 while the count is not known.
 */
export const DatasetImportProgressEventSchema = z.object({
  type: z.literal('dataset.importProgress'),
  importId: ImportIdSchema.optional(),
  /** The imported file's (or folder's) name, not its path. */
  file: z.string(),
  phase: z.enum(['scan', 'write', 'read']),
  done: z.int().min(0),
  total: z.int().min(0),
  unit: z.enum(['bytes', 'rows', 'files']),
});

/**
 * How far the calibration of a plan's estimate is (experiments.plan with `calibrate`): one event
 * per kind of run timed, so the designer and the CLI show progress through the seconds it takes.
 */
export const PlanCalibrationEventSchema = z.object({
  type: z.literal('plan.calibration'),
  /** Echoes the request's `requestId`, so a client tells its own calibration from another's. */
  requestId: ImportIdSchema.optional(),
  done: z.int().min(0),
  total: z.int().min(0),
  message: z.string(),
});

export const AppEventSchema = z.discriminatedUnion('type', [
  RunStatusEventSchema,
  RunEpochEventSchema,
  RunProgressEventSchema,
  RunLogEventSchema,
  ExperimentCreatedEventSchema,
  ExperimentChangedEventSchema,
  DatasetImportProgressEventSchema,
  PlanCalibrationEventSchema,
]);
export type AppEvent = z.infer<typeof AppEventSchema>;
export type RunStatusEvent = z.infer<typeof RunStatusEventSchema>;
export type RunEpochEvent = z.infer<typeof RunEpochEventSchema>;
export type RunProgressEvent = z.infer<typeof RunProgressEventSchema>;
export type RunLogEvent = z.infer<typeof RunLogEventSchema>;
export type DatasetImportProgressEvent = z.infer<typeof DatasetImportProgressEventSchema>;
