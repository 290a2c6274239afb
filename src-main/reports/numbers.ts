import type { Budget } from '../../src-shared/domain/experimentSpec';
import { metricRange } from '../../src-shared/domain/metricRange';
import type { CellStat, Gain } from '../../src-shared/rpc/compare';

/**
 * How numbers read in every report format, so the HTML, Markdown and LaTeX tables agree. Plain
 * strings: each format escapes them as it escapes user text.
 */

/** A metric value; 4 decimals is below the seed-to-seed noise of any metric shown. */
export function formatValue(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined) return '–';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  return value.toFixed(digits);
}

/** A p-value: small ones in scientific notation rather than a misleading 0.0000. */
export function formatP(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '–';
  if (p < 1e-4) return p.toExponential(1);
  return p.toFixed(4);
}

/** "mean ± std (n)"; a single value has no spread; an empty cell is a dash. */
export function formatCell(stat: CellStat | null): string {
  if (stat === null || stat.n === 0) return '–';
  const spread = stat.std === null ? '' : ` ± ${formatValue(stat.std)}`;
  const excluded = stat.excluded > 0 ? `, ${stat.excluded} excluded` : '';
  return `${formatValue(stat.mean)}${spread} (n=${stat.n}${excluded})`;
}

export function formatBudget(budget: Budget): string {
  return budget === 'all' ? 'all labels' : `${budget} labels`;
}

export function formatSource(sourceName: string | null): string {
  return sourceName ?? '(none)';
}

export function formatCi(stat: CellStat | null): string {
  if (stat?.ci95 == null) return '–';
  return `[${formatValue(stat.ci95[0])}, ${formatValue(stat.ci95[1])}]`;
}

/** Why a test has no p-value, or its p-value. */
export function formatTest(outcome: Gain['tTest'] | Gain['wilcoxon']): string {
  return outcome.ok ? formatP(outcome.p) : `– (${outcome.reason})`;
}

/** Verdict words as the tables print them; negative transfer is the one that must stand out. */
export function formatVerdict(gain: Gain): string {
  return gain.negativeTransfer ? `${gain.verdict} (negative transfer)` : gain.verdict;
}

/**
 * One unit for a metric everywhere a person reads it (issue 14): an accuracy in percent and its
 * differences in percentage points, as the workbench shows them; any other metric as it is.
 * CSV and JSON reports keep the raw fractions (they are data, not prose).
 */
function inPercent(metric: string): boolean {
  return metricRange(metric).max === 1;
}

/** A metric value: `65.60 %` for an accuracy, `0.9619` otherwise. */
export function formatMetricValue(value: number | null | undefined, metric: string): string {
  if (!inPercent(metric) || value === null || value === undefined || !Number.isFinite(value))
    return formatValue(value);
  return `${(value * 100).toFixed(2)} %`;
}

/** A difference of a metric: `+2.56 pp` for an accuracy, `0.0256` otherwise. */
export function formatMetricDiff(value: number | null | undefined, metric: string): string {
  if (!inPercent(metric) || value === null || value === undefined || !Number.isFinite(value))
    return formatValue(value);
  return `${value > 0 ? '+' : value < 0 ? '−' : ''}${Math.abs(value * 100).toFixed(2)} pp`;
}

/** "mean ± std (n)" in the metric's unit. */
export function formatMetricCell(stat: CellStat | null, metric: string): string {
  if (!inPercent(metric)) return formatCell(stat);
  if (stat === null || stat.n === 0) return '–';
  const spread = stat.std === null ? '' : ` ± ${(stat.std * 100).toFixed(2)}`;
  const excluded = stat.excluded > 0 ? `, ${stat.excluded} excluded` : '';
  return `${(stat.mean * 100).toFixed(2)}${spread} % (n=${stat.n}${excluded})`;
}

/** The 95% CI of a difference, in percentage points for an accuracy. */
export function formatDiffCi(stat: CellStat | null, metric: string): string {
  if (!inPercent(metric) || stat?.ci95 == null) return formatCi(stat);
  const pp = (v: number): string => `${v < 0 ? '−' : ''}${Math.abs(v * 100).toFixed(2)}`;
  return `[${pp(stat.ci95[0])}, ${pp(stat.ci95[1])}] pp`;
}
