import { Matrix } from 'ml-matrix';
import {
  checkLabels,
  toProbabilities,
  type CheckedLabels,
  type LabelsInput,
  type MatrixInput,
} from './inputs';

/**
 * LEEP, the Log Expected Empirical Prediction (Nguyen, Hassner, Seeger and Archambeau 2020,
 * "LEEP: A New Measure to Evaluate Transferability of Learned Representations", ICML, eqs. 1–3).
 *
 * With θ(x_i) the source model's distribution over its Z classes on target sample i and y_i the
 * target label (0..K−1), over the n target samples:
 *   joint        P̂(y, z) = (1/n) Σ_i θ_z(x_i) · 1[y_i = y]
 *   marginal     P̂(z)    = Σ_y P̂(y, z)
 *   conditional  P̂(y | z) = P̂(y, z) / P̂(z)
 *   EEP          p(y | x) = Σ_z P̂(y | z) θ_z(x)          (the "expected empirical predictor")
 *   LEEP         T       = (1/n) Σ_i log p(y_i | x_i)
 * T is the average log-likelihood of the EEP classifier on the target data, so T ≤ 0, and a
 * higher T predicts a higher accuracy after fine-tuning the source model to the target task.
 * T is finite: P̂(y_i | z) ≥ θ_z(x_i) / (n P̂(z)), so p(y_i | x_i) > 0 for every sample.
 */

/** Options shared by the label-based scores. */
export interface TargetClassOptions {
  /** K; defaults to max(label) + 1. Labels must lie in 0..K−1. */
  readonly numTargetClasses?: number;
}

/** The expected empirical predictor of LEEP: a target classifier built from the source's outputs. */
export interface EepClassifier {
  readonly numSourceClasses: number;
  readonly numTargetClasses: number;
  /** P̂(y | z), K rows (target classes y) of Z entries (source classes z). */
  readonly conditional: readonly (readonly number[])[];
  /** p(y | x) = Σ_z P̂(y | z) θ_z(x) for one θ(x), K entries summing to 1. */
  predict(theta: ArrayLike<number>): number[];
}

/** The EEP classifier that LEEP scores, built from θ (n×Z probabilities) and the target labels. */
export function eepClassifier(
  probs: MatrixInput,
  labels: LabelsInput,
  options: TargetClassOptions = {},
): EepClassifier {
  const theta = toProbabilities(probs);
  return buildEep(theta, checkLabels(labels, theta.rows, options.numTargetClasses));
}

/** LEEP score T = (1/n) Σ_i log Σ_z P̂(y_i | z) θ_z(x_i), at most 0. */
export function leep(
  probs: MatrixInput,
  labels: LabelsInput,
  options: TargetClassOptions = {},
): number {
  const theta = toProbabilities(probs);
  const checked = checkLabels(labels, theta.rows, options.numTargetClasses);
  const eep = buildEep(theta, checked);
  // Row i of θ · P̂(y | z)ᵀ is the EEP's p(· | x_i).
  const predicted = theta.mmul(new Matrix(eep.conditional.map((row) => [...row])).transpose());
  let sum = 0;
  checked.labels.forEach((y, i) => {
    sum += Math.log(predicted.get(i, y));
  });
  return sum / theta.rows;
}

function buildEep(theta: Matrix, { labels, numClasses: k }: CheckedLabels): EepClassifier {
  const n = theta.rows;
  const z = theta.columns;
  const joint = new Matrix(k, z);
  labels.forEach((y, i) => {
    for (let c = 0; c < z; c++) joint.set(y, c, joint.get(y, c) + theta.get(i, c) / n);
  });
  const marginal = joint.sum('column');
  const conditional = new Matrix(k, z);
  for (let c = 0; c < z; c++) {
    const pz = marginal[c] ?? 0;
    // A source class that never gets probability mass on the target data says nothing about y:
    // give it the uniform P(y | z) = 1/K so that every EEP prediction stays a distribution.
    // (On the target samples themselves its θ_z is 0, so LEEP does not depend on this choice.)
    for (let y = 0; y < k; y++) conditional.set(y, c, pz > 0 ? joint.get(y, c) / pz : 1 / k);
  }
  return {
    numSourceClasses: z,
    numTargetClasses: k,
    conditional: conditional.to2DArray(),
    predict(t: ArrayLike<number>): number[] {
      if (t.length !== z) throw new Error(`θ has ${t.length} entries, the source has ${z} classes`);
      return conditional.mmul(Matrix.columnVector(Array.from(t))).getColumn(0);
    },
  };
}
