import { CholeskyDecomposition, Matrix, pseudoInverse } from 'ml-matrix';
import { checkLabels, toMatrix, type LabelsInput, type MatrixInput } from './inputs';
import { ledoitWolfFromCentred } from './ledoitWolf';
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
 * reference code uses `np.linalg.pinv(cov, rcond=1e-15)`). That is not enough when there are
 * fewer samples than features (issue 14: 5 labels per class, 576 features): cov(f) then has rank
 * n − 1 (for rows in general position) and a linear map of the features can fit any labelling of
 * the n rows, so H = K − 1 exactly, whatever the features (every fine-tune run read 4.000 at
 * 5 classes). Its ranking of source models is then noise.
 *
 * Shrunk H-score (Ibrahim, Ponomareva and Mazumder 2022, "Newer is not always better: Rethinking
 * transferability metrics, their peculiarities, stability and performance", ECML-PKDD):
 *   H_λ(f) = tr( cov_λ(f)⁻¹ · (1 − λ) cov(E[f | y]) ),  cov_λ(f) = (1 − λ) cov(f) + λ μ I,
 * with μ = tr cov(f) / d and λ chosen by Ledoit–Wolf (ledoitWolf.ts), i.e. Transfer-Learning-
 * Library's `regularized_h_score`. The factor (1 − λ) shrinks the between-class part of cov(f) like
 * the rest, so 0 ≤ H_λ ≤ K − 1 still holds ((1 − λ) cov(E[f|y]) ⪯ cov_λ(f)); λ = 0 is Bao's
 * H-score. `shrinkage: 'ledoit-wolf'` picks λ from the data, as `transferabilityScores` (index.ts)
 * does by default; a number fixes it; the default here is 0, the original H-score. Both
 * covariances divide by n (that library's `np.cov` for the between-class part divides by n − 1, a
 * factor n / (n − 1) common to every source model on the same target rows).
 * Checked against a numpy reference (scripts/transferability/ledoit_wolf_reference.py) to 1e-10.
 */

export interface HScoreOptions extends TargetClassOptions {
  /**
   * λ in [0, 1], or 'ledoit-wolf' to estimate it from the features: shrink cov(f) towards
   * (tr cov(f) / d) I, and cov(E[f | y]) by (1 − λ), before inverting. Default 0 (Bao et al.).
   */
  readonly shrinkage?: number | 'ledoit-wolf';
}

/** An H-score with the λ it used (the Ledoit–Wolf estimate, or the λ passed). */
export interface HScoreResult {
  readonly score: number;
  readonly shrinkage: number;
}

export function hScore(
  features: MatrixInput,
  labels: LabelsInput,
  options: HScoreOptions = {},
): number {
  return hScoreDetails(features, labels, options).score;
}

export function hScoreDetails(
  features: MatrixInput,
  labels: LabelsInput,
  options: HScoreOptions = {},
): HScoreResult {
  const f = toMatrix(features, 'features');
  const { labels: y, numClasses: k } = checkLabels(labels, f.rows, options.numTargetClasses);
  const requested = options.shrinkage ?? 0;
  if (requested !== 'ledoit-wolf' && !(requested >= 0 && requested <= 1)) {
    throw new Error(`H-score: shrinkage must lie in [0, 1] or be 'ledoit-wolf', got ${requested}`);
  }
  const n = f.rows;
  const d = f.columns;
  const mean = f.mean('column');
  const centred = f.clone().subRowVector(mean);
  const covF = centred.gram().div(n);
  const shrinkage = requested === 'ledoit-wolf' ? ledoitWolfFromCentred(centred, covF) : requested;

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

  if (shrinkage > 0) {
    const target = covF.trace() / d;
    covF.mul(1 - shrinkage);
    for (let j = 0; j < d; j++) covF.set(j, j, covF.get(j, j) + shrinkage * target);
    // cov_λ(f) is positive definite once λ μ > 0, so a Cholesky solve gives its inverse, about
    // 20 times faster than the SVD at d = 576: tr(cov_λ⁻¹ GᵀG) = Σ_c g_c · (cov_λ⁻¹ g_c).
    const cholesky = new CholeskyDecomposition(covF);
    if (cholesky.isPositiveDefinite()) {
      const solved = cholesky.solve(scaled.transpose());
      let trace = 0;
      for (let c = 0; c < k; c++)
        for (let j = 0; j < d; j++) trace += scaled.get(c, j) * solved.get(j, c);
      return { score: (1 - shrinkage) * trace, shrinkage };
    }
  }
  const covG = scaled.gram();
  const inv = pseudoInverse(covF);
  // tr(A B) = Σ_ij A_ij B_ji, without forming the product.
  let trace = 0;
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) trace += inv.get(i, j) * covG.get(j, i);
  return { score: (1 - shrinkage) * trace, shrinkage };
}
