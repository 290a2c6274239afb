import type { RunSortKey } from '../../src-shared/rpc/history';
import type { RunSummary } from '../../src-shared/domain/runs';
import { DEVICE_NOT_RECORDED, deviceDescription } from '../../src-shared/domain/runDeviceText';
import { isPercentMetric } from '../../src-shared/domain/metricRange';

export { isPercentMetric };
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
  | 'device'
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
  /**
   * Stays at the left or right edge when the table scrolls sideways (issue 14: beside the notes
   * panel the table scrolled to the tags it was opened from and lost the select box and the run
   * id). The tags, which open the panel, stay at the right.
   */
  pin: 'left' | 'right' | null;
}

const col = (
  key: HistoryColumnKey,
  label: string,
  width: number | null,
  sort: RunSortKey | null,
  numeric = false,
  secondary = false,
): HistoryColumn => ({
  key,
  label,
  width,
  sort,
  numeric,
  secondary,
  pin: key === 'select' || key === 'id' ? 'left' : key === 'tags' ? 'right' : null,
});

/**
 * Sized (with the table's 8 px cell padding) so that the primary ones and the budget fit a
 * 1280 px window (about 1,000 px for the table) and all but the creation time a 1440 px one;
 * beside the panel the primary ones scroll sideways under the pinned select and run columns.
 * The variant (issue 10) stands where the strategy stood: its label starts with the strategy,
 * and 170 px hold typical labels (`fine-tune · l2sp λ=0.01`, `mmd · λ=0.1, lr=1e-4`) whole;
 * longer ones end in an ellipsis with the full label in the cell's title. The run column holds
 * six-digit ids (`#123456`, tabular numerals) and source and target about 18 characters
 * (`fashion-mnist 0–4`, `digits 0–4 upright`), issue 14. The device (issue 15) shows the backend
 * and the start of the device's label (`webgpu llvmpipe-llvm-15…`), the whole in its title; it
 * is the first to go where the window is narrow.
 */
export const HISTORY_COLUMNS: readonly HistoryColumn[] = [
  col('select', 'Select', 32, null),
  col('id', 'Run', 80, 'id', true),
  col('experiment', 'Experiment', null, 'experimentName'),
  col('variant', 'Variant', 170, 'variant'),
  col('source', 'Source', 132, 'sourceName'),
  col('target', 'Target', 132, 'targetName'),
  col('budget', 'Budget', 72, 'budget', true, true),
  col('seed', 'Seed', 50, 'seed', true, true),
  col('status', 'Status', 92, 'status'),
  col('metric', 'Metric', 112, 'metric', true),
  col('epochs', 'Epochs', 66, 'epochsDone', true, true),
  col('device', 'Device', 200, 'device', false, true),
  col('created', 'Created', 100, 'createdAt', false, true),
  col('tags', 'Tags', 84, null),
];

/** The flexible column's least width; the table scrolls sideways below the sum. */
export const FLEX_MIN_WIDTH = 90;

export function tableMinWidth(columns: readonly HistoryColumn[] = HISTORY_COLUMNS): number {
  return columns.reduce((sum, c) => sum + (c.width ?? FLEX_MIN_WIDTH), 0);
}

/**
 * Where a pinned column sticks: the widths of the columns pinned to the same edge between it and
 * that edge; null for a column that scrolls.
 */
export function pinOffset(columns: readonly HistoryColumn[], key: HistoryColumnKey): number | null {
  const pin = columns.find((c) => c.key === key)?.pin ?? null;
  if (pin === null) return null;
  const sameEdge = columns.filter((c) => c.pin === pin);
  const ordered = pin === 'left' ? sameEdge : [...sameEdge].reverse();
  let offset = 0;
  for (const c of ordered) {
    if (c.key === key) break;
    offset += c.width ?? FLEX_MIN_WIDTH;
  }
  return offset;
}

/** Beside the panel, the primary columns it shows for its own run, given up in this order. */
const COMPACT_DROP_ORDER: readonly HistoryColumnKey[] = ['experiment', 'status'];

/** Secondary columns given up first when the table is narrower than all of them. */
const DROP_ORDER: readonly HistoryColumnKey[] = ['device', 'created', 'epochs', 'seed', 'budget'];

/**
 * The columns shown: the primary ones beside the side panel (less the experiment and the status
 * where they do not fit, see COMPACT_DROP_ORDER); otherwise all of them that fit
 * `available` px (the secondary ones dropped in DROP_ORDER), so a 1280 px window shows the
 * variant, source and target whole without scrolling sideways. Without a width, all of them.
 */
export function visibleColumns(compact: boolean, available = Infinity): readonly HistoryColumn[] {
  if (compact) {
    // Beside the panel, which shows its run's experiment and status, those two go first when
    // the rest would scroll: the select box, run, variant, source, target and metric stay.
    let shown = HISTORY_COLUMNS.filter((c) => !c.secondary);
    for (const key of COMPACT_DROP_ORDER) {
      if (tableMinWidth(shown) <= available) break;
      shown = shown.filter((c) => c.key !== key);
    }
    return shown;
  }
  let shown: readonly HistoryColumn[] = HISTORY_COLUMNS;
  for (const key of DROP_ORDER) {
    if (tableMinWidth(shown) <= available) break;
    shown = shown.filter((c) => c.key !== key);
  }
  return shown;
}

/**
 * The metric column's header, e.g. `val_acc best %`, in the form of the extra metric columns.
 * The default mode (`last`) is left out (`test_acc %`) so that the unit fits the column; the
 * Metric chooser above the table and the header's title name the mode.
 */
export function metricLabel(metric: MetricChoice): string {
  const mode = metric.mode === 'last' ? '' : ` ${metric.mode}`;
  return `${metric.name}${mode}${isPercentMetric(metric.name) ? ' %' : ''}`;
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

/**
 * The device cell's title: the backend, then the device's label, adapter and limits (issue 15);
 * `not recorded` for runs from before it, and nothing yet for runs that have not started.
 */
export function deviceCellTitle(row: Pick<RunSummary, 'backend' | 'device' | 'status'>): string {
  if (row.backend === null && row.device === null) {
    return row.status === 'queued' ? 'Known when the run starts' : DEVICE_NOT_RECORDED;
  }
  const backend = row.backend === null ? '' : `backend ${row.backend}\n`;
  return `${backend}${deviceDescription(row.device)}`;
}

/** A label budget in the table: labelled samples per class, or all of them. */
export function formatBudgetCell(budget: number | 'all'): string {
  return String(budget);
}

/** A metric value in the table: an accuracy in percent to two decimals, others to four. */
export { formatMetricInUnit as formatMetricCell } from './format';
