import type { Rank, Tensor, Tensor2D } from '@tensorflow/tfjs';
import { KMM_MAX_ROWS } from '../../../src-shared/domain/strategies';
import type { Tf } from '../backend';
import { baseBandwidth, pairwiseSquaredDistances } from './mmd';
import { domainRows } from './weighting';

/**
 * Kernel mean matching, KMM (Huang, Smola, Gretton, Borgwardt and Schölkopf 2007, "Correcting
 * Sample Selection Bias by Unlabeled Data", NIPS 19): choose β so that the β-weighted source mean
 * matches the target mean in a Gaussian RKHS, i.e. the quadratic program
 *
 *   minimise ½βᵀKβ − κᵀβ   subject to β_i ∈ [0, B], |Σ_i β_i − n_S| ≤ n_S·ε,
 *
 * with K_ij = k(x_i, x_j) over source rows and κ_i = (n_S/n_T)·Σ_j k(x_i, x'_j) over target rows
 * x'_j: ½βᵀKβ − κᵀβ is n_S²/2 times the squared MMD between the β-weighted source and the
 * target, up to a constant. (Why the density ratio: importance.ts.)
 */

/** The settings of kmmWeights. */
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
  /** Iterations of the projected-gradient solver; DEFAULT_KMM_ITERATIONS by default. */
  maxIterations?: number;
  /**
   * Stop once the KKT residual of β, relative (KmmResult.residual), is at most this;
   * DEFAULT_KMM_TOLERANCE by default. A Gaussian Gram matrix has many eigenvalues near 0, along
   * which the objective is flat: the objective settles within a few hundred iterations, β along
   * those directions much later, so `converged` is often false at the limit.
   */
  tolerance?: number;
}

/** The solver's default iteration budget (see KmmOptions.maxIterations). */
export const DEFAULT_KMM_ITERATIONS = 1000;

/**
 * The default bound on the relative KKT residual (see KmmOptions.tolerance): just above the
 * rounding of K and κ, which kmmWeights computes in float32 (at β = 1 with the target the source
 * itself, the residual of that rounding alone is 4e-7 to 8e-7 in the tests; below it the solver
 * would fit the noise). It bounds how far the objective is from its minimum, not β: on a face of
 * K whose smallest eigenvalue is λ, β may still be residual·max(1, max κ)/λ from the optimum, and
 * a Gaussian Gram matrix has λ of 1e-4 and less (the 1-D example of the tests: β 3.4 from the
 * optimum at a residual of 1e-6, 1e-3 at 1e-8). For float64 data pass a smaller one to solveKmm.
 */
export const DEFAULT_KMM_TOLERANCE = 1e-6;

export interface KmmResult {
  /** β, one weight per source row. */
  weights: Float64Array;
  /** The kernel width used. */
  sigma: number;
  iterations: number;
  /**
   * Whether the KKT residual met the tolerance within maxIterations (see KmmOptions.tolerance);
   * when false, `residual` says how far β is from satisfying the optimality conditions.
   */
  converged: boolean;
  /**
   * The KKT residual of β relative to max(1, max κ): the largest violation of the optimality
   * conditions, in units of the gradient Kβ − κ (see solveKmm). 0 at the optimum.
   */
  residual: number;
  /** ½βᵀKβ − κᵀβ at the solution. */
  objective: number;
}

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
): Promise<KmmResult> {
  // Checked before anything asynchronous starts: bad input throws at the call.
  const [ns, nt, d] = domainRows(source, target, 'KMM');
  if (ns > KMM_MAX_ROWS) {
    throw new Error(`KMM takes at most ${KMM_MAX_ROWS} source rows, got ${ns}: subsample them`);
  }
  return kmmWeightsOf(tf, source, target, options, [ns, nt, d]);
}

async function kmmWeightsOf(
  tf: Tf,
  source: Tensor,
  target: Tensor,
  options: KmmOptions,
  [ns, nt, d]: [number, number, number],
): Promise<KmmResult> {
  const bound = options.bound ?? 1000;
  const epsilon = options.epsilon ?? (Math.sqrt(ns) - 1) / Math.sqrt(ns);
  const sigma = options.sigma ?? (await medianHeuristicSigma(tf, source, target, ns, nt, d));
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
    // Read back asynchronously: a GPU backend has no synchronous read (issue 15).
    const [gramValues, kappaValues] = await Promise.all([gram.data(), kappa.data()]);
    k = Float64Array.from(gramValues);
    kap = Float64Array.from(kappaValues);
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
    maxIterations: options.maxIterations ?? DEFAULT_KMM_ITERATIONS,
    tolerance: options.tolerance ?? DEFAULT_KMM_TOLERANCE,
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
  /** The largest relative KKT residual (KmmResult.residual) that counts as converged. */
  tolerance: number;
}

/**
 * Minimises ½βᵀKβ − κᵀβ over {β : 0 ≤ β_i ≤ B, sumMin ≤ Σβ ≤ sumMax} for a symmetric positive
 * semi-definite K (n × n, row-major) by accelerated projected gradient: FISTA (Beck and Teboulle
 * 2009, "A Fast Iterative Shrinkage-Thresholding Algorithm for Linear Inverse Problems") with
 * the gradient-based adaptive restart of O'Donoghue and Candès 2015. The step is 1/L with
 * L = max_i Σ_j |K_ij| ≥ λ_max(K) (Gershgorin), so no line search is needed. It starts from
 * β = 1 clipped to the box and projected (uniform weights, feasible for any B ≥ 1 and ε ≥ 0).
 *
 * It stops when β satisfies the KKT conditions to the tolerance (kktResidual: the projected
 * gradient with the sum constraint's multiplier, LIBSVM's stopping rule for the same box-and-sum
 * structure of the SVM dual), and only then reports `converged`. Each iteration takes one
 * product with K: that of the new iterate, which gives both its residual and, by linearity, the
 * gradient at the next extrapolated point, K·y = (1 + m)·K·β_k − m·K·β_{k−1}.
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
  let scale = 1;
  for (let i = 0; i < n; i++) {
    let row = 0;
    for (let j = 0; j < n; j++) row += Math.abs(k[i * n + j] ?? 0);
    lipschitz = Math.max(lipschitz, row);
    scale = Math.max(scale, Math.abs(kappa[i] ?? 0));
  }
  const step = lipschitz > 0 ? 1 / lipschitz : 1;
  const project = (v: Float64Array): Float64Array => projectOntoBoxAndSum(v, bound, sumMin, sumMax);
  const gradient = new Float64Array(n);
  const relativeResidual = (b: Float64Array, kb: Float64Array): number => {
    for (let i = 0; i < n; i++) gradient[i] = (kb[i] ?? 0) - (kappa[i] ?? 0);
    return kktResidual(b, gradient, bound, sumMin, sumMax) / scale;
  };

  let beta = project(new Float64Array(n).fill(1));
  let kBeta = new Float64Array(n);
  multiply(k, beta, kBeta);
  let y = beta;
  let kY = kBeta;
  let t = 1;
  let iterations = 0;
  let residual = relativeResidual(beta, kBeta);
  while (iterations < problem.maxIterations && !(residual <= problem.tolerance)) {
    iterations++;
    const stepped = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      stepped[i] = (y[i] ?? 0) - step * ((kY[i] ?? 0) - (kappa[i] ?? 0));
    }
    const next = project(stepped);
    const kNext = new Float64Array(n);
    multiply(k, next, kNext);
    residual = relativeResidual(next, kNext);
    // Restart the momentum when it points uphill: (y − next)·(next − beta) > 0.
    let uphill = 0;
    for (let i = 0; i < n; i++) {
      const ni = next[i] ?? 0;
      uphill += ((y[i] ?? 0) - ni) * (ni - (beta[i] ?? 0));
    }
    const tNext = uphill > 0 ? 1 : (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    const momentum = uphill > 0 ? 0 : (t - 1) / tNext;
    y = new Float64Array(n);
    kY = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const ni = next[i] ?? 0;
      const ki = kNext[i] ?? 0;
      y[i] = ni + momentum * (ni - (beta[i] ?? 0));
      kY[i] = ki + momentum * (ki - (kBeta[i] ?? 0));
    }
    beta = next;
    kBeta = kNext;
    t = tNext;
  }
  let objective = 0;
  for (let i = 0; i < n; i++) {
    objective += (beta[i] ?? 0) * (0.5 * (kBeta[i] ?? 0) - (kappa[i] ?? 0));
  }
  return {
    weights: beta,
    iterations,
    converged: residual <= problem.tolerance,
    residual,
    objective,
  };
}

/**
 * The KKT residual of a feasible β with gradient g = Kβ − κ: the optimality conditions of the
 * quadratic program are, for one multiplier μ of the sum constraint,
 *
 *   g_i + μ = 0 where 0 < β_i < B,   g_i + μ ≥ 0 where β_i = 0,   g_i + μ ≤ 0 where β_i = B,
 *
 * with μ ≥ 0 only when Σβ = sumMax, μ ≤ 0 only when Σβ = sumMin, and μ = 0 strictly between
 * (μ = μ_max − μ_min of the two inequalities). This is the largest violation, max(0, up + μ,
 * −down − μ) with up = max g_i over β_i > 0 and down = min g_i over β_i < B, at the admissible μ
 * that makes it least: the unconstrained −(up + down)/2, clipped to the admissible range (the
 * violation is convex in μ). With μ unrestricted (an equality constraint, as in the SVM dual) it
 * is (up − down)/2, half the maximal-violating-pair gap that LIBSVM stops on (Keerthi, Shevade,
 * Bhattacharyya and Murthy 2001, "Improvements to Platt's SMO Algorithm for SVM Classifier
 * Design", Neural Computation 13). The projection makes bound entries exactly 0 or B; a sum
 * within 1e-9 (relative) of a bound counts as on it.
 */
function kktResidual(
  beta: Float64Array,
  g: Float64Array,
  bound: number,
  sumMin: number,
  sumMax: number,
): number {
  let up = Number.NEGATIVE_INFINITY;
  let down = Number.POSITIVE_INFINITY;
  let sum = 0;
  for (let i = 0; i < beta.length; i++) {
    const b = beta[i] ?? 0;
    const gi = g[i] ?? 0;
    if (b > 0) up = Math.max(up, gi);
    if (b < bound) down = Math.min(down, gi);
    sum += b;
  }
  if (up === Number.NEGATIVE_INFINITY && down === Number.POSITIVE_INFINITY) return 0;
  const atMin = Math.abs(sum - sumMin) <= 1e-9 * Math.max(1, Math.abs(sumMin));
  const atMax = Math.abs(sum - sumMax) <= 1e-9 * Math.max(1, Math.abs(sumMax));
  const best =
    up === Number.NEGATIVE_INFINITY
      ? -down
      : down === Number.POSITIVE_INFINITY
        ? -up
        : -(up + down) / 2;
  const mu = Math.min(
    atMax ? Number.POSITIVE_INFINITY : 0,
    Math.max(atMin ? Number.NEGATIVE_INFINITY : 0, best),
  );
  return Math.max(0, up + mu, -down - mu);
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
async function medianHeuristicSigma(
  tf: Tf,
  source: Tensor,
  target: Tensor,
  ns: number,
  nt: number,
  d: number,
): Promise<number> {
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
  const value = (await sigma2.data())[0] ?? 1;
  sigma2.dispose();
  return Math.sqrt(value);
}

function evenlySpacedRows(tf: Tf, x: Tensor2D, most: number): Tensor2D {
  const n = x.shape[0];
  if (n <= most) return x;
  const rows = Int32Array.from({ length: most }, (_, i) => Math.floor((i * n) / most));
  return tf.gather(x, tf.tensor1d(rows, 'int32'));
}
