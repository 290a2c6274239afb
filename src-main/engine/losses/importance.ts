import type { Rank, Tensor, Tensor2D } from '@tensorflow/tfjs';
import type { Tf } from '../backend';
import { baseBandwidth, featureMatrixShape, pairwiseSquaredDistances } from './mmd';

/**
 * Instance weights for source samples: reweight the source so that it looks like the target,
 * then train on the weighted source loss Σ_i w_i·ℓ(x_i, y_i). Under covariate shift the ideal
 * weight is the density ratio w(x) = p_T(x)/p_S(x) (Shimodaira 2000, "Improving predictive
 * inference under covariate shift by weighting the log-likelihood function"). Three estimators:
 *
 * (a) From a probabilistic domain classifier (Bickel, Brückner and Scheffer 2007, "Discriminative
 *     learning for differing training and test distributions", ICML): by Bayes' rule
 *     p_T(x)/p_S(x) = [p(target|x)/p(source|x)]·[P(source)/P(target)], and with the classifier
 *     trained on n_S source and n_T target rows the prior ratio is n_S/n_T. Weights are clipped
 *     to [0, c] (a nearly separable sample otherwise puts all the mass on a few points) and then
 *     normalised to mean 1, so the weighted loss keeps the scale of the unweighted one. The
 *     classifier here is a logistic regression, as in Bickel et al.
 *
 * (b) Kernel mean matching, KMM (Huang, Smola, Gretton, Borgwardt and Schölkopf 2007,
 *     "Correcting Sample Selection Bias by Unlabeled Data", NIPS 19): choose β so that the
 *     β-weighted source mean matches the target mean in a Gaussian RKHS, i.e. the quadratic
 *     program
 *         minimise ½βᵀKβ − κᵀβ   subject to β_i ∈ [0, B], |Σ_i β_i − n_S| ≤ n_S·ε,
 *     with K_ij = k(x_i, x_j) over source rows and κ_i = (n_S/n_T)·Σ_j k(x_i, x'_j) over target
 *     rows x'_j: ½βᵀKβ − κᵀβ is n_S²/2 times the squared MMD between the β-weighted source and the
 *     target, up to a constant.
 *
 * (c) TrAdaBoost (Dai, Yang, Xue and Yu 2007, "Boosting for Transfer Learning", ICML),
 *     Algorithm 1: boosting over source ("diff-distribution") and a few labelled target
 *     ("same-distribution") samples in which misclassified source samples lose weight
 *     (Hedge(β), Freund and Schapire 1997) and misclassified target samples gain weight
 *     (AdaBoost).
 */

// ---------------------------------------------------------------------------------------------
// (a) Weights from a domain classifier.

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
 * as in solveKmm) on the mean cross-entropy plus l2·‖w‖², over features standardised with the
 * pooled mean and standard deviation. The step is 1/L with L = 1.2·λ_max(XᵀX/n)/4 + 2·l2 (the
 * loss's curvature is at most a quarter of the design's; λ_max by 30 power iterations, which
 * approach it from below, hence the margin). The coefficients start at 0 and the bias at the
 * prior log-odds log(n_T/n_S), so an uninformative classifier gives every source row weight 1.
 * Nothing is drawn at random: the result depends on the data and the backend only, no seed.
 * (Mini-batch Adam, tried first, normalises the rounding-level gradient of two identical samples
 * to full-size steps and wanders off w = 0; plain full-batch descent stays there.)
 */
export function domainClassifierWeights(
  tf: Tf,
  source: Tensor,
  target: Tensor,
  options: DomainClassifierOptions = {},
): DomainClassifierWeights {
  const [ns, d] = featureMatrixShape(source, 'source');
  const [nt, dt] = featureMatrixShape(target, 'target');
  if (d !== dt) {
    throw new Error(`Source and target features differ in size: ${d} and ${dt} per sample`);
  }
  if (ns === 0 || nt === 0) throw new Error('A domain classifier needs rows of both domains');
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
    const lipschitz = (1.2 * largestEigenvalue(tf, x, n)) / 4 + 2 * l2;
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
      const [uphill, moved] = tf.tidy(() => {
        const step = tf.sub(next, theta);
        return [
          tf.sum(tf.mul(tf.sub(current, next), step)).dataSync()[0] ?? 0,
          tf.max(tf.abs(step)).dataSync()[0] ?? 0,
        ];
      });
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
    const z = logits.dataSync();
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
function largestEigenvalue(tf: Tf, x: Tensor2D, n: number): number {
  let v = tf.tidy(() => tf.div(tf.ones([x.shape[1], 1]), Math.sqrt(x.shape[1])));
  let lambda = 0;
  try {
    for (let i = 0; i < 30; i++) {
      const current = v;
      const u = tf.tidy(() => tf.div(transposedTimes(tf, tf.matMul(x, current), x), n));
      lambda = tf.tidy(() => tf.norm(u).dataSync()[0] ?? 0);
      v = tf.tidy(() => tf.div(u, Math.max(lambda, 1e-30)));
      u.dispose();
      current.dispose();
    }
  } finally {
    v.dispose();
  }
  return lambda;
}

// ---------------------------------------------------------------------------------------------
// (b) Kernel mean matching.

export interface KmmOptions {
  /** B, the largest weight; 1000 by default (ADAPT's default; Huang et al. tried 1 to 1000). */
  bound?: number;
  /**
   * ε in |Σβ − n_S| ≤ n_S·ε; (√n_S − 1)/√n_S by default (ADAPT's default; Huang et al. advise
   * ε = O(B/√n_S)).
   */
  epsilon?: number;
  /**
   * σ of the Gaussian kernel k(x, y) = exp(−‖x − y‖²/(2σ²)), in the features' units. By default
   * the median heuristic: σ² = the median squared distance between rows of the pooled sample (at
   * most 500 evenly spaced rows of each domain).
   */
  sigma?: number;
  /** Iterations of the projected-gradient solver; 1000 by default. */
  maxIterations?: number;
  /**
   * Stop once no β_i moves by more than tolerance·max(1, max β) in an iteration; 1e-5 by
   * default. A Gaussian Gram matrix has many eigenvalues near 0, along which the objective is
   * flat: the objective settles within a few hundred iterations, β along those directions much
   * later (and, being nearly free, matters little), so `converged` is often false at the limit.
   */
  tolerance?: number;
}

export interface KmmResult {
  /** β, one weight per source row. */
  weights: Float64Array;
  /** The kernel width used. */
  sigma: number;
  iterations: number;
  /** Whether the tolerance was met before maxIterations (see KmmOptions.tolerance). */
  converged: boolean;
  /** ½βᵀKβ − κᵀβ at the solution. */
  objective: number;
}

/**
 * The largest source sample KMM takes: its Gram matrix is n_S² doubles (200 MB at 5000) and each
 * solver iteration a product with it (about 25 s for 1000 iterations at 5000 rows).
 */
export const KMM_MAX_SOURCE = 5000;

/**
 * KMM weights for the source rows [n_S, ...] against the target rows [n_T, ...]: the Gram
 * matrix and κ are computed with tfjs (float32), then solveKmm minimises the quadratic program
 * in float64. Memory and time grow as n_S²: subsample larger sources (ADAPT splits them into
 * batches of 1000).
 */
export function kmmWeights(
  tf: Tf,
  source: Tensor,
  target: Tensor,
  options: KmmOptions = {},
): KmmResult {
  const [ns, d] = featureMatrixShape(source, 'source');
  const [nt, dt] = featureMatrixShape(target, 'target');
  if (d !== dt) {
    throw new Error(`Source and target features differ in size: ${d} and ${dt} per sample`);
  }
  if (ns === 0 || nt === 0) throw new Error('KMM needs rows of both domains');
  if (ns > KMM_MAX_SOURCE) {
    throw new Error(`KMM takes at most ${KMM_MAX_SOURCE} source rows, got ${ns}: subsample them`);
  }
  const bound = options.bound ?? 1000;
  const epsilon = options.epsilon ?? (Math.sqrt(ns) - 1) / Math.sqrt(ns);
  const sigma = options.sigma ?? medianHeuristicSigma(tf, source, target, ns, nt, d);
  if (!(Number.isFinite(sigma) && sigma > 0)) {
    throw new Error(`The KMM kernel width must be positive, got ${sigma}`);
  }

  const { gram, kappa } = tf.tidy(() => {
    const s = tf.reshape<Rank.R2>(source, [ns, d]);
    const t = tf.reshape<Rank.R2>(target, [nt, d]);
    const scale = -1 / (2 * sigma * sigma);
    const gramT = tf.exp(tf.mul(pairwiseSquaredDistances(tf, s, s), scale));
    // κ over the target in blocks: the full [n_S, n_T] kernel matrix is never held at once.
    const block = Math.max(1, Math.floor(4_000_000 / Math.max(ns, 1)));
    const parts: Tensor[] = [];
    for (let start = 0; start < nt; start += block) {
      const tb = tf.slice(t, start, Math.min(block, nt - start));
      parts.push(tf.sum(tf.exp(tf.mul(pairwiseSquaredDistances(tf, s, tb), scale)), 1));
    }
    const kappaT = tf.mul(tf.addN(parts), ns / nt);
    return { gram: gramT, kappa: kappaT };
  });
  let k: Float64Array;
  let kap: Float64Array;
  try {
    k = Float64Array.from(gram.dataSync());
    kap = Float64Array.from(kappa.dataSync());
  } finally {
    gram.dispose();
    kappa.dispose();
  }
  // The Gram matrix is symmetric in exact arithmetic; make it so exactly, and give it the exact
  // unit diagonal of the Gaussian kernel.
  for (let i = 0; i < ns; i++) {
    k[i * ns + i] = 1;
    for (let j = i + 1; j < ns; j++) {
      const v = 0.5 * ((k[i * ns + j] ?? 0) + (k[j * ns + i] ?? 0));
      k[i * ns + j] = v;
      k[j * ns + i] = v;
    }
  }
  const solved = solveKmm(k, kap, {
    bound,
    sumMin: ns * (1 - epsilon),
    sumMax: ns * (1 + epsilon),
    maxIterations: options.maxIterations ?? 1000,
    tolerance: options.tolerance ?? 1e-5,
  });
  return { ...solved, sigma };
}

export interface KmmProblem {
  /** B: each β_i in [0, B]. */
  bound: number;
  /** Σβ ≥ sumMin (n_S(1 − ε) for KMM). */
  sumMin: number;
  /** Σβ ≤ sumMax (n_S(1 + ε) for KMM). */
  sumMax: number;
  maxIterations: number;
  tolerance: number;
}

/**
 * Minimises ½βᵀKβ − κᵀβ over {β : 0 ≤ β_i ≤ B, sumMin ≤ Σβ ≤ sumMax} for a symmetric positive
 * semi-definite K (n × n, row-major) by accelerated projected gradient: FISTA (Beck and Teboulle
 * 2009, "A Fast Iterative Shrinkage-Thresholding Algorithm for Linear Inverse Problems") with
 * the gradient-based adaptive restart of O'Donoghue and Candès 2015. The step is 1/L with
 * L = max_i Σ_j |K_ij| ≥ λ_max(K) (Gershgorin), so no line search is needed. It starts from
 * β = 1 clipped to the box and projected (uniform weights, feasible for any B ≥ 1 and ε ≥ 0).
 */
export function solveKmm(
  k: Float64Array,
  kappa: Float64Array,
  problem: KmmProblem,
): Omit<KmmResult, 'sigma'> {
  const n = kappa.length;
  const { bound, sumMin, sumMax } = problem;
  if (k.length !== n * n) throw new Error(`K must be ${n}×${n}, got ${k.length} entries`);
  if (!(bound > 0) || !(sumMin <= sumMax) || sumMin > n * bound || sumMax < 0) {
    throw new Error(
      `The KMM constraints are infeasible: β in [0, ${bound}], Σβ in [${sumMin}, ${sumMax}], n = ${n}`,
    );
  }
  let lipschitz = 0;
  for (let i = 0; i < n; i++) {
    let row = 0;
    for (let j = 0; j < n; j++) row += Math.abs(k[i * n + j] ?? 0);
    lipschitz = Math.max(lipschitz, row);
  }
  const step = lipschitz > 0 ? 1 / lipschitz : 1;
  const project = (v: Float64Array): Float64Array => projectOntoBoxAndSum(v, bound, sumMin, sumMax);

  let beta = project(new Float64Array(n).fill(1));
  let y = Float64Array.from(beta);
  let t = 1;
  const grad = new Float64Array(n);
  let iterations = 0;
  let converged = false;
  while (iterations < problem.maxIterations && !converged) {
    iterations++;
    multiply(k, y, grad);
    for (let i = 0; i < n; i++) grad[i] = (y[i] ?? 0) - step * ((grad[i] ?? 0) - (kappa[i] ?? 0));
    const next = project(grad);
    // Restart the momentum when it points uphill: (y − next)·(next − beta) > 0.
    let uphill = 0;
    let moved = 0;
    let largest = 1;
    for (let i = 0; i < n; i++) {
      const ni = next[i] ?? 0;
      const bi = beta[i] ?? 0;
      uphill += ((y[i] ?? 0) - ni) * (ni - bi);
      moved = Math.max(moved, Math.abs(ni - bi));
      largest = Math.max(largest, Math.abs(ni));
    }
    converged = moved <= problem.tolerance * largest;
    const tNext = uphill > 0 ? 1 : (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    const momentum = uphill > 0 ? 0 : (t - 1) / tNext;
    y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const ni = next[i] ?? 0;
      y[i] = ni + momentum * (ni - (beta[i] ?? 0));
    }
    beta = next;
    t = tNext;
  }
  multiply(k, beta, grad);
  let objective = 0;
  for (let i = 0; i < n; i++)
    objective += (beta[i] ?? 0) * (0.5 * (grad[i] ?? 0) - (kappa[i] ?? 0));
  return { weights: beta, iterations, converged, objective };
}

/**
 * The Euclidean projection of v onto {β : 0 ≤ β_i ≤ B, sumMin ≤ Σβ ≤ sumMax}. By the KKT
 * conditions it is clip(v − μ, 0, B) for one scalar μ, the multiplier of the sum constraint:
 * μ = 0 when clip(v, 0, B) already has a sum in range; otherwise the sum s(μ) = Σ clip(v_i − μ,
 * 0, B), continuous and non-increasing in μ, is brought to the violated bound by bisection on μ
 * (to the precision of a double: 200 halvings of the bracket at most).
 */
export function projectOntoBoxAndSum(
  v: Float64Array,
  bound: number,
  sumMin: number,
  sumMax: number,
): Float64Array {
  const clipSum = (mu: number): number => {
    let s = 0;
    for (const vi of v) s += Math.min(bound, Math.max(0, vi - mu));
    return s;
  };
  let mu = 0;
  const s0 = clipSum(0);
  if (s0 > sumMax || s0 < sumMin) {
    const goal = s0 > sumMax ? sumMax : sumMin;
    let max = Number.NEGATIVE_INFINITY;
    let min = Number.POSITIVE_INFINITY;
    for (const vi of v) {
      max = Math.max(max, vi);
      min = Math.min(min, vi);
    }
    // s(lo) ≥ goal ≥ s(hi): at μ = max(v) every entry clips to 0, at μ = min(v) − B to B.
    let lo = s0 > sumMax ? 0 : min - bound;
    let hi = s0 > sumMax ? max : 0;
    for (let i = 0; i < 200 && lo < hi; i++) {
      const mid = 0.5 * (lo + hi);
      if (mid === lo || mid === hi) break;
      if (clipSum(mid) > goal) lo = mid;
      else hi = mid;
    }
    // Of the bracket's ends, the one on the feasible side of the violated bound.
    mu = s0 > sumMax ? hi : lo;
  }
  return v.map((vi) => Math.min(bound, Math.max(0, vi - mu)));
}

function multiply(k: Float64Array, x: Float64Array, out: Float64Array): void {
  const n = x.length;
  for (let i = 0; i < n; i++) {
    let s = 0;
    const row = i * n;
    for (let j = 0; j < n; j++) s += (k[row + j] ?? 0) * (x[j] ?? 0);
    out[i] = s;
  }
}

/** σ with σ² = the median squared distance between rows of the pooled (subsampled) sample. */
function medianHeuristicSigma(
  tf: Tf,
  source: Tensor,
  target: Tensor,
  ns: number,
  nt: number,
  d: number,
): number {
  const sigma2 = tf.tidy(() => {
    const pooled: Tensor2D = tf.concat(
      [
        evenlySpacedRows(tf, tf.reshape<Rank.R2>(source, [ns, d]), 500),
        evenlySpacedRows(tf, tf.reshape<Rank.R2>(target, [nt, d]), 500),
      ],
      0,
    );
    if (pooled.shape[0] < 2) return tf.scalar(1);
    const d2 = pairwiseSquaredDistances(tf, pooled, pooled);
    const zeroed: Tensor2D = tf.mul(d2, tf.sub(1, tf.eye(pooled.shape[0])));
    return baseBandwidth(tf, zeroed, 'median');
  });
  const value = sigma2.dataSync()[0] ?? 1;
  sigma2.dispose();
  return Math.sqrt(value);
}

function evenlySpacedRows(tf: Tf, x: Tensor2D, most: number): Tensor2D {
  const n = x.shape[0];
  if (n <= most) return x;
  const rows = Int32Array.from({ length: most }, (_, i) => Math.floor((i * n) / most));
  return tf.gather(x, tf.tensor1d(rows, 'int32'));
}

// ---------------------------------------------------------------------------------------------
// (c) TrAdaBoost.

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

function positiveInteger(value: number, name: string): number {
  if (!(Number.isInteger(value) && value > 0)) {
    throw new Error(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}
