import type { Tensor, Tensor4D } from '@tensorflow/tfjs';
import { describe, it } from 'vitest';
import { expectAllClose, expectNoLeak, onCpuAndWasm, values } from './helpers';

/**
 * MaxPoolGrad on wasm against the cpu backend: non-overlapping and overlapping windows, 'same'
 * padding, odd sizes, and ties (relu zeros, constant windows), which must send the gradient to
 * the first maximum in the window as the cpu backend does.
 */

type Shape4 = [number, number, number, number];
type Case = [name: string, x: Shape4, size: number, stride: number, pad: 'valid' | 'same'];

const CASES: Case[] = [
  ['2×2 stride 2', [3, 10, 12, 5], 2, 2, 'valid'],
  ['2×2 stride 2, odd size', [2, 11, 9, 3], 2, 2, 'valid'],
  ['3×3 stride 2 same (overlapping)', [2, 9, 9, 4], 3, 2, 'same'],
  ['3×3 stride 1 same', [1, 7, 8, 2], 3, 1, 'same'],
];

describe('MaxPoolGrad on wasm', () => {
  for (const [name, shape, size, stride, pad] of CASES) {
    it(`equals cpu: ${name}`, async () => {
      const result = await onCpuAndWasm((tf) =>
        tf.tidy(() => {
          const x = tf.tensor4d(values(shape, 1), shape);
          const yShape = tf.maxPool(x, size, stride, pad).shape;
          const dy = tf.tensor(values(yShape, 2), yShape);
          return tf.grad((v: Tensor) => tf.maxPool(v as Tensor4D, size, stride, pad))(x, dy);
        }),
      );
      expectAllClose(result);
    });
  }

  it('equals cpu where windows tie (relu zeros and constant values)', async () => {
    const shape: Shape4 = [2, 8, 8, 3];
    const result = await onCpuAndWasm((tf) =>
      tf.tidy(() => {
        // Half the values are relu's exact zeros; the rounding makes many exact ties.
        const x = tf.relu(tf.round(tf.mul(tf.tensor4d(values(shape, 3), shape), 2)));
        const ones = tf.ones(shape);
        const dy = tf.tensor(values([2, 4, 4, 3], 4), [2, 4, 4, 3]);
        const grad = tf.grad((v: Tensor) => tf.maxPool(v as Tensor4D, 2, 2, 'valid'));
        return [grad(x, dy), grad(ones, dy)];
      }),
    );
    expectAllClose(result);
  });

  it('equals cpu on windows of −∞ and NaN (no gradient where nothing beats −∞)', async () => {
    const shape: Shape4 = [1, 4, 6, 2];
    const raw = values(shape, 5);
    // The first window (rows 0–1, columns 0–1): all −∞ in both channels.
    raw.fill(-Infinity, 0, 4);
    raw.fill(-Infinity, 12, 16);
    // The second: a NaN first in channel 0; the third: NaN everywhere but one value.
    raw[4] = NaN;
    raw.fill(NaN, 8, 12);
    raw.fill(NaN, 20, 23);
    const result = await onCpuAndWasm((tf) =>
      tf.tidy(() => {
        const dy = tf.tensor(values([1, 2, 3, 2], 6), [1, 2, 3, 2]);
        return tf.grad((v: Tensor) => tf.maxPool(v as Tensor4D, 2, 2, 'valid'))(
          tf.tensor4d(raw, shape),
          dy,
        );
      }),
    );
    expectAllClose(result);
  });

  it('frees its intermediates', async () => {
    const shape: Shape4 = [3, 10, 12, 5];
    const x = values(shape, 1);
    await expectNoLeak((tf) => {
      tf.tidy(() => {
        tf.grad((v: Tensor) => tf.maxPool(v as Tensor4D, 2, 2, 'valid'))(
          tf.tensor4d(x, shape),
        ).dataSync();
      });
    });
  });
});
