import type { Matrix } from 'ml-matrix';
import { toMatrix, type MatrixInput } from './inputs';

/**
 * The Ledoit–Wolf shrinkage intensity (Ledoit and Wolf 2004, "A well-conditioned estimator for
 * large-dimensional covariance matrices", Journal of Multivariate Analysis 88(2), 365–411):
 * the λ ∈ [0, 1] for which (1 − λ) S + λ μ I, with S the sample
 * covariance (dividing by n) and μ = tr(S) / d, is asymptotically closest to the true covariance
 * in Frobenius norm. For centred rows x_k (n×d):
 *   δ² = ‖S − μ I‖²_F / d                     (how far S is from the target)
 *   β̄² = (1 / (n² d)) Σ_k ‖x_k x_kᵀ − S‖²_F   (how noisy S is)
 *      = (Σ_k ‖x_k‖⁴ − n ‖S‖²_F) / (n² d)
 *   λ  = min(β̄², δ²) / δ²                     (0 when β̄² = 0)
 * This is scikit-learn's `sklearn.covariance.ledoit_wolf_shrinkage` (and `LedoitWolf().shrinkage_`)
 * with `assume_centered=False`, including its conventions: 0 for a single feature, and 0 when every
 * sample equals the mean. Checked against a numpy transcription of that function
 * (scripts/transferability/ledoit_wolf_reference.py) to 1e-10.
 *
 * It is the λ that Ibrahim, Ponomareva and Mazumder 2022 use for the shrunk H-score (hscore.ts).
 * It needs no n > d: with fewer samples than features, S is singular and λ is large.
 */
export function ledoitWolfShrinkage(x: MatrixInput): number {
  const m = toMatrix(x, 'features');
  const centred = m.clone().subRowVector(m.mean('column'));
  return ledoitWolfFromCentred(centred, centred.gram().div(m.rows));
}

/**
 * The same λ from rows already centred and their covariance S = XᵀX / n (the H-score has both),
 * in O(n d + d²) beyond S: Σ_ij ((X∘X)ᵀ(X∘X))_ij = Σ_k ‖x_k‖⁴, and ‖XᵀX‖²_F / n² = ‖S‖²_F.
 */
export function ledoitWolfFromCentred(centred: Matrix, cov: Matrix): number {
  const n = centred.rows;
  const d = centred.columns;
  if (d === 1) return 0;
  let fourth = 0;
  for (let k = 0; k < n; k++) {
    let sq = 0;
    for (let j = 0; j < d; j++) sq += centred.get(k, j) ** 2;
    fourth += sq * sq;
  }
  const mu = cov.trace() / d;
  let frobenius = 0;
  let distance = 0;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      const s = cov.get(i, j);
      frobenius += s * s;
      distance += (i === j ? s - mu : s) ** 2;
    }
  }
  const delta = distance / d;
  // β̄² ≥ 0 by Cauchy–Schwarz; the clamp only absorbs rounding (scikit-learn has none).
  const beta = Math.max(0, Math.min((fourth / n - frobenius) / (d * n), delta));
  return beta === 0 ? 0 : beta / delta;
}
