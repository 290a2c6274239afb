import { Matrix } from 'ml-matrix';
import { checkLabels, toMatrix, type LabelsInput, type MatrixInput } from './inputs';
import type { TargetClassOptions } from './leep';

/**
 * NCE, the Negative Conditional Entropy (Tran, Nguyen and Hassner 2019, "Transferability and
 * Hardness of Supervised Classification Tasks", ICCV, Definition 1 and Theorem 1).
 *
 * The source model labels each target sample with its most probable source class
 * z_i = argmax_z θ_z(x_i). From the empirical joint of the pairs (y_i, z_i),
 *   P̂(y, z) = #{i : y_i = y, z_i = z} / n,   P̂(z) = Σ_y P̂(y, z),
 *   NCE = −H(Y | Z) = Σ_{y,z} P̂(y, z) log( P̂(y, z) / P̂(z) ),   with 0 log 0 = 0.
 * NCE ≤ 0; it is 0 exactly when Z determines Y (every source class maps to one target class),
 * and the paper bounds the transferred model's log-likelihood from below by NCE.
 */

/**
 * NCE from the source model's outputs (n×Z). Only the arg-max of each row matters, so
 * probabilities and logits give the same value; a tie goes to the lowest class index, as with
 * numpy's argmax in the reference implementation.
 */
export function nce(
  outputs: MatrixInput,
  labels: LabelsInput,
  options: TargetClassOptions = {},
): number {
  const theta = toMatrix(outputs, 'probs');
  const sourceLabels = Array.from({ length: theta.rows }, (_, i) => theta.maxRowIndex(i)[1]);
  return nceFromSourceLabels(sourceLabels, labels, options);
}

/** NCE from hard source labels z_i (0..Z−1) and target labels y_i (0..K−1). */
export function nceFromSourceLabels(
  sourceLabels: LabelsInput,
  targetLabels: LabelsInput,
  options: TargetClassOptions = {},
): number {
  const n = sourceLabels.length;
  if (n === 0) throw new Error('NCE needs at least one sample');
  const z = checkLabels(sourceLabels, n, undefined, 'source labels');
  const y = checkLabels(targetLabels, n, options.numTargetClasses);
  // Counts, not running sums of 1/n: then P̂(y, z) / P̂(z) = count / column count, which is exactly
  // 1 (log 0) when z determines y.
  const counts = new Matrix(y.numClasses, z.numClasses);
  for (let i = 0; i < n; i++) {
    const yi = y.labels[i] ?? 0;
    const zi = z.labels[i] ?? 0;
    counts.set(yi, zi, counts.get(yi, zi) + 1);
  }
  const columnCounts = counts.sum('column');
  let negEntropy = 0;
  for (let c = 0; c < z.numClasses; c++) {
    const nz = columnCounts[c] ?? 0;
    for (let k = 0; k < y.numClasses; k++) {
      const nyz = counts.get(k, c);
      if (nyz > 0) negEntropy += (nyz / n) * Math.log(nyz / nz);
    }
  }
  return negEntropy;
}
