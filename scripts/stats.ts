import { pairedTTest as tTest } from '../src-main/analysis/paired';

/**
 * The statistics `npm run validate` prints: mean, sample standard deviation and the paired
 * t-test over seeds. The t-test is src-main/analysis/paired.ts's (itself @stdlib/stats-ttest's
 * numbers), so the validation table and the app's comparisons cannot disagree; this file keeps
 * the table's conventions: pairs by position, and a NaN (a run that did not complete) leaves the
 * test undefined rather than dropping a seed.
 */

export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** The sample standard deviation (n − 1); 0 for fewer than two values. */
export function sampleStd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

export interface PairedTest {
  /** Mean of the differences a − b. */
  meanDiff: number;
  t: number;
  df: number;
  /** Two-sided; null when undefined (fewer than two pairs, or every difference equal). */
  p: number | null;
}

/**
 * The paired t-test of a against b (the same seeds, in the same order): a one-sample t-test of
 * the differences a − b against 0.
 */
export function pairedTTest(a: readonly number[], b: readonly number[]): PairedTest {
  if (a.length !== b.length) throw new Error('paired t-test: samples differ in length');
  const diffs = a.map((x, i) => x - (b[i] ?? NaN));
  const df = diffs.length - 1;
  const m = mean(diffs);
  if (diffs.some((d) => !Number.isFinite(d))) return { meanDiff: m, t: NaN, df, p: null };
  const result = tTest(a, b);
  if (result.ok) return { meanDiff: m, t: result.t, df: result.df, p: result.p };
  // Constant differences: t is ±∞ (or 0 when they are all 0); too few pairs: t is undefined.
  const t =
    result.reason === 'constant-differences' ? (m === 0 ? 0 : Math.sign(m) * Infinity) : NaN;
  return { meanDiff: m, t, df, p: null };
}
