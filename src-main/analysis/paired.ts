import ttest from '@stdlib/stats-ttest';
import wilcoxon from '@stdlib/stats-wilcoxon';
import { pairBySeed, type Pairing, type SeedValue } from './pairBySeed';

/** Why a test has no result, rather than a misleading number. */
export type UntestedReason = 'too-few-pairs' | 'constant-differences' | 'all-differences-zero';

export type Tested<T> = ({ ok: true } & T) | { ok: false; reason: UntestedReason };

/** Which side a test's statistic points to: 1 when the strategy is above the baseline. */
export type Direction = -1 | 0 | 1;

export interface TTestResult {
  t: number;
  df: number;
  /** Two-sided. */
  p: number;
  direction: Direction;
}

export interface WilcoxonResult {
  /** R's V: the sum of the ranks of |d| over positive differences d = strategy − baseline. */
  v: number;
  /** Two-sided. */
  p: number;
  /** Exact signed-rank distribution, or the normal approximation (see `wilcoxonTest`). */
  method: 'exact' | 'normal';
  /** Zero differences, dropped before ranking (Wilcoxon's own convention, as R does). */
  zeros: number;
  /** Whether some |d| are equal; they get average ranks. */
  ties: boolean;
  direction: Direction;
}

/** A strategy against a baseline over the seeds both ran. */
export interface PairedComparison {
  /** Complete pairs tested. */
  n: number;
  /** Mean difference Δ = strategy − baseline; undefined without a complete pair. */
  meanDiff: number | undefined;
  tTest: Tested<TTestResult>;
  wilcoxon: Tested<WilcoxonResult>;
  /** The pairing, with the unmatched and incomplete seeds the report must show. */
  pairing: Pairing;
}

const sign = (x: number): Direction => (x > 0 ? 1 : x < 0 ? -1 : 0);

const differences = (a: readonly number[], b: readonly number[]): number[] =>
  a.map((x, i) => x - (b[i] ?? NaN));

/**
 * The paired t-test (Student 1908) of `a` against `b`, element by element: a one-sample t-test
 * of d = a − b against 0, t = mean(d) / (sd(d)/√n), df = n − 1, two-sided p from Student's t.
 * The numbers are @stdlib/stats-ttest's. Values must be finite (see `pairBySeed`).
 * Untested for fewer than two pairs, and where the differences are (essentially) constant,
 * using R's `t.test` criterion se < 10·ε·|mean|: there t is ±∞ or 0/0 and p says nothing.
 */
export function pairedTTest(a: readonly number[], b: readonly number[]): Tested<TTestResult> {
  const d = differences(a, b);
  const n = d.length;
  if (n < 2) return { ok: false, reason: 'too-few-pairs' };
  const m = d.reduce((s, x) => s + x, 0) / n;
  const se = Math.sqrt(d.reduce((s, x) => s + (x - m) ** 2, 0) / (n - 1) / n);
  if (se === 0 || se < 10 * Number.EPSILON * Math.abs(m)) {
    return { ok: false, reason: 'constant-differences' };
  }
  const r = ttest([...a], [...b], { alternative: 'two-sided' });
  return { ok: true, t: r.statistic, df: r.df, p: r.pValue, direction: sign(r.statistic) };
}

/**
 * The Wilcoxon signed-rank test (Wilcoxon 1945) of `a` against `b`, two-sided, computed by
 * @stdlib/stats-wilcoxon with its defaults, which are R's `wilcox.test(a, b, paired = TRUE)`:
 * - zero differences are dropped before ranking (zeroMethod 'wilcox'), and counted in `zeros`;
 * - tied |d| get average ranks;
 * - the p-value is exact (signed-rank distribution) for at most 50 non-zero differences with
 *   no zero and no tie; otherwise it is the normal approximation with the tie-corrected
 *   variance and a continuity correction of 0.5 — `method` says which (the rule is restated
 *   here from the library's source, which does not report it).
 * The library's exact two-sided p is 2·P(V ≤ v) on the lower side, which exceeds 1 when v is
 * the distribution's centre; it is capped at 1, as R's `min(2 * p, 1)`.
 * Untested for fewer than two pairs, or when every difference is zero (nothing to rank).
 */
export function wilcoxonTest(a: readonly number[], b: readonly number[]): Tested<WilcoxonResult> {
  if (a.length < 2) return { ok: false, reason: 'too-few-pairs' };
  const nonZero = differences(a, b).filter((x) => x !== 0);
  if (nonZero.length === 0) return { ok: false, reason: 'all-differences-zero' };
  const zeros = a.length - nonZero.length;
  const ties = new Set(nonZero.map(Math.abs)).size < nonZero.length;
  const exact = nonZero.length <= 50 && zeros === 0 && !ties;
  const r = wilcoxon([...a], [...b], { alternative: 'two-sided' });
  const centre = (nonZero.length * (nonZero.length + 1)) / 4;
  return {
    ok: true,
    v: r.statistic,
    p: Math.min(r.pValue, 1),
    method: exact ? 'exact' : 'normal',
    zeros,
    ties,
    direction: sign(r.statistic - centre),
  };
}

/**
 * Compares a strategy with a baseline over the seeds both ran (paired by seed), with both
 * tests. Raw p-values: correct across a family of comparisons with `judge` (verdict.ts).
 */
export function comparePaired(
  strategy: readonly SeedValue[],
  baseline: readonly SeedValue[],
): PairedComparison {
  const pairing = pairBySeed(strategy, baseline);
  const n = pairing.seeds.length;
  const d = differences(pairing.strategy, pairing.baseline);
  return {
    n,
    meanDiff: n === 0 ? undefined : d.reduce((s, x) => s + x, 0) / n,
    tTest: pairedTTest(pairing.strategy, pairing.baseline),
    wilcoxon: wilcoxonTest(pairing.strategy, pairing.baseline),
    pairing,
  };
}
