import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../src-main/engine/backend';
import { expectNoLeak } from './helpers';

/**
 * Identity on wasm shares the data block (one more reference) instead of copying it; each
 * tensor's disposal drops one reference and the block goes with the last.
 */
describe('Identity on wasm', () => {
  it('gives an equal tensor that outlives the original, then frees the block', async () => {
    const { tf } = await selectBackend('wasm');
    const before = tf.engine().backend.numDataIds();
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const y = tf.clone(x);
    expect(tf.engine().backend.numDataIds()).toBe(before + 1);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4]);
    expect(y.shape).toEqual([2, 2]);
    y.dispose();
    expect(tf.engine().backend.numDataIds()).toBe(before);
  });

  it('clones int32, bool and string tensors', async () => {
    const { tf } = await selectBackend('wasm');
    const ints = tf.clone(tf.tensor1d([5, -6], 'int32'));
    const bools = tf.clone(tf.tensor1d([true, false], 'bool'));
    const strings = tf.clone(tf.tensor1d(['a', 'bc'], 'string'));
    expect(Array.from(ints.dataSync())).toEqual([5, -6]);
    expect(Array.from(bools.dataSync())).toEqual([1, 0]);
    expect(strings.arraySync()).toEqual(['a', 'bc']);
    tf.dispose([ints, bools, strings]);
  });

  it('leaks nothing through a gradient tape, which clones what it saves', async () => {
    await expectNoLeak((tf) => {
      tf.tidy(() => {
        const x = tf.ones([64, 32]);
        tf.grad((v) => tf.sum(tf.relu(tf.mul(v, v))))(x).dataSync();
      });
    });
  });
});
