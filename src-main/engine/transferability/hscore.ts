import { Matrix, pseudoInverse } from 'ml-matrix';
import { checkLabels, toMatrix, type LabelsInput, type MatrixInput } from './inputs';
import type { TargetClassOptions } from './leep';

/**
 * H-score (Bao, Li, Huang, Wang, Zamir and Guibas 2019, "An Information-theoretic Approach to
 * Transferability in Task Transfer Learning", ICIP, Definition 2):
 *   H(f) = tr( cov(f)⁻¹ · cov(E[f | y]) )
 * for features f(x) (n×d, e.g. the source model's penultimate activations) and target labels y.
 * cov(E[f | y]) is the between-class covariance Σ_y P̂(y) (μ_y − μ)(μ_y − μ)ᵀ, with μ_y the class
 * means and μ the overall mean. Both covariances divide by n; any common factor cancels in the
 * trace. By the law of total covariance cov(f) = cov(E[f | y]) + E[cov(f | y)], so
 * 0 ≤ H ≤ rank cov(E[f | y]) ≤ min(d, K − 1), with the upper bound reached when the features
 * do not vary within a class. Higher is more transferable.
 *
 * Stability: penultimate features are often rank-deficient (dead ReLUs, more units than samples),
 * so cov(f)⁻¹ is the Moore–Penrose pseudo-inverse (ml-matrix's SVD-based `pseudoInverse`, which
 * zeroes singular values below ε · max(d, d) · σ_max like LAPACK and numpy's `pinv`; the
 * reference code uses `np.linalg.pinv(cov, rcond=1e-15)`). Directions of tiny but non-zero
 * variance can still dominate the trace; `shrinkage` λ ∈ [0, 1] replaces cov(f) by
 * (1 − λ) cov(f) + λ (tr cov(f) / d) I first, the shrunk estimator that Ibrahim, Ponomareva and
 * Mazumder 2022 ("Newer is not always better: Rethinking transferability metrics, their
 * peculiarities, stability and performance", ECML-PKDD) recommend for the H-score (they pick λ
 * by Ledoit–Wolf; here it is the caller's choice, 0 by default: the original H-score).
 */

export interface HScoreOptions extends TargetClassOptions {
  /** λ in [0, 1]: shrink cov(f) towards (tr cov(f) / d) I before inverting. Default 0. */
  readonly shrinkage?: number;
}

export function hScore(
  features: MatrixInput,
  labels: LabelsInput,
  options: HScoreOptions = {},
): number {
  const f = toMatrix(features, 'features');
  const { labels: y, numClasses: k } = checkLabels(labels, f.rows, options.numTargetClasses);
  const shrinkage = options.shrinkage ?? 0;
  if (!(shrinkage >= 0 && shrinkage <= 1)) {
    throw new Error(`H-score: shrinkage must lie in [0, 1], got ${shrinkage}`);
  }
  const n = f.rows;
  const d = f.columns;
  const mean = f.mean('column');
  const centred = f.clone().subRowVector(mean);
  const covF = centred.gram().div(n);

  // Between-class covariance: the Gram matrix of the rows √P̂(y) (μ_y − μ).
  const sums = new Matrix(k, d);
  const counts = new Float64Array(k);
  y.forEach((c, i) => {
    counts[c] = (counts[c] ?? 0) + 1;
    for (let j = 0; j < d; j++) sums.set(c, j, sums.get(c, j) + centred.get(i, j));
  });
  const scaled = new Matrix(k, d);
  counts.forEach((count, c) => {
    // √(n_y / n) · (Σ_{i: y_i = c} (f_i − μ) / n_y) = Σ (f_i − μ) / √(n_y n); 0 for absent classes.
    if (count > 0)
      for (let j = 0; j < d; j++) scaled.set(c, j, sums.get(c, j) / Math.sqrt(count * n));
  });
  const covG = scaled.gram();

  if (shrinkage > 0) {
    const target = covF.trace() / d;
    covF.mul(1 - shrinkage);
    for (let j = 0; j < d; j++) covF.set(j, j, covF.get(j, j) + shrinkage * target);
  }
  const inv = pseudoInverse(covF);
  // tr(A B) = Σ_ij A_ij B_ji, without forming the product.
  let trace = 0;
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) trace += inv.get(i, j) * covG.get(j, i);
  return trace;
}
