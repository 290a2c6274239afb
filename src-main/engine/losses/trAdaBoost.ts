import { positiveInteger } from './weighting';

/**
 * TrAdaBoost (Dai, Yang, Xue and Yu 2007, "Boosting for Transfer Learning", ICML), Algorithm 1:
 * boosting over source ("diff-distribution") and a few labelled target ("same-distribution")
 * samples in which misclassified source samples lose weight (Hedge(β), Freund and Schapire 1997)
 * and misclassified target samples gain weight (AdaBoost).
 */

/** Errors are clamped to [1e-10, 1/2] before β_t = ε_t/(1 − ε_t) (see trAdaBoostUpdate). */
const MIN_ERROR = 1e-10;

/** TrAdaBoost's source factor β = 1/(1 + √(2·ln n_S / N)) for n_S source samples, N rounds. */
export function trAdaBoostSourceBeta(nSource: number, rounds: number): number {
  positiveInteger(nSource, 'nSource');
  positiveInteger(rounds, 'rounds');
  return 1 / (1 + Math.sqrt((2 * Math.log(nSource)) / rounds));
}

export interface TrAdaBoostRound {
  /** w^{t+1}: the source samples first, then the target samples, like the input. */
  weights: Float64Array;
  /** ε_t = Σ_target w_i·|h_t(x_i) − y_i| / Σ_target w_i, as measured (before clamping). */
  error: number;
  /** β_t = ε_t/(1 − ε_t), with ε_t clamped to [1e-10, 1/2]. */
  betaT: number;
}

/**
 * One round of TrAdaBoost (Dai et al. 2007, Algorithm 1, steps 3–5), given the weights w^t of
 * the n_S source samples followed by the target samples and the per-sample errors
 * |h_t(x_i) − y_i| ∈ [0, 1] of this round's hypothesis (0/1 for a classifier):
 *
 *   ε_t = Σ_{target} w_i·e_i / Σ_{target} w_i          (the error on the target samples only)
 *   β_t = ε_t/(1 − ε_t),   β = 1/(1 + √(2·ln n_S / N))
 *   w_i ← w_i·β^{e_i}      for source samples (a mistake there costs weight),
 *   w_i ← w_i·β_t^{−e_i}   for target samples (a mistake there earns weight).
 *
 * The paper requires ε_t < 1/2; a hypothesis no better than chance on the target is clamped to
 * ε_t = 1/2 (β_t = 1: the target weights stay, the round gets no say in the vote), and a perfect
 * one to ε_t = 1e-10 (β_t finite). The weights are returned unnormalised, as in the paper; the
 * learner of the next round takes p^{t+1} = w^{t+1}/Σw^{t+1} (normalizeWeights).
 */
export function trAdaBoostUpdate(
  weights: Float64Array,
  errors: ArrayLike<number>,
  nSource: number,
  rounds: number,
): TrAdaBoostRound {
  const n = weights.length;
  if (errors.length !== n) {
    throw new Error(`Expected ${n} errors (one per sample), got ${errors.length}`);
  }
  if (!(Number.isInteger(nSource) && nSource >= 1 && nSource < n)) {
    throw new Error(`Expected 1 ≤ nSource < ${n} (some target samples), got ${nSource}`);
  }
  let weightedError = 0;
  let targetWeight = 0;
  for (let i = 0; i < n; i++) {
    const e = errors[i] ?? Number.NaN;
    const w = weights[i] ?? Number.NaN;
    if (!(e >= 0 && e <= 1)) throw new Error(`Errors must lie in [0, 1], got ${e} at ${i}`);
    if (!(w >= 0 && Number.isFinite(w))) throw new Error(`Weights must be ≥ 0, got ${w} at ${i}`);
    if (i >= nSource) {
      weightedError += w * e;
      targetWeight += w;
    }
  }
  if (!(targetWeight > 0)) throw new Error('The target samples have no weight left');
  const error = weightedError / targetWeight;
  const clamped = Math.min(0.5, Math.max(MIN_ERROR, error));
  const betaT = clamped / (1 - clamped);
  const beta = trAdaBoostSourceBeta(nSource, rounds);
  const next = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const e = errors[i] ?? 0;
    next[i] = (weights[i] ?? 0) * (i < nSource ? Math.pow(beta, e) : Math.pow(betaT, -e));
  }
  return { weights: next, error, betaT };
}

/** p = w/Σw. */
export function normalizeWeights(weights: Float64Array): Float64Array {
  let sum = 0;
  for (const w of weights) sum += w;
  if (!(sum > 0)) throw new Error('The weights sum to 0');
  return weights.map((w) => w / sum);
}

/**
 * The weight of each round's hypothesis in TrAdaBoost's final classifier: ln(1/β_t) for the
 * second half of the rounds, t ≥ ⌈N/2⌉ (1-based), and 0 for the first half, which the paper
 * leaves out of the vote.
 */
export function trAdaBoostHypothesisWeights(betaTs: readonly number[]): Float64Array {
  const rounds = betaTs.length;
  const first = Math.ceil(rounds / 2) - 1;
  return Float64Array.from(betaTs, (b, t) => {
    if (!(b > 0 && b <= 1)) throw new Error(`β_t must lie in (0, 1], got ${b} at round ${t + 1}`);
    return t >= first ? -Math.log(b) : 0;
  });
}

/**
 * TrAdaBoost's final hypothesis for two classes (Dai et al. 2007, Algorithm 1, output):
 *
 *   h_f(x) = 1  if  Π_{t=⌈N/2⌉}^{N} β_t^{−h_t(x)} ≥ Π_{t=⌈N/2⌉}^{N} β_t^{−1/2},  else 0,
 *
 * taken in logs, Σ_t ln(1/β_t)·(h_t(x) − ½) ≥ 0, with hypotheses[t][j] = h_t(x_j) ∈ [0, 1].
 */
export function trAdaBoostPredict(
  betaTs: readonly number[],
  hypotheses: readonly ArrayLike<number>[],
): Float64Array {
  const alphas = trAdaBoostHypothesisWeights(betaTs);
  if (hypotheses.length !== betaTs.length) {
    throw new Error(
      `Expected ${betaTs.length} hypotheses (one per round), got ${hypotheses.length}`,
    );
  }
  const m = hypotheses[0]?.length ?? 0;
  const score = new Float64Array(m);
  hypotheses.forEach((h, t) => {
    if (h.length !== m) throw new Error(`Round ${t + 1} predicts ${h.length} samples, not ${m}`);
    const a = alphas[t] ?? 0;
    for (let j = 0; j < m; j++) score[j] = (score[j] ?? 0) + a * ((h[j] ?? 0) - 0.5);
  });
  return score.map((s) => (s >= 0 ? 1 : 0));
}

/**
 * The multi-class form of the same vote: argmax_c Σ_t ln(1/β_t)·[h_t(x) = c] over the second
 * half of the rounds, with predictions[t][j] the class h_t(x_j) in 0..k−1. For two classes it
 * is trAdaBoostPredict's rule (ties go to class 1 there, to the lower class here).
 */
export function trAdaBoostVote(
  betaTs: readonly number[],
  predictions: readonly ArrayLike<number>[],
  numClasses: number,
): Int32Array {
  const alphas = trAdaBoostHypothesisWeights(betaTs);
  if (predictions.length !== betaTs.length) {
    throw new Error(
      `Expected ${betaTs.length} hypotheses (one per round), got ${predictions.length}`,
    );
  }
  const m = predictions[0]?.length ?? 0;
  const votes = new Float64Array(m * numClasses);
  predictions.forEach((p, t) => {
    if (p.length !== m) throw new Error(`Round ${t + 1} predicts ${p.length} samples, not ${m}`);
    for (let j = 0; j < m; j++) {
      const c = p[j] ?? -1;
      if (!(Number.isInteger(c) && c >= 0 && c < numClasses)) {
        throw new Error(`Round ${t + 1} predicts class ${c} for sample ${j}`);
      }
      votes[j * numClasses + c] = (votes[j * numClasses + c] ?? 0) + (alphas[t] ?? 0);
    }
  });
  return Int32Array.from({ length: m }, (_, j) => {
    let best = 0;
    for (let c = 1; c < numClasses; c++) {
      if ((votes[j * numClasses + c] ?? 0) > (votes[j * numClasses + best] ?? 0)) best = c;
    }
    return best;
  });
}

/** The 0/1 errors [h(x_i) ≠ y_i] of a classifier's predicted classes, for trAdaBoostUpdate. */
export function misclassified(
  predicted: ArrayLike<number>,
  labels: ArrayLike<number>,
): Float64Array {
  if (predicted.length !== labels.length) {
    throw new Error(`${predicted.length} predictions for ${labels.length} labels`);
  }
  return Float64Array.from({ length: labels.length }, (_, i) =>
    predicted[i] === labels[i] ? 0 : 1,
  );
}
