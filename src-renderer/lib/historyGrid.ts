import { z } from 'zod';
import {
  MAX_EXTRA_COLUMNS,
  MetricColumnSchema,
  ParamPathSchema,
  type MetricColumn,
  type ParamPath,
  type ParamValue,
} from '../../src-shared/rpc/history';
import { PARAM_ALIASES, isPercentMetric } from '../../src-shared/query/runQueryFields';

/**
 * The Runs grid's chosen columns (issue 14): metric columns (a name and a summary mode) and
 * parameter columns (a path in the resolved config), with the widths the user dragged them to.
 * Kept per workspace in localStorage: a layout is a preference of this window, not data.
 */

export interface GridColumns {
  metrics: MetricColumn[];
  params: ParamPath[];
}

export const emptyGridColumns = (): GridColumns => ({ metrics: [], params: [] });

/** Parameters the chooser offers first: what researchers vary most. */
export const COMMON_PARAMS: readonly ParamPath[] = [
  'training.learningRate',
  'training.epochs',
  'training.batchSize',
  'strategyParams.freezeLayers',
  'strategyParams.lambda',
  'strategyParams.l2sp',
  'strategyParams.temperature',
  'seed',
];

/** A parameter's short name in headers: `lr` for training.learningRate, else its last part. */
export function paramLabel(path: ParamPath): string {
  const alias = Object.entries(PARAM_ALIASES).find(([, p]) => p === path)?.[0];
  return alias ?? path.slice(path.lastIndexOf('.') + 1);
}

export const metricColumnKey = (m: MetricColumn): string => `m:${m.name}:${m.mode}`;
export const paramColumnKey = (p: ParamPath): string => `p:${p}`;

/** A metric column's header, short enough for its default width: `val_acc max %`. */
export function metricColumnLabel(m: MetricColumn): string {
  return `${m.name} ${m.mode}${isPercentMetric(m.name) ? ' %' : ''}`;
}

/** A metric cell: accuracies in percent to two decimals (as the Metric column), others to four. */
export { formatMetricInUnit as formatMetricValue } from './format';

/** A parameter cell: numbers in their shortest exact form (1e-4 stays 0.0001), absent as —. */
export function formatParamValue(value: ParamValue): string {
  if (value === null) return '—';
  if (typeof value === 'number') {
    return Math.abs(value) > 0 && Math.abs(value) < 1e-3 ? value.toExponential() : String(value);
  }
  return String(value);
}

/** Adds a column at the end, or removes it where it is. */
export function toggleMetricColumn(cols: GridColumns, m: MetricColumn): GridColumns {
  const key = metricColumnKey(m);
  const has = cols.metrics.some((c) => metricColumnKey(c) === key);
  if (!has && cols.metrics.length >= MAX_EXTRA_COLUMNS) return cols;
  return {
    ...cols,
    metrics: has
      ? cols.metrics.filter((c) => metricColumnKey(c) !== key)
      : [...cols.metrics, { ...m }],
  };
}

export function toggleParamColumn(cols: GridColumns, p: ParamPath): GridColumns {
  const has = cols.params.includes(p);
  if (!has && cols.params.length >= MAX_EXTRA_COLUMNS) return cols;
  return { ...cols, params: has ? cols.params.filter((c) => c !== p) : [...cols.params, p] };
}

/** A dragged width stays between these, so no column vanishes or takes the whole table. */
export const MIN_COLUMN_WIDTH = 48;
export const MAX_COLUMN_WIDTH = 480;
/** Default widths: a metric header (`test_loss best`) and a parameter's short value (`5e-4`). */
export const METRIC_COLUMN_WIDTH = 128;
export const PARAM_COLUMN_WIDTH = 80;

export function clampWidth(px: number): number {
  return Math.round(Math.min(MAX_COLUMN_WIDTH, Math.max(MIN_COLUMN_WIDTH, px)));
}

const StoredGridSchema = z.object({
  columns: z.object({
    metrics: z.array(MetricColumnSchema).max(MAX_EXTRA_COLUMNS),
    params: z.array(ParamPathSchema).max(MAX_EXTRA_COLUMNS),
  }),
  widths: z.record(z.string().max(120), z.number()),
});
export type StoredGrid = z.infer<typeof StoredGridSchema>;

/** What the grid needs of localStorage (typed here: this module is also built without the DOM). */
export interface LayoutStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export const gridStorageKey = (workspace: string): string => `transferlab.runsGrid:${workspace}`;

/** The layout kept for a workspace; the default when none was kept or it no longer parses. */
export function loadGrid(storage: LayoutStorage | null, workspace: string): StoredGrid {
  const fallback: StoredGrid = { columns: emptyGridColumns(), widths: {} };
  const text = storage?.getItem(gridStorageKey(workspace));
  if (text === null || text === undefined) return fallback;
  try {
    const parsed = StoredGridSchema.safeParse(JSON.parse(text));
    if (!parsed.success) return fallback;
    const widths: Record<string, number> = {};
    for (const [k, v] of Object.entries(parsed.data.widths)) widths[k] = clampWidth(v);
    return { columns: parsed.data.columns, widths };
  } catch {
    return fallback;
  }
}

export function saveGrid(storage: LayoutStorage | null, workspace: string, grid: StoredGrid): void {
  try {
    storage?.setItem(gridStorageKey(workspace), JSON.stringify(grid));
  } catch {
    // A full or disabled storage loses the layout for the next visit, nothing else.
  }
}
