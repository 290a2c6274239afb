import ttest from '@stdlib/stats-ttest';

/**
 * The statistics `npm run validate` prints: mean, sample standard deviation and the paired
 * t-test over seeds. The t-test (statistic, degrees of freedom and two-sided p-value from
 * Student's t distribution) is @stdlib/stats-ttest's; this file only pairs the samples and
 * handles the cases it refuses (fewer than two pairs, all differences equal).
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
 * the differences a − b against 0. A pair with a missing value (NaN: a run that did not
 * complete) leaves the test undefined rather than silently dropping a seed.
 */
export function pairedTTest(a: readonly number[], b: readonly number[]): PairedTest {
  if (a.length !== b.length) throw new Error('paired t-test: samples differ in length');
  const diffs = a.map((x, i) => x - (b[i] ?? NaN));
  const df = diffs.length - 1;
  const m = mean(diffs);
  if (df < 1 || diffs.some((d) => !Number.isFinite(d))) return { meanDiff: m, t: NaN, df, p: null };
  if (sampleStd(diffs) === 0)
    return { meanDiff: m, t: m === 0 ? 0 : Math.sign(m) * Infinity, df, p: null };
  const result = ttest([...a], [...b], { alternative: 'two-sided' });
  return { meanDiff: m, t: result.statistic, df: result.df, p: result.pValue };
}
