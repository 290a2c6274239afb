import type { Budget } from '../../src-shared/domain/experimentSpec';
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
