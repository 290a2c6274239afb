import { z } from 'zod';
import { BackendPreferenceSchema } from './backends';

/**
 * Training settings: the spec's `training` (and `sourceTraining`), and what one strategy entry
 * may override or sweep (issue 10). Kept apart from experimentSpec.ts so that the strategy entry
 * schema (strategyEntry.ts) can build on it without an import cycle.
 */

export { BackendPreferenceSchema, type BackendPreference } from './backends';

/**
 * Model selection on the target's validation rows, as Keras's EarlyStopping with
 * restore_best_weights does: with few labels, a fixed epoch count either under-trains a new head
 * or lets a strategy over-fit its labelled rows (see docs/experiment-spec.md). The test split is
 * never looked at; the epoch chosen is recorded as the run's `best_epoch`.
 */
export const EarlyStoppingSchema = z
  .object({
    monitor: z.enum(['val_loss', 'val_acc']).default('val_loss'),
    patience: z.int().min(1).max(10_000).default(10),
    restoreBest: z.boolean().default(true),
  })
  .strict();
export type EarlyStopping = z.infer<typeof EarlyStoppingSchema>;

/**
 * Where a run's validation rows come from. Absent (the default), or `split`: the target's
 * validation split, which holds far more labelled rows than a few-label budget (Oliver et al.
 * 2018, "Realistic evaluation of deep semi-supervised learning algorithms", §4.6: a real
 * few-label user has no such split). `budget`: a stratified `share` of the budget's own labelled
 * rows is held out (at least one per class, when the class has two or more) and the run trains
 * on the rest, so early stopping and model selection spend only the budget's labels.
 */
export const ValidationSpecSchema = z
  .object({
    from: z.enum(['split', 'budget']),
    share: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.2)
      .describe('With `budget`: the share of each class’s labelled rows held out for validation.'),
  })
  .strict()
  .describe(
    'Where validation rows come from: the target’s validation split (default) or a held-out share of the label budget.',
  );
export type ValidationSpec = z.infer<typeof ValidationSpecSchema>;

export const OptimizerSchema = z.enum(['adam', 'sgd']);

const EpochsSchema = z.int().min(1).max(10_000);
const LearningRateSchema = z.number().positive().max(10);
const BatchSizeSchema = z.int().min(1).max(65_536);

export const TrainingSpecSchema = z
  .object({
    epochs: EpochsSchema.default(20),
    learningRate: LearningRateSchema.default(0.001),
    batchSize: BatchSizeSchema.default(32),
    optimizer: OptimizerSchema.default('adam'),
    backend: BackendPreferenceSchema.default('auto'),
    earlyStopping: EarlyStoppingSchema.optional().describe(
      'Stop when the validation metric has not improved for `patience` epochs and evaluate the best epoch’s weights; absent: train every epoch and evaluate the last.',
    ),
    validation: ValidationSpecSchema.optional(),
  })
  .strict();
export type TrainingSpec = z.infer<typeof TrainingSpecSchema>;

/**
 * What one strategy entry may set differently from the spec's `training`. `earlyStopping: null`
 * turns off early stopping the spec turns on. The backend and the validation rows stay the
 * spec's: variants compared with one another are validated the same way on the same backend.
 */
export const TrainingOverridesSchema = z
  .object({
    epochs: EpochsSchema.optional(),
    learningRate: LearningRateSchema.optional(),
    batchSize: BatchSizeSchema.optional(),
    optimizer: OptimizerSchema.optional(),
    earlyStopping: EarlyStoppingSchema.nullable().optional(),
  })
  .strict()
  .describe('Training settings of this entry that differ from the spec’s `training`.');
export type TrainingOverrides = z.infer<typeof TrainingOverridesSchema>;
export type TrainingOverridesInput = z.input<typeof TrainingOverridesSchema>;

/** The training settings a sweep may vary, with their label names and ranges. */
export const SWEEPABLE_TRAINING = [
  {
    key: 'learningRate',
    short: 'lr',
    type: 'number',
    min: 1e-8,
    max: 10,
    log: true,
    schema: LearningRateSchema,
  },
  {
    key: 'epochs',
    short: 'epochs',
    type: 'int',
    min: 1,
    max: 10_000,
    log: false,
    schema: EpochsSchema,
  },
  {
    key: 'batchSize',
    short: 'batch',
    type: 'int',
    min: 1,
    max: 65_536,
    log: true,
    schema: BatchSizeSchema,
  },
  { key: 'optimizer', short: 'optimizer', type: 'choice', log: false, schema: OptimizerSchema },
] as const;
