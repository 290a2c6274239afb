import type { Tensor } from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../src-main/engine/backend';
import {
  dannDomainLoss,
  dannLambda,
  dannLearningRate,
  domainClassifierLoss,
  gradientReversal,
} from '../../../../src-main/engine/losses/gradientReversal';

const X = [
  [0.5, -1.25, 2],
  [3, 0.125, -0.75],
];
/** Upstream weights c: the gradient of Σ c ⊙ R_λ(x) reaching R_λ is c. */
const C = [
  [1, -2, 0.5],
  [3.25, 0.1, -7],
];

describe.each(['cpu', 'wasm'] as const)('gradient reversal on the %s backend', (backend) => {
  it('is the identity going forward, as a tensor of its own', async () => {
    const { tf } = await selectBackend(backend);
    const x = tf.tensor2d(X);
    const before = tf.memory().numTensors;
    const y = gradientReversal(tf, x, 0.7);
    expect(y.shape).toEqual([2, 3]);
    expect(y.arraySync()).toEqual(X);
    expect(y).not.toBe(x);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(x.arraySync()).toEqual(X);
    x.dispose();
  });

  it('returns exactly −λ times the incoming gradient', async () => {
    const { tf } = await selectBackend(backend);
    const before = tf.memory().numTensors;
    for (const lambda of [0.7, 1, 0, 2.5]) {
      const g = tf.tidy(() => {
        const c = tf.tensor2d(C);
        return tf
          .grad((x: Tensor) => tf.sum(tf.mul(c, gradientReversal(tf, x, lambda))))(tf.tensor2d(X))
          .arraySync() as number[][];
      });
      // float32 products, rounded as float32 multiplication rounds them; `+ 0` makes −0 (λ = 0
      // and c > 0) equal to 0 for toEqual.
      const lambda32 = Math.fround(lambda);
      expect(g.map((r) => r.map((v) => v + 0))).toEqual(
        C.map((r) => r.map((c) => Math.fround(-lambda32 * c) + 0)),
      );
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reverses a non-linear upstream gradient and leaves the downstream one alone', async () => {
    const { tf } = await selectBackend(backend);
    const lambda = 0.3;
    const before = tf.memory().numTensors;
    // f(x) = Σ c ⊙ sin(R_λ(2x)): df/dx = −λ·2·c ⊙ cos(2x).
    const g = tf.tidy(() => {
      const c = tf.tensor2d(C);
      return tf
        .grad((x: Tensor) => tf.sum(tf.mul(c, tf.sin(gradientReversal(tf, tf.mul(x, 2), lambda)))))(
          tf.tensor2d(X),
        )
        .arraySync() as number[][];
    });
    expect(tf.memory().numTensors).toBe(before);
    X.forEach((r, i) => {
      r.forEach((x, j) => {
        expect(g[i]?.[j]).toBeCloseTo(-lambda * 2 * (C[i]?.[j] ?? 0) * Math.cos(2 * x), 5);
      });
    });
  });
});

describe('DANN schedule', () => {
  it('λ_p = 2/(1 + exp(−10p)) − 1: 0 at p = 0, 0.9999092 at p = 1, clamped outside', () => {
    expect(dannLambda(0)).toBe(0);
    expect(dannLambda(1)).toBeCloseTo(2 / (1 + Math.exp(-10)) - 1, 15);
    expect(dannLambda(1)).toBeCloseTo(0.9999092, 7);
    expect(dannLambda(0.5)).toBeCloseTo(2 / (1 + Math.exp(-5)) - 1, 15);
    expect(dannLambda(0.1, 5)).toBeCloseTo(2 / (1 + Math.exp(-0.5)) - 1, 15);
    expect(dannLambda(-1)).toBe(0);
    expect(dannLambda(2)).toBe(dannLambda(1));
    expect(() => dannLambda(Number.NaN)).toThrow('NaN');
  });

  it('μ_p = μ₀/(1 + 10p)^0.75', () => {
    expect(dannLearningRate(0)).toBe(0.01);
    expect(dannLearningRate(1)).toBeCloseTo(0.01 / 11 ** 0.75, 15);
    expect(dannLearningRate(0.5, 0.1, 10, 0.75)).toBeCloseTo(0.1 / 6 ** 0.75, 15);
  });
});

describe('DANN domain loss', () => {
  it('is the mean source BCE (label 0) plus the mean target BCE (label 1), finite for large logits', async () => {
    const { tf } = await selectBackend('cpu');
    const softplus = (z: number): number => Math.log1p(Math.exp(z));
    const value = tf.tidy(() =>
      domainClassifierLoss(tf, tf.tensor2d([[0], [2]]), tf.tensor1d([-1])).arraySync(),
    );
    expect(value).toBeCloseTo((softplus(0) + softplus(2)) / 2 + softplus(1), 6);
    const large = tf.tidy(() =>
      domainClassifierLoss(tf, tf.tensor1d([100]), tf.tensor1d([-100])).arraySync(),
    );
    expect(large).toBeCloseTo(200, 3);
    tf.tidy(() => {
      expect(() => domainClassifierLoss(tf, tf.zeros([2, 2]), tf.zeros([1]))).toThrow(
        'must be [n] or [n, 1]',
      );
    });
  });

  it('sends −λ times the domain gradient to the features and the plain gradient to the classifier', async () => {
    const { tf } = await selectBackend('cpu');
    const lambda = 0.6;
    const w = tf.tensor2d([[0.4], [-0.3], [0.8]]);
    const hs = tf.tensor2d(X);
    const ht = tf.tensor2d([
      [1, 1, -1],
      [0.2, -0.4, 0.6],
      [2, 0, 1],
    ]);
    const before = tf.memory().numTensors;
    const [adversarial, plain] = tf.tidy(() => {
      const classify = (weights: Tensor) => (h: Tensor) => tf.tanh(tf.matMul(h, weights));
      const withReversal = tf.grads((a: Tensor, b: Tensor, v: Tensor) =>
        dannDomainLoss(tf, a, b, classify(v), lambda),
      )([hs, ht, w]);
      const without = tf.grads((a: Tensor, b: Tensor, v: Tensor) =>
        domainClassifierLoss(tf, classify(v)(a), classify(v)(b)),
      )([hs, ht, w]);
      return [withReversal, without].map((gs) => gs.map((g) => g.arraySync() as number[][]));
    });
    expect(tf.memory().numTensors).toBe(before);
    for (const k of [0, 1]) {
      adversarial?.[k]?.forEach((r, i) => {
        r.forEach((g, j) => {
          expect(g).toBeCloseTo(-lambda * (plain?.[k]?.[i]?.[j] ?? Number.NaN), 6);
        });
      });
    }
    // The classifier's gradient is not reversed (it differs by rounding only: the pooled batch
    // goes through one matMul instead of two).
    adversarial?.[2]?.forEach((r, i) => {
      expect(r[0]).toBeCloseTo(plain?.[2]?.[i]?.[0] ?? Number.NaN, 6);
    });
    expect(Math.abs(plain?.[0]?.[0]?.[0] ?? 0)).toBeGreaterThan(1e-3);
    w.dispose();
    hs.dispose();
    ht.dispose();
  });
});
