import type { Rank, Tensor, Tensor2D } from '@tensorflow/tfjs';
import type { Tf } from '../backend';
import { readScalars } from '../readBack';
import { domainRows, positiveInteger } from './weighting';

/**
 * Importance weights from a probabilistic domain classifier (Bickel, Brückner and Scheffer 2007,
 * "Discriminative learning for differing training and test distributions", ICML): by Bayes' rule
 *
 *   p_T(x)/p_S(x) = [p(target|x)/p(source|x)]·[P(source)/P(target)],
 *
 * and with the classifier trained on n_S source and n_T target rows the prior ratio is n_S/n_T.
 * Weights are clipped to [0, c] (a nearly separable sample otherwise puts all the mass on a few
 * points) and then normalised to mean 1, so the weighted loss keeps the scale of the unweighted
 * one. The classifier here is a logistic regression, as in Bickel et al. (Why the density ratio:
 * importance.ts.)
 */

/**
 * The default clip c of classifier-based weights: the prior-corrected odds are cut at c before
 * the normalisation to mean 1, which bounds the ratio of any weight to the typical one (after the
 * normalisation a weight may exceed c when most others are small).
 */
export const DEFAULT_WEIGHT_CLIP = 10;

/**
 * w_i = p_i/(1 − p_i)·(n_S/n_T), clipped to [0, c], normalised to mean 1, from each source
 * sample's p_i = p(target|x_i) under a domain classifier trained on n_S source and n_T target
 * rows. p_i = 1 (an infinite ratio) becomes c. Throws when every clipped weight is 0 (the
 * classifier puts no source sample anywhere near the target: nothing to reweight).
 */
export function importanceWeightsFromProbabilities(
  pTarget: ArrayLike<number>,
  nSource: number,
  nTarget: number,
  clip = DEFAULT_WEIGHT_CLIP,
): Float64Array {
  const odds = new Float64Array(pTarget.length);
  for (let i = 0; i < pTarget.length; i++) {
    const p = pTarget[i] ?? Number.NaN;
    if (!(p >= 0 && p <= 1)) throw new Error(`p(target|x) must lie in [0, 1], got ${p} at ${i}`);
    odds[i] = p / (1 - p);
  }
  return priorCorrectedWeights(odds, nSource, nTarget, clip);
}

/**
 * The same weights from the classifier's logits z_i = log(p_i/(1 − p_i)): the odds are e^z,
 * which keeps its precision where p rounds to 1 in float32 (z > 17).
 */
export function importanceWeightsFromLogits(
  logits: ArrayLike<number>,
  nSource: number,
  nTarget: number,
  clip = DEFAULT_WEIGHT_CLIP,
): Float64Array {
  const odds = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) {
    const z = logits[i] ?? Number.NaN;
    if (Number.isNaN(z)) throw new Error(`A domain logit is NaN at ${i}`);
    odds[i] = Math.exp(z);
  }
  return priorCorrectedWeights(odds, nSource, nTarget, clip);
}

function priorCorrectedWeights(
  odds: Float64Array,
  nSource: number,
  nTarget: number,
  clip: number,
): Float64Array {
  if (!(Number.isInteger(nSource) && nSource > 0 && Number.isInteger(nTarget) && nTarget > 0)) {
    throw new Error(`Sample counts must be positive integers, got ${nSource} and ${nTarget}`);
  }
  if (!(clip > 0)) throw new Error(`The weight clip must be positive, got ${clip}`);
  if (odds.length === 0) throw new Error('No source samples to weigh');
  const prior = nSource / nTarget;
  let sum = 0;
  for (let i = 0; i < odds.length; i++) {
    // Infinity (p = 1) clips to c; the product is never NaN since odds ≥ 0 and prior > 0.
    const w = Math.min(clip, (odds[i] ?? 0) * prior);
    odds[i] = w;
    sum += w;
  }
  if (!(sum > 0)) {
    throw new Error('Every source sample has weight 0: the domain classifier sees no overlap');
  }
  const scale = odds.length / sum;
  for (let i = 0; i < odds.length; i++) odds[i] = (odds[i] ?? 0) * scale;
  return odds;
}

export interface DomainClassifierOptions {
  /** Gradient steps at most; 300 by default. */
  iterations?: number;
  /** Stop once no coefficient moves by more than this in a step; 1e-6 by default. */
  tolerance?: number;
  /** The penalty l2·‖w‖² on the coefficients (not the bias); 1e-3 by default. */
  l2?: number;
  /** The clip c of the weights; DEFAULT_WEIGHT_CLIP by default. */
  clip?: number;
}

export interface DomainClassifierWeights {
  /** One weight per source row, mean 1. */
  weights: Float64Array;
  /** p(target|x) for each source row. */
  pTarget: Float64Array;
  /**
   * The classifier's accuracy at telling the domains apart on the rows it was trained on: near
   * max(n_S, n_T)/(n_S + n_T) when they overlap, near 1 when they do not (the proxy A-distance of
   * Ben-David et al. 2007 is 2·(2·accuracy − 1)).
   */
  accuracy: number;
  /** Gradient steps taken, and whether the tolerance was met before the limit. */
  iterations: number;
  converged: boolean;
}

/**
 * Trains a logistic-regression domain classifier (target = 1, source = 0) on the pooled rows of
 * `source` [n_S, ...] and `target` [n_T, ...] and returns the classifier-based weights of the
 * source rows.
 *
 * The problem is convex, so it is solved to convergence rather than by sampled steps: full-batch
 * gradient descent with Nesterov momentum (FISTA's schedule and gradient-based adaptive restart,
 * as in solveKmm, kmm.ts) on the mean cross-entropy plus l2·‖w‖², over features standardised with the
 * pooled mean and standard deviation. The step is 1/L with L = 1.2·λ_max(XᵀX/n)/4 + 2·l2 (the
 * loss's curvature is at most a quarter of the design's; λ_max by 30 power iterations, which
 * approach it from below, hence the margin). The coefficients start at 0 and the bias at the
 * prior log-odds log(n_T/n_S), so an uninformative classifier gives every source row weight 1.
 * Nothing is drawn at random: the result depends on the data and the backend only, no seed.
 * (Mini-batch Adam, tried first, normalises the rounding-level gradient of two identical samples
 * to full-size steps and wanders off w = 0; plain full-batch descent stays there.)
 */
export async function domainClassifierWeights(
  tf: Tf,
  source: Tensor,
  target: Tensor,
  options: DomainClassifierOptions = {},
): Promise<DomainClassifierWeights> {
  const [ns, nt, d] = domainRows(source, target, 'A domain classifier');
  const maxIterations = positiveInteger(options.iterations ?? 300, 'iterations');
  const tolerance = options.tolerance ?? 1e-6;
  const l2 = options.l2 ?? 1e-3;
  if (!(l2 >= 0)) throw new Error(`l2 must be ≥ 0, got ${l2}`);
  const n = ns + nt;

  // The design matrix [n, d + 1]: standardised features and a column of ones for the bias.
  const { x, y, penalty } = tf.tidy(() => {
    const pooled = tf.concat(
      [tf.reshape<Rank.R2>(source, [ns, d]), tf.reshape<Rank.R2>(target, [nt, d])],
      0,
    );
    const { mean, variance } = tf.moments(pooled, 0, true);
    // A constant feature has no spread: divided by the floor it stays 0 after centring.
    const std = tf.maximum(tf.sqrt(variance), 1e-6);
    const standardised: Tensor2D = tf.div(tf.sub(pooled, mean), std);
    const design: Tensor2D = tf.concat([standardised, tf.ones<Rank.R2>([n, 1])], 1);
    return {
      x: design,
      y: tf.concat([tf.zeros([ns, 1]), tf.ones([nt, 1])], 0),
      // 2·l2 on the coefficients, 0 on the bias: the gradient of l2·‖w‖².
      penalty: tf.concat([tf.fill([d, 1], 2 * l2), tf.zeros([1, 1])], 0),
    };
  });
  let theta = tf.tidy(() => tf.concat([tf.zeros([d, 1]), tf.fill([1, 1], Math.log(nt / ns))], 0));
  let momentumPoint = tf.clone(theta);
  try {
    const lipschitz = (1.2 * (await largestEigenvalue(tf, x, n))) / 4 + 2 * l2;
    let t = 1;
    let iterations = 0;
    let converged = false;
    while (iterations < maxIterations && !converged) {
      iterations++;
      const current = momentumPoint;
      const next = tf.tidy(() => {
        const residual: Tensor2D = tf.sub(tf.sigmoid(tf.matMul(x, current)), y);
        const gradient = tf.add(
          tf.div(transposedTimes(tf, residual, x), n),
          tf.mul(penalty, current),
        );
        return tf.sub(current, tf.div(gradient, lipschitz));
      });
      // Read back asynchronously: a GPU backend has no synchronous read (issue 15).
      const [uphill = 0, moved = 0] = await readScalars(
        tf.tidy(() => {
          const step = tf.sub(next, theta);
          return [tf.sum(tf.mul(tf.sub(current, next), step)), tf.max(tf.abs(step))];
        }),
      );
      converged = moved <= tolerance;
      const tNext = uphill > 0 ? 1 : (1 + Math.sqrt(1 + 4 * t * t)) / 2;
      const momentum = uphill > 0 ? 0 : (t - 1) / tNext;
      const previous = theta;
      momentumPoint = tf.tidy(() => tf.add(next, tf.mul(tf.sub(next, previous), momentum)));
      current.dispose();
      previous.dispose();
      theta = next;
      t = tNext;
    }
    const logits = tf.tidy(() => tf.reshape(tf.matMul(x, theta), [-1]));
    const z = await logits.data();
    logits.dispose();
    let correct = 0;
    for (let i = 0; i < n; i++) if ((z[i] ?? 0) >= 0 === i >= ns) correct++;
    const sourceLogits = Float64Array.from(z.subarray(0, ns));
    return {
      weights: importanceWeightsFromLogits(sourceLogits, ns, nt, options.clip),
      pTarget: sourceLogits.map((zi) => 1 / (1 + Math.exp(-zi))),
      accuracy: correct / n,
      iterations,
      converged,
    };
  } finally {
    theta.dispose();
    momentumPoint.dispose();
    x.dispose();
    y.dispose();
    penalty.dispose();
  }
}

/**
 * Xᵀr for a column r [n, 1], as (rᵀX)ᵀ: a column and a row share their layout, so both
 * transposes are reshapes, and the product never transposes (nor copies) the large X.
 */
function transposedTimes(tf: Tf, r: Tensor2D, x: Tensor2D): Tensor2D {
  const [n, d] = x.shape;
  return tf.reshape(tf.matMul(tf.reshape<Rank.R2>(r, [1, n]), x), [d, 1]);
}

/** λ_max(XᵀX/n) by power iteration from the all-ones direction (30 steps; a lower bound). */
async function largestEigenvalue(tf: Tf, x: Tensor2D, n: number): Promise<number> {
  let v = tf.tidy(() => tf.div(tf.ones([x.shape[1], 1]), Math.sqrt(x.shape[1])));
  let lambda = 0;
  try {
    for (let i = 0; i < 30; i++) {
      const current = v;
      const u = tf.tidy(() => tf.div(transposedTimes(tf, tf.matMul(x, current), x), n));
      [lambda = 0] = await readScalars([tf.norm(u)]);
      v = tf.tidy(() => tf.div(u, Math.max(lambda, 1e-30)));
      u.dispose();
      current.dispose();
    }
  } finally {
    v.dispose();
  }
  return lambda;
}
