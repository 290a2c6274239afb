import { z } from 'zod';
import { BudgetSchema } from '../domain/experimentSpec';
import { RunStatusSchema, type RunSummary } from '../domain/runs';

/**
 * The History contract (issue 5): one run table across experiments, filtered, searched, sorted
 * and paged on the server, so the UI never holds 10,000 runs at once.
 */

/** Columns a page may be sorted by; the store maps each to a fixed SQL expression. */
export const RUN_SORT_KEYS = [
  'id',
  'createdAt',
  'finishedAt',
  'experimentName',
  'strategy',
  /** The variant's label (RunSummary.variant, issue 10). */
  'variant',
  'sourceName',
  'targetName',
  'status',
  'budget',
  'seed',
  'epochsDone',
  /** The backend the run used, and the device it computed on (its label), issue 15. */
  'backend',
  'device',
  /** The chosen summary metric (`metric` must be given). */
  'metric',
] as const;
export type RunSortKey = (typeof RUN_SORT_KEYS)[number];

/**
 * How a run's per-epoch series becomes one number: the last epoch's value, the minimum, the
 * maximum, or the best (the minimum for a metric named `…loss`, the maximum otherwise).
 */
export const MetricModeSchema = z.enum(['last', 'best', 'min', 'max']);
export type MetricMode = z.infer<typeof MetricModeSchema>;

export const TagSchema = z.string().trim().min(1).max(64);
const NameListSchema = z.array(z.string().min(1).max(200)).min(1).max(100);

export const MAX_RUN_PAGE = 500;

/**
 * Where a parameter lives in a run's resolved config (ResolvedRunConfig), e.g.
 * `training.learningRate` or `strategyParams.lambda` (issue 14). The store passes it to
 * json_extract as a bound value, so the shape is checked here only to refuse nonsense early.
 */
export const ParamPathSchema = z
  .string()
  .regex(/^(seed|(training|strategyParams|model)\.[A-Za-z][A-Za-z0-9_]{0,47})$/, {
    message:
      'A parameter path is `seed`, or `training.`, `strategyParams.` or `model.` and a name.',
  });
export type ParamPath = z.infer<typeof ParamPathSchema>;

export const CompareOpSchema = z.enum(['<', '<=', '>', '>=', '=', '!=']);
export type CompareOp = z.infer<typeof CompareOpSchema>;

/**
 * Text fields a structured query can match: `contains` (case-insensitive) or exactly. `backend`
 * is the backend a run used (`webgpu`), `device` the label of what it computed on
 * (`llvmpipe`, `H100`), issue 15.
 */
export const TextFieldSchema = z.enum([
  'experiment',
  'strategy',
  'variant',
  'source',
  'target',
  'backend',
  'device',
]);
export type TextField = z.infer<typeof TextFieldSchema>;

export const MetricColumnSchema = z
  .object({ name: z.string().min(1).max(64), mode: MetricModeSchema })
  .strict();
export type MetricColumn = z.infer<typeof MetricColumnSchema>;

/** At most this many extra metric and parameter columns each (one LEFT JOIN per metric). */
export const MAX_EXTRA_COLUMNS = 12;

export const RunQueryInputSchema = z
  .object({
    strategy: NameListSchema.optional(),
    /** Variant labels (`fine-tune · l2sp λ=0.01`; `source` for source runs). */
    variant: NameListSchema.optional(),
    sourceName: NameListSchema.optional(),
    targetName: NameListSchema.optional(),
    status: z.array(RunStatusSchema).min(1).optional(),
    experimentId: z.array(z.int().positive()).min(1).max(100).optional(),
    budget: z.array(BudgetSchema).min(1).max(100).optional(),
    /** Runs carrying every one of these tags. */
    tags: z.array(TagSchema).min(1).max(20).optional(),
    /** Creation time, inclusive bounds (ISO 8601). */
    createdFrom: z.iso.datetime({ offset: true }).optional(),
    createdTo: z.iso.datetime({ offset: true }).optional(),
    archived: z.enum(['exclude', 'include', 'only']).default('exclude'),
    /** Whitespace-separated words; each must occur (case-insensitively) in the experiment's
     * name, the run's strategy or variant, its source or target name, notes or tags. */
    search: z.string().trim().max(200).optional(),
    /** The summary metric shown beside each row, and optionally a range it must fall in. */
    metric: z
      .object({
        name: z.string().min(1).max(64),
        mode: MetricModeSchema,
        min: z.number().optional(),
        max: z.number().optional(),
      })
      .strict()
      .optional(),
    /** Text conditions; the values of one condition are alternatives (any may match). */
    textFilters: z
      .array(
        z
          .object({
            field: TextFieldSchema,
            values: z.array(z.string().min(1).max(200)).min(1).max(20),
            exact: z.boolean().default(false),
          })
          .strict(),
      )
      .max(16)
      .optional(),
    /** Metric conditions in the stored unit (fractions for accuracies), all of which must hold. */
    metricFilters: z
      .array(
        z
          .object({
            name: z.string().min(1).max(64),
            mode: MetricModeSchema,
            op: CompareOpSchema,
            value: z.number().refine(Number.isFinite, 'A metric bound must be a finite number.'),
          })
          .strict(),
      )
      .max(8)
      .optional(),
    /** Conditions on the resolved config's parameters; a run without the parameter fails them. */
    paramFilters: z
      .array(
        z
          .object({
            path: ParamPathSchema,
            op: CompareOpSchema,
            value: z.union([z.number(), z.string().max(200), z.boolean()]),
          })
          .strict(),
      )
      .max(8)
      .optional(),
    /** Extra columns returned per row, in this order (HistoryRow.columns), in one query. */
    columns: z
      .object({
        metrics: z.array(MetricColumnSchema).max(MAX_EXTRA_COLUMNS).default([]),
        params: z.array(ParamPathSchema).max(MAX_EXTRA_COLUMNS).default([]),
      })
      .strict()
      .optional(),
    sort: z
      .object({ by: z.enum(RUN_SORT_KEYS), dir: z.enum(['asc', 'desc']).default('desc') })
      .strict()
      .default({ by: 'id', dir: 'desc' }),
    limit: z.int().min(1).max(MAX_RUN_PAGE).default(100),
    offset: z.int().min(0).default(0),
  })
  .strict()
  .refine((q) => q.sort.by !== 'metric' || q.metric !== undefined, {
    message: 'Sorting by "metric" needs `metric` (a name and a mode).',
    path: ['sort', 'by'],
  });
export type RunQuery = z.infer<typeof RunQueryInputSchema>;

export interface RunAnnotations {
  notes: string | null;
  tags: string[];
  archivedAt: string | null;
}

export interface HistoryRow extends RunSummary, RunAnnotations {
  /** The chosen summary metric; null when none was chosen or the run has no finite value. */
  metricValue: number | null;
  /** Values of the query's extra columns, in its order; null where the run has none. */
  columns: { metrics: (number | null)[]; params: ParamValue[] };
}

/** A parameter's value as the resolved config holds it (objects and lists as JSON text). */
export type ParamValue = number | string | boolean | null;

export interface RunPage {
  rows: HistoryRow[];
  /** Runs matching the filters, all pages together. */
  total: number;
}

export const RunUpdateInputSchema = z
  .object({
    id: z.int().positive(),
    /** Empty clears the notes. */
    notes: z.string().max(20_000).optional(),
    /** Replaces the run's tags. */
    tags: z.array(TagSchema).max(32).optional(),
    archived: z.boolean().optional(),
  })
  .strict();
export type RunUpdate = z.infer<typeof RunUpdateInputSchema>;

/**
 * A saved view of the Runs grid (issue 14): the typed query, the extra columns, the summary
 * metric and the sort, under a name, kept in the workspace so every window and machine that
 * opens it has the same views. Column widths stay with the window (localStorage).
 */
export const SavedViewSchema = z
  .object({
    name: z.string().trim().min(1).max(80),
    query: z.string().max(500),
    columns: z
      .object({
        metrics: z.array(MetricColumnSchema).max(MAX_EXTRA_COLUMNS),
        params: z.array(ParamPathSchema).max(MAX_EXTRA_COLUMNS),
      })
      .strict(),
    metric: MetricColumnSchema,
    sort: z.object({ by: z.enum(RUN_SORT_KEYS), dir: z.enum(['asc', 'desc']) }).strict(),
  })
  .strict();
export type SavedView = z.infer<typeof SavedViewSchema>;

/** Views a workspace keeps at most (they are listed whole, in one settings value). */
export const MAX_SAVED_VIEWS = 100;

export const SavedViewDeleteSchema = z.object({ name: z.string().trim().min(1).max(80) }).strict();
