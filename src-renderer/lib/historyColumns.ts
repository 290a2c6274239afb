import type { RunSortKey } from '../../src-shared/rpc/history';
import type { MetricChoice } from './historyQuery';

/** The History table's columns, in order, with their widths (fixed, so rows never reflow). */
export type HistoryColumnKey =
  | 'select'
  | 'id'
  | 'experiment'
  | 'variant'
  | 'source'
  | 'target'
  | 'budget'
  | 'seed'
  | 'status'
  | 'metric'
  | 'epochs'
  | 'created'
  | 'tags';

export interface HistoryColumn {
  key: HistoryColumnKey;
  label: string;
  /** Width in px; null takes the room left over (at least `FLEX_MIN_WIDTH`). */
  width: number | null;
  sort: RunSortKey | null;
  numeric: boolean;
  /** Left out while the side panel takes room (the panel shows them for its run). */
  secondary: boolean;
}

const col = (
  key: HistoryColumnKey,
  label: string,
  width: number | null,
  sort: RunSortKey | null,
  numeric = false,
  secondary = false,
): HistoryColumn => ({ key, label, width, sort, numeric, secondary });

/**
 * Sized so that all of them fit a 1440 px window, and the primary ones a 1280 px window and
 * beside the panel. The variant (issue 10) stands where the strategy stood: its label starts with
 * the strategy, and 180 px hold typical labels (`fine-tune · l2sp λ=0.01`, `mmd · λ=0.1, lr=1e-4`)
 * whole; longer ones end in an ellipsis with the full label in the cell's title.
 */
export const HISTORY_COLUMNS: readonly HistoryColumn[] = [
  col('select', 'Select', 32, null),
  col('id', 'Run', 58, 'id', true),
  col('experiment', 'Experiment', null, 'experimentName'),
  col('variant', 'Variant', 180, 'variant'),
  col('source', 'Source', 92, 'sourceName'),
  col('target', 'Target', 92, 'targetName'),
  col('budget', 'Budget', 70, 'budget', true, true),
  col('seed', 'Seed', 50, 'seed', true, true),
  col('status', 'Status', 98, 'status'),
  col('metric', 'Metric', 108, 'metric', true),
  col('epochs', 'Epochs', 66, 'epochsDone', true, true),
  col('created', 'Created', 100, 'createdAt', false, true),
  col('tags', 'Tags', 110, null),
];

/** The flexible column's least width; the table scrolls sideways below the sum. */
export const FLEX_MIN_WIDTH = 100;

export function tableMinWidth(columns: readonly HistoryColumn[] = HISTORY_COLUMNS): number {
  return columns.reduce((sum, c) => sum + (c.width ?? FLEX_MIN_WIDTH), 0);
}

/** Secondary columns given up first when the table is narrower than all of them. */
const DROP_ORDER: readonly HistoryColumnKey[] = ['created', 'epochs', 'seed', 'budget'];

/**
 * The columns shown: the primary ones beside the side panel; otherwise all of them that fit
 * `available` px (the secondary ones dropped in DROP_ORDER), so a 1280 px window shows the
 * variant whole without scrolling sideways. Without a width, all of them.
 */
export function visibleColumns(compact: boolean, available = Infinity): readonly HistoryColumn[] {
  if (compact) return HISTORY_COLUMNS.filter((c) => !c.secondary);
  let shown: readonly HistoryColumn[] = HISTORY_COLUMNS;
  for (const key of DROP_ORDER) {
    if (tableMinWidth(shown) <= available) break;
    shown = shown.filter((c) => c.key !== key);
  }
  return shown;
}

/** The metric column's header, e.g. `val_acc · best`. */
export function metricLabel(metric: MetricChoice): string {
  return `${metric.name} · ${metric.mode}`;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * A creation time in the table: `11-23 07:08` within the current year, `2024-11-23` before it
 * (the full time is in the cell's title).
 */
export function formatCreatedCell(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const date = `${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  if (d.getFullYear() !== now.getFullYear()) return `${d.getFullYear()}-${date}`;
  return `${date} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A label budget in the table: labelled samples per class, or all of them. */
export function formatBudgetCell(budget: number | 'all'): string {
  return String(budget);
}

/** A metric value in the table: accuracies and losses alike to four decimals. */
export function formatMetricCell(value: number | null): string {
  if (value === null) return '—';
  return value.toFixed(4);
}
