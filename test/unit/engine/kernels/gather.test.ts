import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../src-main/engine/backend';
import { expectAllClose, expectNoLeak, onCpuAndWasm, values } from './helpers';

/** GatherV2 on wasm against the cpu backend: rows of float32 and int32 tensors, and the rest. */

const ROWS = Int32Array.from([4, 0, 9, 4, 7, 1]);

describe('GatherV2 on wasm', () => {
  it('equals cpu picking rows of images, with repeats', async () => {
    const result = await onCpuAndWasm((tf) =>
      tf.tidy(() =>
        tf.gather(tf.tensor(values([10, 5, 4, 3], 1), [10, 5, 4, 3]), tf.tensor1d(ROWS, 'int32')),
      ),
    );
    expectAllClose(result);
  });

  it('equals cpu for int32 rows and 2-D indices', async () => {
    const labels = Int32Array.from({ length: 10 }, (_, i) => i * 3 - 7);
    const result = await onCpuAndWasm((tf) =>
      tf.tidy(() => {
        const out = tf.gather(tf.tensor1d(labels, 'int32'), tf.tensor2d(ROWS, [2, 3], 'int32'));
        expect(out.shape).toEqual([2, 3]);
        expect(out.dtype).toBe('int32');
        return tf.cast(out, 'float32');
      }),
    );
    expectAllClose(result);
  });

  it('leaves other axes to the stock kernel, with the same results', async () => {
    const result = await onCpuAndWasm((tf) =>
      tf.tidy(() =>
        tf.gather(tf.tensor(values([3, 10, 4], 2), [3, 10, 4]), tf.tensor1d(ROWS, 'int32'), 1),
      ),
    );
    expectAllClose(result);
  });

  it('refuses an index out of range', async () => {
    const { tf } = await selectBackend('wasm');
    const before = tf.engine().backend.numDataIds();
    expect(() => tf.tidy(() => tf.gather(tf.ones([3, 2]), tf.tensor1d([0, 3], 'int32')))).toThrow(
      /index value 3 is not in \[0, 2\]/,
    );
    expect(tf.engine().backend.numDataIds()).toBe(before);
  });

  it('frees its intermediates', async () => {
    const x = values([10, 5, 4, 3], 3);
    await expectNoLeak((tf) => {
      tf.tidy(() => {
        tf.gather(tf.tensor(x, [10, 5, 4, 3]), tf.tensor1d(ROWS, 'int32')).dataSync();
      });
    });
  });
});
