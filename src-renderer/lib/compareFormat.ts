import type { Budget } from '../../src-shared/domain/experimentSpec';
import type { FieldValue } from '../../src-shared/domain/configFields';
import type { CellStat, Gain, LabelCount, TestOutcome } from '../../src-shared/rpc/compare';
import { DASH } from './format';

/**
 * How the Compare view writes numbers. Accuracies are fractions on the wire and percentages on
 * screen; their differences are percentage points ("pp"), never "%", which would read as a
 * relative change.
 */
export type ValueFormat = 'percent' | 'number';

/** `test_acc`, `val_acc`, `acc`, `accuracy` are percentages; losses and the rest are numbers. */
export function metricFormat(metric: string): ValueFormat {
  return /(^|_)acc(uracy)?$/.test(metric) ? 'percent' : 'number';
}

function finite(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** A value without its unit: `84.2` (percent) or `0.4312`. */
export function formatBare(value: number | null | undefined, format: ValueFormat): string {
  if (!finite(value)) return DASH;
  if (format === 'percent') return (value * 100).toFixed(1);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e5)) return value.toExponential(2);
  return value.toFixed(abs >= 100 ? 1 : 4);
}

/** A value with its unit: `84.2 %` or `0.4312`. */
export function formatValue(value: number | null | undefined, format: ValueFormat): string {
  const bare = formatBare(value, format);
  return format === 'percent' && bare !== DASH ? `${bare} %` : bare;
}

/** A signed difference: `+3.1 pp`, `−0.8 pp` or `+0.0123` (a true minus sign). */
export function formatDiff(value: number | null | undefined, format: ValueFormat): string {
  if (!finite(value)) return DASH;
  const bare = formatBare(Math.abs(value), format);
  const sign = value > 0 ? '+' : value < 0 ? '−' : '±';
  return `${sign}${bare}${format === 'percent' ? ' pp' : ''}`;
}

/** `84.2 ± 1.3 %`; `84.2 %` when one seed gives no spread. */
export function formatMeanStd(stat: CellStat, format: ValueFormat): string {
  const unit = format === 'percent' ? ' %' : '';
  const mean = formatBare(stat.mean, format);
  return stat.std === null ? `${mean}${unit}` : `${mean} ± ${formatBare(stat.std, format)}${unit}`;
}

/** The summary table's cell: mean ± std with n, e.g. `84.2 ± 1.3 % (n=3)`. */
export function formatCell(stat: CellStat | null, format: ValueFormat): string {
  if (stat === null) return DASH;
  return `${formatMeanStd(stat, format)} (n=${stat.n})`;
}

/** The 95% CI of the paired differences, `[+1.2, +5.0] pp`. */
export function formatDiffInterval(stat: CellStat | null, format: ValueFormat): string {
  if (stat?.ci95 == null) return DASH;
  const [lo, hi] = stat.ci95;
  const unit = format === 'percent' ? ' pp' : '';
  const strip = (v: number): string => formatDiff(v, format).replace(/ pp$/, '');
  return `[${strip(lo)}, ${strip(hi)}]${unit}`;
}

/** A p-value: `0.031`, `<0.001`, `1.000`. */
export function formatP(p: number | null | undefined): string {
  if (!finite(p)) return DASH;
  if (p < 0.001) return '<0.001';
  return p.toFixed(3);
}

/** A test's p, or a dash with the reason it was not run. */
export function outcomeP(outcome: TestOutcome<{ p: number }>): { text: string; title: string } {
  return outcome.ok
    ? { text: formatP(outcome.p), title: `p = ${String(outcome.p)}` }
    : { text: DASH, title: outcome.reason };
}

export function budgetText(budget: Budget | number): string {
  return budget === 'all' ? 'all' : `${budget}/class`;
}

export function budgetKey(budget: Budget): string {
  return String(budget);
}

export function sourceText(name: string | null): string {
  return name ?? '(no source)';
}

/** A mark that carries the verdict without colour (charts and chips). */
export const VERDICT_MARK: Record<Gain['verdict'], string> = {
  win: '▲',
  tie: '=',
  loss: '▼',
  untested: '?',
};

/**
 * Labelled rows a model selection used per choice, and where they came from, e.g.
 * `2,000 validation rows (validation split)` or `10–40 rows (held out of the label budget)`.
 */
export function labelCountText(count: LabelCount, noun: string): string {
  if (count.min === null || count.max === null)
    return `${noun}: not recorded (runs before issue 10)`;
  const n = (v: number): string => v.toLocaleString('en-US');
  const range = count.min === count.max ? n(count.min) : `${n(count.min)}–${n(count.max)}`;
  return `${range} ${noun}${count.max === 1 ? '' : 's'} (${LABEL_SOURCES[count.from]})`;
}

export const LABEL_SOURCES: Record<LabelCount['from'], string> = {
  split: 'validation split',
  budget: 'held out of the label budget',
  mixed: 'validation split or held out of the budget, by run',
  unknown: 'some runs did not record it',
};

/** What a gain row notes beside its numbers: seeds without a partner, runs not finished. */
export function gainNotes(gain: Gain): string[] {
  const notes: string[] = [];
  const seeds = (list: number[]): string =>
    `${list.length === 1 ? 'seed' : 'seeds'} ${list.join(', ')}`;
  if (gain.strategyOnlySeeds.length > 0)
    notes.push(`${seeds(gain.strategyOnlySeeds)} without a ${gain.baseline} run`);
  if (gain.baselineOnlySeeds.length > 0)
    notes.push(`${seeds(gain.baselineOnlySeeds)} only in ${gain.baseline}`);
  if (gain.incompleteSeeds.length > 0)
    notes.push(`${seeds(gain.incompleteSeeds)} incomplete (no finite value)`);
  return notes;
}

/** A config value in a diff table; `undefined` where the run lacks the field. */
export function fieldText(value: FieldValue | undefined): string {
  if (value === undefined) return DASH;
  if (value === null) return 'null';
  return String(value);
}

/** Names for the non-config group fields. */
export const GROUP_FIELD_LABELS: Record<string, string> = {
  variant: 'variant',
  strategy: 'strategy',
  source: 'source',
  target: 'target',
  experiment: 'experiment',
  run: 'run (each alone)',
};
