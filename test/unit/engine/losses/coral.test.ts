import type { Tensor } from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend, type Tf } from '../../../../src-main/engine/backend';
import { coralLoss, covariance } from '../../../../src-main/engine/losses/coral';
import {
  coralReference,
  entry,
  covariance64,
  gaussianSample,
  nudged,
  relativeError,
  type Matrix,
} from './reference';

/** The CORAL loss as a number, with the tensor count checked to be unchanged by the call. */
function coralValue(tf: Tf, s: Matrix, t: Matrix): number {
  const before = tf.memory().numTensors;
  const value = tf.tidy(() => coralLoss(tf, tf.tensor2d(s), tf.tensor2d(t)).arraySync());
  expect(tf.memory().numTensors).toBe(before);
  return value;
}

/** Rows mixed by a fixed matrix, giving the sample another covariance. */
function mixed(x: Matrix, a: Matrix): Matrix {
  return x.map((r) =>
    (a[0] ?? []).map((_, j) => Math.fround(r.reduce((s, v, k) => s + v * (a[k]?.[j] ?? 0), 0))),
  );
}

const MIX: Matrix = [
  [1.5, 0.3, 0, 0],
  [0, 0.7, 0.4, 0],
  [0.2, 0, 1, -0.5],
  [0, 0, 0.1, 2],
];

describe.each(['cpu', 'wasm'] as const)('CORAL on the %s backend', (backend) => {
  it('is 0 for samples with equal covariances: translated, and with rows reordered', async () => {
    const { tf } = await selectBackend(backend);
    const s = gaussianSample(20, 60, 4);
    expect(coralValue(tf, s, s)).toBe(0);
    expect(
      coralValue(
        tf,
        s,
        s.map((r) => r.map((v) => Math.fround(v + 3))),
      ),
    ).toBeLessThan(1e-12);
    expect(coralValue(tf, s, [...s].reverse())).toBeLessThan(1e-12);
  });

  it('equals a float64 computation, also for features far from the origin', async () => {
    const { tf } = await selectBackend(backend);
    const s = gaussianSample(21, 50, 4);
    const t = mixed(gaussianSample(22, 40, 4, 1), MIX);
    const expected = coralReference(s, t);
    expect(expected).toBeGreaterThan(0.01);
    expect(relativeError(coralValue(tf, s, t), expected)).toBeLessThan(1e-5);
    // A mean of 1000 and a spread of 1: the one-pass formula of the paper loses most digits of
    // C in float32 here (XᵀX ≈ 10⁶·n); the centred one keeps about four.
    const far = (x: Matrix): Matrix => x.map((r) => r.map((v) => Math.fround(v + 1000)));
    const farExpected = coralReference(far(s), far(t));
    expect(relativeError(coralValue(tf, far(s), far(t)), farExpected)).toBeLessThan(1e-3);
  });

  it('is (σ²_S − σ²_T)²/4 for one feature, and flattens trailing dimensions', async () => {
    const { tf } = await selectBackend(backend);
    const s = [[1], [2], [4]]; // variance 7/3
    const t = [[0], [2]]; // variance 2
    expect(coralValue(tf, s, t)).toBeCloseTo((7 / 3 - 2) ** 2 / 4, 7);
    const a = gaussianSample(23, 10, 6);
    const b = gaussianSample(24, 8, 6, 1);
    const flat = tf.tidy(() =>
      coralLoss(
        tf,
        tf.tensor2d(a).reshape([10, 3, 2]),
        tf.tensor2d(b).reshape([8, 2, 3]),
      ).arraySync(),
    );
    expect(flat).toBeCloseTo(coralValue(tf, a, b), 7);
  });
});

describe('CORAL gradient and inputs', () => {
  it('matches central differences of the float64 reference for both domains', async () => {
    const { tf } = await selectBackend('cpu');
    const s = gaussianSample(25, 8, 3);
    const t = mixed(gaussianSample(26, 6, 3), [
      [2, 0, 0],
      [0.5, 1, 0],
      [0, 0, 0.5],
    ]);
    const before = tf.memory().numTensors;
    const [gs, gt] = tf.tidy(() =>
      tf
        .grads((a: Tensor, b: Tensor) => coralLoss(tf, a, b))([tf.tensor2d(s), tf.tensor2d(t)])
        .map((g) => g.arraySync() as number[][]),
    );
    expect(tf.memory().numTensors).toBe(before);
    const h = 1e-4;
    for (const [i, j] of [
      [0, 0],
      [5, 2],
      [7, 1],
    ] as const) {
      const fds =
        (coralReference(nudged(s, i, j, h), t) - coralReference(nudged(s, i, j, -h), t)) / (2 * h);
      expect(relativeError(entry(gs, i, j), fds)).toBeLessThan(1e-4);
      const k = i % 6;
      const fdt =
        (coralReference(s, nudged(t, k, j, h)) - coralReference(s, nudged(t, k, j, -h))) / (2 * h);
      expect(relativeError(entry(gt, k, j), fdt)).toBeLessThan(1e-4);
    }
  });

  it('computes the unbiased covariance', async () => {
    const { tf } = await selectBackend('cpu');
    const x = gaussianSample(27, 20, 3);
    const c = tf.tidy(() => covariance(tf, tf.tensor2d(x)).arraySync());
    const expected = covariance64(x);
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) expect(c[a]?.[b]).toBeCloseTo(expected[a]?.[b] ?? Number.NaN, 6);
    }
  });

  it('refuses fewer than two samples and mismatched sizes', async () => {
    const { tf } = await selectBackend('cpu');
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      expect(() => coralLoss(tf, tf.zeros([1, 3]), tf.zeros([4, 3]))).toThrow('at least 2 samples');
      expect(() => coralLoss(tf, tf.zeros([4, 3]), tf.zeros([4, 2]))).toThrow('differ in size');
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
