import { z } from 'zod';
import { FinalMetricsSchema, RunStatusSchema } from '../domain/runs';

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
});

/**
 * One finished epoch. `epoch` counts from 1 to `epochs`. `values` holds the training split's
 * `loss` and `acc` (measured over the whole split after the epoch) and the validation split's
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

export const AppEventSchema = z.discriminatedUnion('type', [
  RunStatusEventSchema,
  RunEpochEventSchema,
  RunProgressEventSchema,
  ExperimentCreatedEventSchema,
]);
export type AppEvent = z.infer<typeof AppEventSchema>;
export type RunStatusEvent = z.infer<typeof RunStatusEventSchema>;
export type RunEpochEvent = z.infer<typeof RunEpochEventSchema>;
export type RunProgressEvent = z.infer<typeof RunProgressEventSchema>;
