import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { checkLabels, toMatrix, type LabelsInput, type MatrixInput } from './inputs';
import type { TargetClassOptions } from './leep';

/**
 * LogME, the logarithm of the maximum evidence (You, Liu, Wang and Long 2021, "LogME: Practical
 * Assessment of Pre-trained Models for Transfer Learning", ICML, Algorithm 1 and eq. 2).
 *
 * For each target class k, a Bayesian linear model y = F w + noise on the features F (n×D) with
 * prior w ~ N(0, α⁻¹ I), noise N(0, β⁻¹) and y the one-hot column of class k has the evidence
 *   L(α, β) = log p(y | F, α, β)
 *           = n/2 log β + D/2 log α − n/2 log 2π − β/2 ‖F m − y‖² − α/2 mᵀm − ½ log |A|,
 *   A = α I + β FᵀF,   m = β A⁻¹ Fᵀ y.
 * Algorithm 1 maximises it over α, β by MacKay's fixed point, using one eigendecomposition
 * FᵀF = V diag(σ) Vᵀ (ml-matrix's symmetric EVD; the reference code calls an SVD of the same
 * symmetric matrix, which gives the same factors) so that each step costs O(nD) instead of a
 * D×D inverse:
 *   start α = β = 1; repeat
 *     γ = Σ_i βσ_i / (α + βσ_i),   m = β V diag(1 / (α + βσ)) Vᵀ Fᵀ y,
 *     α ← γ / mᵀm,   β ← (n − γ) / ‖F m − y‖²
 *   until α / β converges; then L_k = L(α, β) / n, with log |A| = Σ_i log(α + βσ_i).
 * LogME = (1/C) Σ_k L_k, the mean per-sample log evidence over the target classes. Higher is
 * more transferable. Cost: O(nD² + D³) once, then O(nD) per class and step.
 *
 * The defaults follow the authors' ICML implementation (github.com/thuml/LogME, LogME.py,
 * `_fit_icml` and `each_evidence`) so that scores are comparable with published ones: features
 * in float64; at most 11 steps, stopping once |Δ(α/β)| / (α/β) < 0.01; ε = 1e-5 added to mᵀm and
 * ‖F m − y‖² (in the updates and in L), which keeps α and β finite when a class is fitted
 * exactly; and L evaluated with the last step's m. With `epsilon: 0`, a tight `tolerance` and
 * more steps the result is the exact maximum of eq. 2 (the tests check this against the Gaussian
 * marginal likelihood computed directly). One deviation: a class in 0..K−1 with no sample is
 * skipped rather than averaged in, since its all-zero column says nothing about the features and
 * the reference gives it an evidence that only ε keeps finite.
 */

export interface LogMeOptions extends TargetClassOptions {
  /** Most fixed-point steps per class; default 11 (the reference implementation's). */
  readonly maxIterations?: number;
  /** Stop when the relative change of λ = α/β is below this; default 0.01 (the reference's). */
  readonly tolerance?: number;
  /** Added to mᵀm and ‖F m − y‖²; default 1e-5 (the reference's). 0 for the exact eq. 2. */
  readonly epsilon?: number;
}

/** The maximised evidence for one target class. */
export interface LogMeClassEvidence {
  readonly targetClass: number;
  /** L(α, β) / n at the final α, β. */
  readonly evidence: number;
  readonly alpha: number;
  readonly beta: number;
  /** Fixed-point steps taken. */
  readonly iterations: number;
}

export interface LogMeResult {
  /** Mean of `evidence` over the classes present in the labels. */
  readonly score: number;
  readonly perClass: readonly LogMeClassEvidence[];
}

/** LogME score of features (n×D) for target labels (0..K−1). */
export function logMe(
  features: MatrixInput,
  labels: LabelsInput,
  options: LogMeOptions = {},
): number {
  return logMeDetails(features, labels, options).score;
}

/** LogME with the per-class evidence, α and β. */
export function logMeDetails(
  features: MatrixInput,
  labels: LabelsInput,
  options: LogMeOptions = {},
): LogMeResult {
  const maxIterations = options.maxIterations ?? 11;
  const tolerance = options.tolerance ?? 0.01;
  const epsilon = options.epsilon ?? 1e-5;
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new Error(`LogME: maxIterations must be a positive integer, got ${maxIterations}`);
  }
  if (!(tolerance >= 0)) throw new Error(`LogME: tolerance must be ≥ 0, got ${tolerance}`);
  if (!(epsilon >= 0)) throw new Error(`LogME: epsilon must be ≥ 0, got ${epsilon}`);

  const f = toMatrix(features, 'features');
  const { labels: y, numClasses } = checkLabels(labels, f.rows, options.numTargetClasses);
  const evd = new EigenvalueDecomposition(f.gram(), { assumeSymmetric: true });
  // FᵀF is positive semi-definite; rounding can leave its null eigenvalues at −1e-16.
  const sigma = evd.realEigenvalues.map((s) => Math.max(s, 0));
  if (Math.max(...sigma) === 0) throw new Error('LogME: the features are all zero');
  const spectrum: Spectrum = { f, v: evd.eigenvectorMatrix, sigma };

  const present = new Set(y);
  const perClass: LogMeClassEvidence[] = [];
  for (let k = 0; k < numClasses; k++) {
    if (!present.has(k)) continue;
    const target = Matrix.columnVector(Array.from(y, (label) => (label === k ? 1 : 0)));
    perClass.push({
      targetClass: k,
      ...maximiseEvidence(spectrum, target, { maxIterations, tolerance, epsilon }),
    });
  }
  const score = perClass.reduce((sum, c) => sum + c.evidence, 0) / perClass.length;
  return { score, perClass };
}

interface Spectrum {
  /** F, n×D. */
  readonly f: Matrix;
  /** Eigenvectors of FᵀF, as columns. */
  readonly v: Matrix;
  /** Eigenvalues of FᵀF, ≥ 0. */
  readonly sigma: readonly number[];
}

/** Algorithm 1, lines 4–11, for one target column y (n×1): the reference's `each_evidence`. */
function maximiseEvidence(
  { f, v, sigma }: Spectrum,
  y: Matrix,
  opts: { maxIterations: number; tolerance: number; epsilon: number },
): Omit<LogMeClassEvidence, 'targetClass'> {
  const n = f.rows;
  const d = f.columns;
  const { epsilon } = opts;
  // Vᵀ Fᵀ y, fixed for the whole iteration.
  const projected = v.transposeMultiply(f.transposeMultiply(y)).getColumn(0);
  let alpha = 1;
  let beta = 1;
  let lambda = alpha / beta;
  let alphaDe = 0;
  let betaDe = 0;
  let iterations = 0;
  while (iterations < opts.maxIterations) {
    iterations++;
    let gamma = 0;
    for (const s of sigma) gamma += s / (s + lambda);
    const weights = projected.map((t, i) => (t * beta) / (alpha + beta * (sigma[i] ?? 0)));
    const m = v.mmul(Matrix.columnVector(weights));
    alphaDe = m.dot(m);
    alpha = gamma / (alphaDe + epsilon);
    const residual = f.mmul(m).sub(y);
    betaDe = residual.dot(residual);
    beta = (n - gamma) / (betaDe + epsilon);
    const newLambda = alpha / beta;
    if (Math.abs(newLambda - lambda) / lambda < opts.tolerance) break;
    lambda = newLambda;
  }
  let logDetA = 0;
  for (const s of sigma) logDetA += Math.log(alpha + beta * s);
  const evidence =
    (d / 2) * Math.log(alpha) +
    (n / 2) * Math.log(beta) -
    0.5 * logDetA -
    (beta / 2) * (betaDe + epsilon) -
    (alpha / 2) * (alphaDe + epsilon) -
    (n / 2) * Math.log(2 * Math.PI);
  return { evidence: evidence / n, alpha, beta, iterations };
}
