import type { Tensor } from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend, type Tf } from '../../../../src-main/engine/backend';
import { Rng } from '../../../../src-main/engine/random';
import {
  DEFAULT_BANDWIDTH_MULTIPLIERS,
  deviceMedian,
  median,
  mmd2,
  pairwiseSquaredDistances,
  type MmdOptions,
} from '../../../../src-main/engine/losses/mmd';
import {
  entry,
  gaussianSample,
  mmd2Reference,
  nudged,
  relativeError,
  squaredDistance,
  type Matrix,
} from './reference';

/** MMD² as a number, with the tensor count checked to be unchanged by the call. */
function mmdValue(tf: Tf, s: Matrix, t: Matrix, options: MmdOptions = {}): number {
  const before = tf.memory().numTensors;
  const value = tf.tidy(() => mmd2(tf, tf.tensor2d(s), tf.tensor2d(t), options).arraySync());
  expect(tf.memory().numTensors).toBe(before);
  return value;
}

describe.each(['cpu', 'wasm'] as const)('MK-MMD on the %s backend', (backend) => {
  it('is 0 between a sample and itself (biased estimator)', async () => {
    const { tf } = await selectBackend(backend);
    const x = gaussianSample(1, 50, 8);
    for (const bandwidth of ['median', 'mean', 3] as const) {
      expect(Math.abs(mmdValue(tf, x, x, { bandwidth }))).toBeLessThan(1e-6);
    }
    // With the sample 1000 away from the origin: centring keeps the distances precise.
    const far = x.map((r) => r.map((v) => Math.fround(v + 1000)));
    expect(Math.abs(mmdValue(tf, far, far))).toBeLessThan(1e-6);
  });

  it('equals a float64 computation of shifted Gaussians, both estimators, every bandwidth', async () => {
    const { tf } = await selectBackend(backend);
    const s = gaussianSample(2, 40, 5);
    const t = gaussianSample(3, 30, 5, 1.5);
    for (const estimator of ['biased', 'unbiased'] as const) {
      for (const bandwidth of ['median', 'mean', 2.5] as const) {
        const options = { bandwidth, estimator, multipliers: DEFAULT_BANDWIDTH_MULTIPLIERS };
        const expected = mmd2Reference(s, t, options);
        expect(expected).toBeGreaterThan(0.05);
        expect(relativeError(mmdValue(tf, s, t, options), expected)).toBeLessThan(1e-5);
      }
    }
    // Other multipliers, and a single kernel.
    for (const multipliers of [[1], [0.1, 1, 10]]) {
      const options = { bandwidth: 'median', estimator: 'biased', multipliers } as const;
      expect(relativeError(mmdValue(tf, s, t, options), mmd2Reference(s, t, options))).toBeLessThan(
        1e-5,
      );
    }
  });

  it('grows with the shift between the domains', async () => {
    const { tf } = await selectBackend(backend);
    const s = gaussianSample(4, 100, 3);
    const base = gaussianSample(5, 100, 3);
    const values = [0, 0.25, 0.5, 1, 2, 4].map((shift) =>
      mmdValue(
        tf,
        s,
        base.map((r) => r.map((v, j) => Math.fround(j === 0 ? v + shift : v))),
      ),
    );
    for (let i = 1; i < values.length; i++) {
      expect(values[i]).toBeGreaterThan(values[i - 1] ?? Number.POSITIVE_INFINITY);
    }
  });

  it('flattens trailing dimensions: [n, 2, 3] features are [n, 6]', async () => {
    const { tf } = await selectBackend(backend);
    const s = gaussianSample(6, 12, 6);
    const t = gaussianSample(7, 10, 6, 1);
    const value = tf.tidy(() =>
      mmd2(
        tf,
        tf.tensor3d(s.map((r) => [r.slice(0, 3), r.slice(3)])),
        tf.tensor(t).reshape([10, 2, 3]),
      ).arraySync(),
    );
    expect(value).toBeCloseTo(mmdValue(tf, s, t), 6);
  });
});

describe('the median bandwidth computed on the backend (GPU path, issue 15)', () => {
  it('equals the host selection over the upper triangle, for odd and even pair counts', async () => {
    // TopK runs on every backend: the GPU path's algebra is checked here on wasm.
    const { tf } = await selectBackend('wasm');
    // rows 5: m = 10 pairs (even); rows 6: m = 15 (odd); rows 33: a training batch's worth.
    for (const rows of [2, 3, 5, 6, 33]) {
      const x = gaussianSample(rows, rows, 4);
      const before = tf.memory().numTensors;
      const [onDevice, d2] = tf.tidy(() => {
        const d = pairwiseSquaredDistances(tf, tf.tensor2d(x), tf.tensor2d(x));
        return [deviceMedian(tf, d, rows).arraySync(), d.arraySync()];
      });
      expect(tf.memory().numTensors).toBe(before);
      const upper: number[] = [];
      for (let i = 0; i < rows; i++)
        for (let j = i + 1; j < rows; j++) upper.push(d2[i]?.[j] ?? NaN);
      // The host's mean of the two middle values is float64, the device's float32.
      expect(onDevice).toBeCloseTo(median(Float64Array.from(upper)), 5);
      expect(Math.abs(onDevice - median(Float64Array.from(upper)))).toBeLessThanOrEqual(
        Math.abs(onDevice) * 2 ** -23,
      );
    }
  });
});

describe('MK-MMD gradient', () => {
  it('matches central differences of the float64 reference (fixed bandwidth)', async () => {
    const { tf } = await selectBackend('cpu');
    const s = gaussianSample(8, 12, 3);
    const t = gaussianSample(9, 10, 3, 1);
    const options = {
      bandwidth: 2,
      estimator: 'unbiased',
      multipliers: DEFAULT_BANDWIDTH_MULTIPLIERS,
    } as const;
    const before = tf.memory().numTensors;
    const [gs, gt] = tf.tidy(() =>
      tf
        .grads((a: Tensor, b: Tensor) => mmd2(tf, a, b, options))([tf.tensor2d(s), tf.tensor2d(t)])
        .map((g) => g.arraySync() as number[][]),
    );
    expect(tf.memory().numTensors).toBe(before);
    const h = 1e-4;
    for (const [i, j] of [
      [0, 0],
      [3, 1],
      [11, 2],
    ] as const) {
      const fd =
        (mmd2Reference(nudged(s, i, j, h), t, options) -
          mmd2Reference(nudged(s, i, j, -h), t, options)) /
        (2 * h);
      expect(entry(gs, i, j)).toBeCloseTo(fd, 5);
      const fdt =
        (mmd2Reference(s, nudged(t, i % 10, j, h), options) -
          mmd2Reference(s, nudged(t, i % 10, j, -h), options)) /
        (2 * h);
      expect(entry(gt, i % 10, j)).toBeCloseTo(fdt, 5);
    }
  });

  it('flows through the median bandwidth (held constant) and a step along it lowers the MMD', async () => {
    const { tf } = await selectBackend('wasm');
    const s = tf.tensor2d(gaussianSample(10, 32, 4));
    const t = tf.tensor2d(gaussianSample(11, 32, 4, 1));
    const before = tf.memory().numTensors;
    const [start, after, finite] = tf.tidy(() => {
      const g = tf.grad((a: Tensor) => mmd2(tf, a, t))(s);
      const moved = tf.sub(s, tf.mul(g, 0.5));
      return [
        mmd2(tf, s, t).arraySync(),
        mmd2(tf, moved, t).arraySync(),
        tf.all(tf.isFinite(g)).dataSync()[0] === 1 && (tf.max(tf.abs(g)).dataSync()[0] ?? 0) > 0,
      ];
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(finite).toBe(true);
    expect(after).toBeLessThan(start);
    s.dispose();
    t.dispose();
  });
});

describe('MK-MMD inputs', () => {
  it('finds the median by selection, as sorting does, for odd and even counts and ties', () => {
    const rng = new Rng(14);
    for (const n of [1, 2, 3, 10, 101, 1000]) {
      for (const ties of [false, true]) {
        const values = Float64Array.from({ length: n }, () => (ties ? rng.int(5) : rng.normal()));
        const sorted = [...values].sort((a, b) => a - b);
        const expected =
          n % 2 === 1
            ? (sorted[(n - 1) / 2] ?? Number.NaN)
            : ((sorted[n / 2 - 1] ?? Number.NaN) + (sorted[n / 2] ?? Number.NaN)) / 2;
        expect(median(values)).toBe(expected);
      }
    }
    expect(() => median(new Float64Array(0))).toThrow('no values');
  });

  it('computes clamped squared distances equal to the float64 ones', async () => {
    const { tf } = await selectBackend('cpu');
    const a = gaussianSample(12, 5, 4, 100);
    const b = gaussianSample(13, 3, 4, 100);
    const d2 = tf.tidy(() =>
      pairwiseSquaredDistances(tf, tf.tensor2d(a), tf.tensor2d(b)).arraySync(),
    );
    a.forEach((ra, i) => {
      b.forEach((rb, j) => {
        expect(relativeError(d2[i]?.[j] ?? Number.NaN, squaredDistance(ra, rb))).toBeLessThan(1e-5);
      });
    });
  });

  it('refuses mismatched sizes, too few samples and bad bandwidths', async () => {
    const { tf } = await selectBackend('cpu');
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const a = tf.zeros([4, 3]);
      expect(() => mmd2(tf, a, tf.zeros([4, 2]))).toThrow('differ in size: 3 and 2');
      expect(() => mmd2(tf, a, tf.zeros([1, 3]), { estimator: 'unbiased' })).toThrow(
        'at least 2 sample(s) per domain',
      );
      expect(() => mmd2(tf, a, a, { bandwidth: -1 })).toThrow('positive number');
      expect(() => mmd2(tf, a, a, { multipliers: [] })).toThrow('multipliers');
      expect(() => mmd2(tf, tf.zeros([3]), a)).toThrow('batch axis');
      expect(() => mmd2(tf, tf.zeros([4, 3], 'int32'), a)).toThrow('float32');
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is 0, not NaN, on a batch of coinciding points', async () => {
    const { tf } = await selectBackend('cpu');
    const value = tf.tidy(() => mmd2(tf, tf.ones([4, 2]), tf.ones([3, 2])).arraySync());
    expect(value).toBe(0);
  });
});
