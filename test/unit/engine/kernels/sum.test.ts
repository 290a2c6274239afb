import { describe, expect, it } from 'vitest';
import { expectAllClose, expectNoLeak, onCpuAndWasm, values } from './helpers';

/** Sum on wasm against the cpu backend: the leading-axes case the engine handles, and others. */

type Case = [x: number[], axis: number | number[], keepDims: boolean];

const CASES: Case[] = [
  [[16, 13, 13, 32], [0, 1, 2], false],
  [[16, 13, 13, 32], [2, 0, 1], true],
  [[300, 70], 0, false],
  [[300, 70], [0], true],
  [[5, 6, 7, 81], [1, 0], false],
  [[40, 30, 20], [1], false],
  [[40, 30, 20], [2], true],
  [[40, 30, 20], [0, 1, 2], false],
  [[12, 10], 0, false],
];

describe('Sum on wasm', () => {
  for (const [shape, axis, keepDims] of CASES) {
    it(`equals cpu: [${shape.join('×')}] over ${JSON.stringify(axis)}, keepDims ${keepDims}`, async () => {
      const result = await onCpuAndWasm((tf) =>
        tf.tidy(() => {
          const out = tf.sum(tf.tensor(values(shape, 1), shape), axis, keepDims);
          const expected = tf.sum(tf.zeros(shape), axis, keepDims).shape;
          expect(out.shape).toEqual(expected);
          return out;
        }),
      );
      expectAllClose(result);
    });
  }

  it('frees its intermediates', async () => {
    const x = values([16, 13, 13, 32], 2);
    await expectNoLeak((tf) => {
      tf.tidy(() => {
        tf.sum(tf.tensor(x, [16, 13, 13, 32]), [0, 1, 2]).dataSync();
      });
    });
  });
});
