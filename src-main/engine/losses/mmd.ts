import type { Rank, Scalar, Tensor, Tensor2D } from '@tensorflow/tfjs';
import type { Tf } from '../backend';

/**
 * Multi-kernel maximum mean discrepancy (MK-MMD), the domain-discrepancy term of DAN: Long, Cao,
 * Wang and Jordan 2015, "Learning Transferable Features with Deep Adaptation Networks" (ICML), §3.
 * The estimators are those of Gretton, Borgwardt, Rasch, Schölkopf and Smola 2012, "A Kernel
 * Two-Sample Test" (JMLR 13): the unbiased U-statistic and the biased V-statistic.
 *
 * For source features s_1..s_n and target features t_1..t_m, with a characteristic kernel k,
 *
 *   MMD²_b = 1/n² Σ_ij k(s_i, s_j) + 1/m² Σ_ij k(t_i, t_j) − 2/(nm) Σ_ij k(s_i, t_j)   (biased)
 *   MMD²_u = 1/(n(n−1)) Σ_{i≠j} k(s_i, s_j) + 1/(m(m−1)) Σ_{i≠j} k(t_i, t_j)
 *            − 2/(nm) Σ_ij k(s_i, t_j)                                                (unbiased)
 *
 * The kernel is a family of Gaussians, k(x, y) = Σ_u exp(−‖x − y‖² / (2σ_u²)), with
 * σ_u² = m_u·σ₀². The base σ₀² is the median (the "median heuristic" of Gretton et al. 2012) or
 * the mean (what DAN's released code uses) of the squared pairwise distances ‖z_i − z_j‖², i ≠ j,
 * of the pooled batch z = s ∪ t; the multipliers m_u default to [1/4, 1/2, 1, 2, 4]. DAN weighs
 * the kernels by β_u with Σβ_u = 1; the plain sum used here is U times the uniform choice, a
 * constant factor the strategy's trade-off λ absorbs.
 *
 * Like DAN's code (which reads the bandwidth from `.data`), the bandwidth is a constant for the
 * gradient: it moves with each batch but is not differentiated. That keeps the loss from lowering
 * itself by inflating σ₀, and keeps the median's selection (no gradient) off the tape.
 *
 * Numerics: squared distances come from ‖a‖² + ‖b‖² − 2a·b after centring on the pooled mean
 * (distances do not change, and the cancellation in the expansion shrinks with ‖a‖, ‖b‖), are
 * clamped at 0, and the pooled matrix gets an exact zero diagonal. The biased estimate is
 * ‖μ_s − μ_t‖² in the kernel's feature space, ≥ 0 in exact arithmetic; in float32 it may come out
 * a rounding error below 0, left as is (clamping would cut the gradient).
 */

/** The multipliers m_u of the base bandwidth σ₀²: σ_u² = m_u·σ₀². */
export const DEFAULT_BANDWIDTH_MULTIPLIERS: readonly number[] = [0.25, 0.5, 1, 2, 4];

/** A base bandwidth under this floor (a batch of coinciding points) is raised to it. */
const MIN_BANDWIDTH = 1e-12;

export interface GaussianKernelOptions {
  /**
   * The base bandwidth σ₀²: 'median' (the default) or 'mean' of the squared pairwise distances of
   * the pooled batch, or a fixed positive number (a squared distance).
   */
  bandwidth?: 'median' | 'mean' | number;
  /** σ_u² = m_u·σ₀² for each multiplier m_u; [1/4, 1/2, 1, 2, 4] by default. */
  multipliers?: readonly number[];
}

export interface MmdOptions extends GaussianKernelOptions {
  /** 'biased' (the V-statistic, the default) or 'unbiased' (the U-statistic, needs n, m ≥ 2). */
  estimator?: 'biased' | 'unbiased';
}

/**
 * MMD² between two batches of features, [n, ...] and [m, ...] with the same trailing shape (a
 * layer's activations; trailing dimensions are flattened). Returns a scalar that the training
 * loop can differentiate with respect to both batches.
 */
export function mmd2(tf: Tf, source: Tensor, target: Tensor, options: MmdOptions = {}): Scalar {
  const estimator = options.estimator ?? 'biased';
  const multipliers = checkMultipliers(options.multipliers ?? DEFAULT_BANDWIDTH_MULTIPLIERS);
  const [n, ds] = featureMatrixShape(source, 'source');
  const [m, dt] = featureMatrixShape(target, 'target');
  const minRows = estimator === 'unbiased' ? 2 : 1;
  if (n < minRows || m < minRows) {
    throw new Error(
      `The ${estimator} MMD needs at least ${minRows} sample(s) per domain, got ${n} and ${m}`,
    );
  }
  if (ds !== dt) {
    throw new Error(`Source and target features differ in size: ${ds} and ${dt} per sample`);
  }
  return tf.tidy(() => {
    const pooled = tf.concat(
      [tf.reshape<Rank.R2>(source, [n, ds]), tf.reshape<Rank.R2>(target, [m, dt])],
      0,
    );
    const d2 = zeroDiagonal(tf, pairwiseSquaredDistances(tf, pooled, pooled));
    const base = baseBandwidth(tf, d2, options.bandwidth ?? 'median');
    const k = multiKernel(tf, d2, base, multipliers);
    const kss = tf.slice(k, [0, 0], [n, n]);
    const ktt = tf.slice(k, [n, n], [m, m]);
    const kst = tf.slice(k, [0, n], [n, m]);
    const cross = tf.mul(tf.mean(kst), 2);
    if (estimator === 'biased') return tf.sub(tf.add(tf.mean(kss), tf.mean(ktt)), cross);
    // The diagonal k(x_i, x_i) is left out of the within-domain sums.
    const within = (block: Tensor2D, size: number): Scalar =>
      tf.div(tf.sum(zeroDiagonal(tf, block)), size * (size - 1));
    return tf.sub(tf.add(within(kss, n), within(ktt, m)), cross);
  });
}

/**
 * ‖a_i − b_j‖² for every row of a [n, d] and b [m, d]: [n, m], clamped at 0. Both are centred on
 * the mean of their rows taken together first, which leaves the distances alone and makes the
 * expansion ‖a‖² + ‖b‖² − 2a·b lose less to cancellation.
 */
export function pairwiseSquaredDistances(tf: Tf, a: Tensor2D, b: Tensor2D): Tensor2D {
  return tf.tidy(() => {
    const centre = tf.mean(tf.concat([a, b], 0), 0, true);
    const ac = tf.sub(a, centre);
    const bc = tf.sub(b, centre);
    const an = tf.sum(tf.square(ac), 1, true);
    const bn = tf.reshape(tf.sum(tf.square(bc), 1), [1, -1]);
    // An explicit transpose: the wasm backend's fast matMul path takes untransposed operands.
    const cross = tf.matMul(ac, tf.transpose(bc));
    return tf.relu(tf.sub(tf.add(an, bn), tf.mul(cross, 2)));
  });
}

/** Backends whose tensors live in the host's memory: reading one back costs a copy, no wait. */
const HOST_MEMORY_BACKENDS = new Set(['wasm', 'cpu', 'tensorflow']);

/**
 * The median of the off-diagonal entries computed on the backend (a GPU: issue 15, where reading
 * the matrix back every step would stall the queue each batch). The off-diagonal entries are the
 * upper triangle's m = rows(rows−1)/2 values twice over, and the doubled multiset's two middle
 * values (positions m−1 and m, ascending) are the upper triangle's median either way (m odd: its
 * middle value twice; m even: its two middle values). The diagonal is masked with +∞, and TopK of
 * the negated entries gives the m+1 smallest. Equal to the host's selection up to the float32
 * rounding of the final mean.
 */
export function deviceMedian(tf: Tf, d2: Tensor, rows: number): Scalar {
  return tf.tidy(() => {
    const m = (rows * (rows - 1)) / 2;
    const diagonal = tf.cast(tf.eye(rows), 'bool');
    const masked = tf.where(diagonal, tf.fill([rows, rows], Number.POSITIVE_INFINITY), d2);
    const { values } = tf.topk(tf.neg(tf.reshape(masked, [-1])), m + 1);
    return tf.neg(tf.mean(tf.slice(values, m - 1, 2)));
  });
}

/**
 * The base bandwidth σ₀² of a square matrix of squared distances with a zero diagonal: the median
 * or mean of its off-diagonal entries, or the fixed value given. A constant for the gradient (see
 * the header); never below 1e-12.
 */
export function baseBandwidth(
  tf: Tf,
  squaredDistances: Tensor2D,
  bandwidth: 'median' | 'mean' | number,
): Scalar {
  const [rows, cols] = squaredDistances.shape;
  if (rows !== cols || rows < 2) {
    throw new Error(
      `A bandwidth needs a square matrix of at least 2 points, got [${rows}, ${cols}]`,
    );
  }
  if (typeof bandwidth === 'number') {
    if (!(Number.isFinite(bandwidth) && bandwidth > 0)) {
      throw new Error(`A fixed bandwidth must be a positive number, got ${bandwidth}`);
    }
    return tf.scalar(bandwidth);
  }
  // customGrad runs its forward function off the tape and returns a zero gradient: a
  // stop-gradient, which also keeps the median's read-back and selection out of backpropagation.
  const stopped = tf.customGrad((...args) => {
    const d2 = args[0];
    if (!(d2 instanceof tf.Tensor)) throw new Error('baseBandwidth expects a tensor');
    return {
      value: tf.maximum<Scalar>(offDiagonalStatistic(tf, d2, rows, bandwidth), MIN_BANDWIDTH),
      gradFunc: () => tf.zerosLike(d2),
    };
  });
  return stopped(squaredDistances);
}

/**
 * Σ_u exp(−d² / (2·m_u·σ₀²)) elementwise over a matrix of squared distances: the multi-kernel
 * Gaussian Gram matrix.
 */
export function multiKernel(
  tf: Tf,
  squaredDistances: Tensor2D,
  base: Scalar,
  multipliers: readonly number[] = DEFAULT_BANDWIDTH_MULTIPLIERS,
): Tensor2D {
  checkMultipliers(multipliers);
  return tf.tidy(() =>
    tf.addN(multipliers.map((mu) => tf.exp(tf.div(squaredDistances, tf.mul(base, -2 * mu))))),
  );
}

/**
 * The median or the mean of the off-diagonal entries of a symmetric [rows, rows] matrix. The
 * median is that of the upper triangle (the same multiset, halved), found by selection in
 * O(rows²) on a copy read back from the backend: TopK would sort half the entries, several
 * times slower at the batch sizes of training.
 */
function offDiagonalStatistic(
  tf: Tf,
  d2: Tensor,
  rows: number,
  statistic: 'median' | 'mean',
): Scalar {
  if (statistic === 'mean') return tf.tidy(() => tf.div(tf.sum(d2), rows * (rows - 1)));
  if (!HOST_MEMORY_BACKENDS.has(tf.getBackend())) return deviceMedian(tf, d2, rows);
  const all = d2.dataSync();
  const upper = new Float64Array((rows * (rows - 1)) / 2);
  let next = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = i + 1; j < rows; j++) upper[next++] = all[i * rows + j] ?? 0;
  }
  return tf.scalar(median(upper));
}

/**
 * The median of the values (the mean of the two middle ones for an even count), reordering
 * them in place: Hoare's selection (FIND, 1961) with the middle element as pivot, then the
 * smallest value above the k-th for the upper middle.
 */
export function median(values: Float64Array): number {
  const n = values.length;
  if (n === 0) throw new Error('The median of no values');
  const k = (n - 1) >> 1;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >> 1] ?? 0;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((values[i] ?? 0) < pivot) i++;
      while ((values[j] ?? 0) > pivot) j--;
      if (i <= j) {
        const tmp = values[i] ?? 0;
        values[i] = values[j] ?? 0;
        values[j] = tmp;
        i++;
        j--;
      }
    }
    // Now values[lo..j] ≤ pivot ≤ values[i..hi], and anything between equals the pivot.
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  const lower = values[k] ?? 0;
  if (n % 2 === 1) return lower;
  let upper = Number.POSITIVE_INFINITY;
  for (let i = k + 1; i < n; i++) upper = Math.min(upper, values[i] ?? 0);
  return (lower + upper) / 2;
}

/** The matrix with its diagonal set to exactly zero. */
function zeroDiagonal(tf: Tf, x: Tensor2D): Tensor2D {
  return tf.tidy(() => tf.mul(x, tf.sub(1, tf.eye(x.shape[0], x.shape[1]))));
}

/**
 * The [n, d] a batch of features flattens to: [n, ...] float32, trailing dimensions multiplied
 * out. Throws on a tensor without a batch axis or of another dtype.
 */
export function featureMatrixShape(x: Tensor, name: string): [number, number] {
  const shape: readonly number[] = x.shape;
  const n = shape[0];
  if (n === undefined || shape.length < 2) {
    throw new Error(
      `${name} features must be [n, ...] with a batch axis, got [${x.shape.join(', ')}]`,
    );
  }
  if (x.dtype !== 'float32') throw new Error(`${name} features must be float32, got ${x.dtype}`);
  return [n, shape.slice(1).reduce((a, b) => a * b, 1)];
}

function checkMultipliers(multipliers: readonly number[]): readonly number[] {
  if (multipliers.length === 0 || !multipliers.every((mu) => Number.isFinite(mu) && mu > 0)) {
    throw new Error(
      `Bandwidth multipliers must be positive numbers, got [${multipliers.join(', ')}]`,
    );
  }
  return multipliers;
}
