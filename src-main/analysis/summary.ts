import tQuantile from '@stdlib/stats-base-dists-t-quantile';

/** The confidence level of `Spread.ci`; reports label bands with it (issue 5: "always labelled"). */
export const CI_LEVEL = 0.95;

/** How far the values spread; only defined from two values on. */
export interface Spread {
  /** Sample standard deviation (denominator n − 1, Bessel's correction). */
  std: number;
  /** Standard error of the mean, std / √n. */
  se: number;
  /** Two-sided `CI_LEVEL` interval of the mean: mean ± t_{(1+level)/2, n−1} · se (Student 1908). */
  ci: { lower: number; upper: number };
}

export interface Summary {
  /** Values summarised: the finite ones. */
  n: number;
  mean: number;
  /** Undefined when n = 1: one value has no sample spread, and Student's t has no df = 0. */
  spread: Spread | undefined;
  /**
   * Values left out because they were not finite: NaN for a run that did not finish, ±Infinity
   * for one that diverged. Counted so a table can say "n = 4 (1 excluded)" rather than hide it.
   */
  excluded: number;
}

/**
 * Mean, sample standard deviation, standard error and a 95% Student t confidence interval of
 * the mean, over the finite values (non-finite ones are counted in `excluded`).
 * Throws when no finite value is left: there is nothing to summarise.
 */
export function summarize(values: readonly number[]): Summary {
  const xs = values.filter((x) => Number.isFinite(x));
  const excluded = values.length - xs.length;
  const n = xs.length;
  if (n === 0) {
    throw new RangeError(`summary: no finite value among ${values.length} (${excluded} excluded)`);
  }
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { n, mean, spread: undefined, excluded };
  // Two passes (mean first, then squared deviations) rather than Σx² − n·x̄², which cancels
  // catastrophically for values close together such as accuracies over seeds.
  const std = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  const se = std / Math.sqrt(n);
  const half = tQuantile((1 + CI_LEVEL) / 2, n - 1) * se;
  return { n, mean, spread: { std, se, ci: { lower: mean - half, upper: mean + half } }, excluded };
}
