import { holm } from './holm';
import type { PairedComparison } from './paired';

/** 'untested' when the chosen test had no result (too few pairs, constant differences). */
export type Verdict = 'win' | 'loss' | 'tie' | 'untested';

export interface JudgeOptions {
  /** Family-wise error rate (default 0.05). */
  alpha?: number;
  /**
   * The test behind the verdict (default 't'). With the 3–5 seeds usual per cell, the exact
   * Wilcoxon test cannot reach 0.05 (its smallest two-sided p for n = 5 is 2/2⁵ = 0.0625), so
   * the t-test is the default; the Wilcoxon test is the choice when normality is doubtful.
   */
  test?: 't' | 'wilcoxon';
  /** Whether a larger metric is better (accuracy); false for a loss or an error rate. */
  higherIsBetter?: boolean;
}

export interface Judgement {
  verdict: Verdict;
  /** Holm-adjusted p of the chosen test; undefined when untested. */
  pAdjusted: number | undefined;
  /** Negative transfer: the strategy is significantly worse than the baseline (a 'loss'). */
  negativeTransfer: boolean;
}

/**
 * Verdicts for a family of comparisons (e.g. every strategy × target × budget against one
 * baseline), in input order. The chosen test's p-values are Holm-adjusted across the family
 * (holm.ts); a comparison is significant where the adjusted p ≤ α (the same rule as stdlib's
 * `rejected`), and then a win or a loss by the side its statistic points to. Untested
 * comparisons are not hypotheses tested, so they do not enlarge the family.
 */
export function judge(
  comparisons: readonly PairedComparison[],
  options: JudgeOptions = {},
): Judgement[] {
  const { alpha = 0.05, test = 't', higherIsBetter = true } = options;
  const results = comparisons.map((c) => (test === 't' ? c.tTest : c.wilcoxon));
  const tested = results.flatMap((r) => (r.ok ? [r] : []));
  const adjusted = holm(tested.map((r) => r.p));
  let k = 0;
  return results.map((r): Judgement => {
    if (!r.ok) return { verdict: 'untested', pAdjusted: undefined, negativeTransfer: false };
    const pAdjusted = adjusted[k++] ?? NaN;
    const better = higherIsBetter ? r.direction : -r.direction;
    const verdict: Verdict =
      pAdjusted <= alpha && better !== 0 ? (better > 0 ? 'win' : 'loss') : 'tie';
    return { verdict, pAdjusted, negativeTransfer: verdict === 'loss' };
  });
}
