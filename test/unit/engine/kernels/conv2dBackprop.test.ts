import type { Tensor, Tensor4D } from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../src-main/engine/backend';
import {
  registerEngineWasmKernels,
  restoreStockWasmKernels,
} from '../../../../src-main/engine/kernels/index';
import { expectAllClose, expectNoLeak, onCpuAndWasm, values } from './helpers';

/**
 * The gradients of conv2d on wasm (Conv2DBackpropFilter, Conv2DBackpropInput) against the cpu
 * backend, through tf.grads so the kernels get exactly the attributes tfjs's conv2d gradient
 * passes. The cases cover strides, 'valid', 'same' and explicit padding, non-square filters and
 * strides, input left over by a strided 'valid' convolution, and both ways of computing the
 * filter gradient (im2col when fh·fw·ci ≤ co, the swapped-axes convolution otherwise).
 */

type Shape4 = [number, number, number, number];
type Pad = 'valid' | 'same' | [[0, 0], [number, number], [number, number], [0, 0]];
type Case = [name: string, x: Shape4, filter: Shape4, strides: number | [number, number], pad: Pad];

const CASES: Case[] = [
  ['3×3 valid, im2col (9 ≤ 16)', [3, 11, 9, 1], [3, 3, 1, 16], 1, 'valid'],
  ['3×3 valid, convolution form', [3, 11, 9, 5], [3, 3, 5, 7], 1, 'valid'],
  ['3×3 same', [2, 10, 10, 4], [3, 3, 4, 6], 1, 'same'],
  ['3×3 stride 2 same', [2, 11, 11, 3], [3, 3, 3, 8], 2, 'same'],
  ['3×2 strides [2, 3] valid, leftover input', [2, 12, 13, 3], [3, 2, 3, 5], [2, 3], 'valid'],
  ['5×5 same, im2col', [2, 8, 8, 1], [5, 5, 1, 32], 1, 'same'],
  ['1×1 stride 2, im2col', [2, 9, 9, 4], [1, 1, 4, 8], 2, 'valid'],
  [
    'explicit padding',
    [2, 7, 8, 2],
    [3, 3, 2, 4],
    1,
    [
      [0, 0],
      [1, 2],
      [2, 0],
      [0, 0],
    ],
  ],
  ['the benchmark CNN, second layer', [2, 13, 13, 32], [3, 3, 32, 64], 1, 'valid'],
];

describe('conv2d gradients on wasm', () => {
  for (const [name, xShape, wShape, strides, pad] of CASES) {
    it(`equal cpu: ${name}`, async () => {
      const result = await onCpuAndWasm((tf) =>
        tf.tidy(() => {
          const x = tf.tensor4d(values(xShape, 1), xShape);
          const w = tf.tensor4d(values(wShape, 2), wShape);
          const yShape = tf.conv2d(x, w, strides, pad).shape;
          const dy = tf.tensor(values(yShape, 3), yShape);
          const [dx, dw] = tf.grads((a: Tensor, b: Tensor) =>
            tf.conv2d(a as Tensor4D, b as Tensor4D, strides, pad),
          )([x, w], dy);
          expect(dx?.shape).toEqual(xShape);
          expect(dw?.shape).toEqual(wShape);
          return [dx ?? tf.scalar(NaN), dw ?? tf.scalar(NaN)];
        }),
      );
      expectAllClose(result);
    });
  }

  it('free their intermediates', async () => {
    const cases = CASES.slice(0, 5).map(([, xShape, wShape, strides, pad]) => ({
      x: values(xShape, 1),
      w: values(wShape, 2),
      xShape,
      wShape,
      strides,
      pad,
    }));
    await expectNoLeak((tf) => {
      for (const c of cases) {
        tf.tidy(() => {
          const x = tf.tensor4d(c.x, c.xShape);
          const w = tf.tensor4d(c.w, c.wShape);
          const grads = tf.grads((a: Tensor, b: Tensor) =>
            tf.conv2d(a as Tensor4D, b as Tensor4D, c.strides, c.pad),
          )([x, w]);
          for (const g of grads) g.dataSync();
        });
      }
    });
  });

  it('replace the stock kernels, which lack the filter gradient (tfjs#8474)', async () => {
    const { tf } = await selectBackend('wasm');
    const filterGrad = (): void => {
      tf.tidy(() => {
        const x = tf.tensor4d(new Float32Array(25).fill(1), [1, 5, 5, 1]);
        tf.grad((w: Tensor) => tf.conv2d(x, w as Tensor4D, 1, 'valid'))(tf.ones([3, 3, 1, 2]));
      });
    };
    restoreStockWasmKernels();
    try {
      expect(filterGrad).toThrow(/Conv2DBackpropFilter/);
    } finally {
      expect(registerEngineWasmKernels()).toContain('Conv2DBackpropFilter');
    }
    expect(filterGrad).not.toThrow();
    expect(registerEngineWasmKernels()).toEqual([]);
  });
});
