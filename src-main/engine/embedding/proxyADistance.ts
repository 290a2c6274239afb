import type { Tf } from '../backend';
import { Rng } from '../random';
import { readScalars } from '../readBack';

/**
 * The proxy A-distance of Ben-David, Blitzer, Crammer and Pereira 2007 ("Analysis of
 * representations for domain adaptation", NIPS; Ben-David et al. 2010, Machine Learning 79, §4):
 * train a classifier to tell source rows from target rows, measure its error ε on held-out rows,
 * and report d̂_A = 2(1 − 2ε). Separable domains give 2, indistinguishable ones 0. As in Ganin et
 * al. 2016 (DANN, §5.1.3) the classifier is linear; here a logistic regression fitted with tfjs.
 *
 * ε above ½ (a classifier worse than chance on the held-out half, by noise) is taken as ½, so the
 * distance is never negative: the domains could not be told apart.
 */

export interface ProxyADistance {
  /** 2(1 − 2ε), in [0, 2]. */
  distance: number;
  /** ε, the held-out error of the domain classifier, in [0, ½]. */
  error: number;
}

export interface DomainClassifierOptions {
  /** Seeds the split into training and held-out halves. */
  seed: number;
  /** Full-batch Adam steps (the problem is convex; zero start, so no initialisation to seed). */
  steps?: number;
  learningRate?: number;
  /** An L2 penalty on the weights, so separable data gives finite weights. */
  l2?: number;
}

/** Indices 0..n-1 shuffled with the seed, split into two halves (the first gets the extra one). */
function halves(n: number, rng: Rng): [number[], number[]] {
  const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  const cut = Math.ceil(n / 2);
  return [order.slice(0, cut), order.slice(cut)];
}

/**
 * d̂_A between `source` (nS rows) and `target` (nT rows) of `cols` features each, flat row-major.
 * Each domain is halved with the seed; the classifier trains on the first halves, is scored on
 * the second, and the features are standardised with the training halves' mean and spread.
 */
export async function proxyADistance(
  tf: Tf,
  source: Float32Array,
  target: Float32Array,
  cols: number,
  options: DomainClassifierOptions,
): Promise<ProxyADistance> {
  const nS = source.length / cols;
  const nT = target.length / cols;
  if (!Number.isInteger(nS) || !Number.isInteger(nT) || nS < 2 || nT < 2) {
    throw new Error(`The proxy A-distance needs two or more rows per domain, got ${nS} and ${nT}`);
  }
  const rng = new Rng(options.seed);
  const [trainS, testS] = halves(nS, rng);
  const [trainT, testT] = halves(nT, rng);
  const rows = (data: Float32Array, idx: number[]): Float32Array => {
    const out = new Float32Array(idx.length * cols);
    idx.forEach((r, i) => {
      out.set(data.subarray(r * cols, (r + 1) * cols), i * cols);
    });
    return out;
  };
  const stack = (s: number[], t: number[]): { x: Float32Array; y: Float32Array } => {
    const x = new Float32Array((s.length + t.length) * cols);
    x.set(rows(source, s), 0);
    x.set(rows(target, t), s.length * cols);
    const y = new Float32Array(s.length + t.length).fill(1, s.length);
    return { x, y };
  };
  const train = stack(trainS, trainT);
  const test = stack(testS, testT);
  const steps = options.steps ?? 300;
  const l2 = options.l2 ?? 1e-3;

  // Made inside tidy: a variable copies its initial tensor, which would otherwise leak.
  const w = tf.tidy(() => tf.variable(tf.zeros([cols, 1])));
  const b = tf.tidy(() => tf.variable(tf.zeros([1])));
  const optimizer = tf.train.adam(options.learningRate ?? 0.05);
  try {
    const error = tf.tidy(() => {
      const xTrain = tf.tensor2d(train.x, [train.y.length, cols]);
      const mean = tf.mean(xTrain, 0, true);
      // A constant feature (a dead unit) has no spread: divided by 1, not 0.
      const spread = tf.maximum(tf.sqrt(tf.mean(tf.square(tf.sub(xTrain, mean)), 0, true)), 1e-6);
      const standard = (x: Float32Array, n: number) =>
        tf.div(tf.sub(tf.tensor2d(x, [n, cols]), mean), spread);
      const xs = standard(train.x, train.y.length);
      const ys = tf.tensor2d(train.y, [train.y.length, 1]);
      for (let step = 0; step < steps; step++) {
        optimizer.minimize(() => {
          const logits = tf.add(tf.matMul(xs, w), b);
          const ce = tf.losses.sigmoidCrossEntropy(ys, logits);
          return tf.add(ce, tf.mul(l2, tf.sum(tf.square(w))));
        });
      }
      const predicted = tf.greater(tf.add(tf.matMul(standard(test.x, test.y.length), w), b), 0);
      const wrong = tf.notEqual(predicted, tf.tensor2d(test.y, [test.y.length, 1]).cast('bool'));
      return tf.mean(tf.cast(wrong, 'float32'));
    });
    // Read back asynchronously: a GPU backend has no synchronous read (issue 15).
    const [rate = Number.NaN] = await readScalars([error]);
    const epsilon = Math.min(0.5, rate);
    return { distance: 2 * (1 - 2 * epsilon), error: epsilon };
  } finally {
    tf.dispose([w, b]);
    optimizer.dispose();
  }
}
