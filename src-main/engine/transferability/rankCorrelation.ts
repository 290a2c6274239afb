/**
 * Kendall's rank correlation τ-b (Kendall 1945, "The treatment of ties in ranking problems",
 * Biometrika 33(3)), used to ask whether a transferability score ranked the source→target pairs
 * in the order of the gain that training actually realised (issue 3, point 8).
 *
 * Over the n(n−1)/2 pairs of items (i, j), a pair is concordant when x and y order it the same
 * way, discordant when they order it oppositely; pairs tied in x or in y are neither. Then
 *   τ_b = (n_c − n_d) / √((n_0 − n_1)(n_0 − n_2)),
 * n_0 = n(n−1)/2, n_1 = Σ_i t_i(t_i − 1)/2 over the groups of t_i tied x values, n_2 the same
 * for y. Without ties it is τ-a = (n_c − n_d)/n_0. It is what scipy.stats.kendalltau computes
 * by default (variant 'b'), and NaN where either side is constant, as there.
 *
 * No maintained npm package for τ-b turned up, so it is written out here, by direct pair
 * counting: it compares a handful of items (one per trained source→target run), where O(n²) is
 * immediate and plainly right; Knight's O(n log n) merge-sort count is for long series.
 */

/** Pair counts behind τ-b. */
export interface KendallTau {
  /** τ-b in [−1, 1]; NaN when x or y is constant (or n < 2). */
  readonly tau: number;
  readonly n: number;
  readonly concordant: number;
  readonly discordant: number;
  /** Pairs tied in x only, in y only, and in both. */
  readonly tiedX: number;
  readonly tiedY: number;
  readonly tiedBoth: number;
}

/** Kendall's τ-b between paired samples x and y (e.g. scores and realised gains). */
export function kendallTauB(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return kendallTau(x, y).tau;
}

/** τ-b with its pair counts. */
export function kendallTau(x: ArrayLike<number>, y: ArrayLike<number>): KendallTau {
  const n = x.length;
  if (y.length !== n) throw new Error(`Kendall τ: ${n} x values but ${y.length} y values`);
  const xs = Array.from(x);
  const ys = Array.from(y);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(xs[i]) || !Number.isFinite(ys[i])) {
      throw new Error(`Kendall τ: pair ${i} is (${xs[i]}, ${ys[i]}), not finite`);
    }
  }
  let concordant = 0;
  let discordant = 0;
  let tiedX = 0;
  let tiedY = 0;
  let tiedBoth = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = Math.sign((xs[j] ?? 0) - (xs[i] ?? 0));
      const dy = Math.sign((ys[j] ?? 0) - (ys[i] ?? 0));
      if (dx === 0 && dy === 0) tiedBoth++;
      else if (dx === 0) tiedX++;
      else if (dy === 0) tiedY++;
      else if (dx === dy) concordant++;
      else discordant++;
    }
  }
  // n_0 − n_1 counts the pairs not tied in x: concordant + discordant + tied in y only.
  const untiedX = concordant + discordant + tiedY;
  const untiedY = concordant + discordant + tiedX;
  const tau =
    untiedX === 0 || untiedY === 0
      ? Number.NaN
      : (concordant - discordant) / Math.sqrt(untiedX * untiedY);
  return { tau, n, concordant, discordant, tiedX, tiedY, tiedBoth };
}
