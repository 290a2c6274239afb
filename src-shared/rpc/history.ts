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
     * name, the run's strategy or variant, notes or tags. */
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
}

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
