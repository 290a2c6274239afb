import { describe, expect, it } from 'vitest';
import { expectAllClose, expectNoLeak, onCpuAndWasm, values } from './helpers';

/**
 * The engine's BatchMatMul against the cpu backend. The shapes cover each way the kernel splits
 * a product (batchMatMul.ts): the four transpose combinations with both choices of what to
 * transpose, batches with and without broadcasting, a stacked batch against one matrix, odd
 * sizes, and products small enough to stay on the stock kernel.
 */

type Case = [name: string, a: number[], b: number[], transposeA: boolean, transposeB: boolean];

const CASES: Case[] = [
  ['plain', [37, 65], [65, 33], false, false],
  ['Aᵀ·B, transposing A', [65, 37], [65, 33], true, false],
  ['Aᵀ·B, transposing B and the result', [50, 301], [50, 7], true, false],
  ['A·Bᵀ, transposing B', [37, 65], [33, 65], false, true],
  ['A·Bᵀ, transposing A and the result', [7, 50], [301, 50], false, true],
  ['Aᵀ·Bᵀ as (B·A)ᵀ', [65, 37], [33, 65], true, true],
  ['Aᵀ·Bᵀ transposing both', [5, 101], [99, 5], true, true],
  ['Dense backward dW = xᵀ·dy', [128, 784], [128, 256], true, false],
  ['Dense backward dx = dy·Wᵀ', [128, 256], [784, 256], false, true],
  ['batch against batch', [3, 37, 65], [3, 65, 33], false, false],
  ['batch against batch, transposed', [3, 65, 37], [3, 33, 65], true, true],
  ['batch against one matrix, stacked', [2, 3, 37, 65], [65, 33], false, false],
  ['batch against one matrix, transposed', [4, 65, 37], [1, 65, 33], true, false],
  ['one matrix against a batch', [37, 65], [4, 33, 65], false, true],
  ['tiny: stock kernel', [3, 5], [4, 5], false, true],
  ['tiny batch: stock kernel', [6, 3, 5], [6, 3, 4], true, false],
];

describe('BatchMatMul on wasm', () => {
  for (const [name, aShape, bShape, ta, tb] of CASES) {
    it(`equals cpu: ${name} [${aShape.join('×')}]·[${bShape.join('×')}]`, async () => {
      const result = await onCpuAndWasm((tf) =>
        tf.tidy(() =>
          tf.matMul(
            tf.tensor(values(aShape, 1), aShape),
            tf.tensor(values(bShape, 2), bShape),
            ta,
            tb,
          ),
        ),
      );
      expectAllClose(result);
    });
  }

  it('keeps the broadcast output shape', async () => {
    const result = await onCpuAndWasm((tf) =>
      tf.tidy(() => {
        const out = tf.matMul(tf.ones([2, 3, 40, 50]), tf.ones([1, 60, 50]), false, true);
        expect(out.shape).toEqual([2, 3, 40, 60]);
        return out;
      }),
    );
    expectAllClose(result);
  });

  it('frees its intermediates', async () => {
    const a = values([65, 37], 3);
    const b = values([33, 65], 4);
    const x = values([3, 65, 37], 5);
    const y = values([3, 33, 65], 6);
    await expectNoLeak((tf) => {
      tf.tidy(() => {
        tf.matMul(tf.tensor(a, [65, 37]), tf.tensor(b, [33, 65]), true, true).dataSync();
        tf.matMul(tf.tensor(a, [65, 37]), tf.tensor(a, [65, 37]), true, false).dataSync();
        tf.matMul(tf.tensor(x, [3, 65, 37]), tf.tensor(y, [3, 33, 65]), true, true).dataSync();
      });
    });
  });
});
