import { z } from 'zod';
import { STRATEGIES, type StrategyInfo, type StrategyParamInfo } from './strategies';
import { SWEEPABLE_TRAINING, TrainingOverridesSchema, type TrainingOverrides } from './training';

/**
 * One entry of a spec's `strategies`: a strategy with its parameters, typed per strategy from
 * the metadata in strategies.ts (so the published JSON Schema refuses `{"freezeLayer": 1}` or
 * `{"l2sp": -5}` as an editor types it), an optional label, training overrides, and a sweep: a
 * grid over listed values or a seeded random search over ranges. Each entry expands into one or
 * more variants (variants.ts), and variants never merge in a comparison (issue 10).
 */

export const StrategyIdSchema = z.enum([
  'scratch',
  'structure',
  'fine-tune',
  'feature-extraction',
  'distillation',
  'multi-task',
  'source-only',
  'mmd',
  'coral',
  'dann',
  'importance-weighting',
  'kmm',
  'tradaboost',
]);
export type StrategyId = z.infer<typeof StrategyIdSchema>;

export type ParamValue = number | boolean;
/** A swept value: a parameter's number or boolean, or a training setting (`optimizer`: a name). */
export type SweepValue = number | boolean | string;

/** The most variants one spec may expand into (sweeps multiply quickly). */
export const MAX_VARIANTS = 1000;
/** The most values one swept key may list, and the most draws of one random search. */
export const MAX_SWEEP_VALUES = 100;
export const MAX_RANDOM_DRAWS = 500;

/** A variant's label: readable in a table cell, never empty. */
export const VariantLabelSchema = z
  .string()
  .trim()
  .min(1)
  .max(120)
  .regex(/^[^\n\r\t]+$/, 'a label is one line');

function paramSchema(p: StrategyParamInfo): z.ZodType<ParamValue> {
  const schema =
    p.type === 'boolean'
      ? z.boolean()
      : (p.type === 'int' ? z.int() : z.number()).min(p.min ?? -Infinity).max(p.max ?? Infinity);
  return schema.describe(p.help);
}

/** A numeric range a random search draws from; `log` defaults to the parameter's metadata. */
export const RangeSchema = z
  .object({
    min: z.number(),
    max: z.number(),
    log: z.boolean().optional().describe('Draw log-uniformly (default: as the parameter says).'),
  })
  .strict()
  .refine((r) => r.min <= r.max, { message: 'min must not exceed max' })
  .refine((r) => r.log !== true || r.min > 0, {
    message: 'a log-uniform range needs min > 0',
  });
export type Range = z.infer<typeof RangeSchema>;

const sweepableTraining = Object.fromEntries(
  SWEEPABLE_TRAINING.map((t) => [t.key, z.array(t.schema).min(1).max(MAX_SWEEP_VALUES).optional()]),
);
const rangeableTraining = Object.fromEntries(
  SWEEPABLE_TRAINING.filter((t) => t.type !== 'choice').map((t) => [t.key, RangeSchema.optional()]),
);

function entrySchema(info: StrategyInfo) {
  const params = Object.fromEntries(info.params.map((p) => [p.key, paramSchema(p).optional()]));
  const grid = Object.fromEntries(
    info.params.map((p) => [
      p.key,
      z.array(paramSchema(p)).min(1).max(MAX_SWEEP_VALUES).optional(),
    ]),
  );
  const ranges = Object.fromEntries(
    info.params.filter((p) => p.type !== 'boolean').map((p) => [p.key, RangeSchema.optional()]),
  );
  return z
    .object({
      id: z.literal(info.id),
      label: VariantLabelSchema.optional().describe(
        'The variant’s name in tables and reports; generated from what differs from the defaults when absent.',
      ),
      params: z
        .object(params)
        .strict()
        .default({})
        .describe(`Parameters of ${info.name}; each defaults as strategies.ts says.`),
      training: TrainingOverridesSchema.optional(),
      sweep: z
        .object({ ...grid, ...sweepableTraining })
        .strict()
        .refine((s) => Object.values(s).some((v) => v !== undefined), {
          message: 'a sweep lists at least one parameter',
        })
        .optional()
        .describe(
          'A grid: every combination of the listed values becomes a variant (e.g. {"lambda": [0.1, 1, 10], "learningRate": [0.001, 0.0001]}).',
        ),
      randomSearch: z
        .object({
          count: z.int().min(1).max(MAX_RANDOM_DRAWS).describe('How many variants to draw.'),
          seed: z
            .int()
            .min(0)
            .default(0)
            .describe('Seeds the draws: the same seed, the same variants.'),
          ranges: z
            .object({ ...ranges, ...rangeableTraining })
            .strict()
            .refine((s) => Object.values(s).some((v) => v !== undefined), {
              message: 'a random search ranges over at least one parameter',
            }),
        })
        .strict()
        .optional()
        .describe(
          'Seeded random search: `count` variants drawn from the ranges (log-uniform where the parameter varies over orders of magnitude), rounded to 3 significant digits.',
        ),
    })
    .strict()
    .refine((e) => e.sweep === undefined || e.randomSearch === undefined, {
      message: 'an entry has either a grid `sweep` or a `randomSearch`, not both',
    });
}

/** What a spec file's strategy entry may contain (defaults not yet applied). */
export interface StrategyChoiceInput {
  id: StrategyId;
  label?: string;
  params?: Record<string, ParamValue | undefined>;
  training?: z.input<typeof TrainingOverridesSchema>;
  sweep?: Record<string, SweepValue[] | undefined>;
  randomSearch?: {
    count: number;
    seed?: number;
    ranges: Record<string, z.input<typeof RangeSchema> | undefined>;
  };
}

/** A strategy entry with its defaults applied. */
export interface StrategyChoice {
  id: StrategyId;
  label?: string;
  params: Record<string, ParamValue | undefined>;
  training?: TrainingOverrides;
  sweep?: Record<string, SweepValue[] | undefined>;
  randomSearch?: { count: number; seed: number; ranges: Record<string, Range | undefined> };
}

const [first, ...rest] = STRATEGIES.map(entrySchema);
if (!first) throw new Error('No strategies');

/**
 * The entry schema: one object schema per strategy, told apart by `id`, so an unknown parameter
 * is named against the right strategy. Its static type is written out above (the per-strategy
 * schemas are built from metadata, which TypeScript cannot follow).
 */
export const StrategyChoiceSchema = z
  .discriminatedUnion('id', [first, ...rest])
  .describe(
    'A strategy entry: its parameters, an optional label, overrides and a sweep.',
  ) as unknown as z.ZodType<StrategyChoice, StrategyChoiceInput>;
