import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, type Tf } from '../../../src-main/engine/backend';
import { confusionMatrix } from '../../../src-main/engine/confusion';

let tf: Tf;
beforeAll(async () => {
  tf = (await selectBackend('wasm')).tf;
});

/** The split's rows are logits already: the classifier is the identity. */
const identity = <T>(x: T): T => x;

describe('confusionMatrix', () => {
  it('counts true class × predicted class, argmax of the logits', async () => {
    const x = tf.tensor2d([
      [2, 1, 0],
      [0, 3, 1],
      [0, 0, 1],
      [5, 0, 0],
      [0, 1, 0],
    ]);
    const y = tf.tensor1d([0, 1, 0, 2, 1], 'int32');
    const before = tf.memory().numTensors;
    expect(await confusionMatrix(tf, identity, { x, y, n: 5 }, 3)).toEqual([
      [1, 0, 1],
      [0, 2, 0],
      [1, 0, 0],
    ]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });

  it('reads a two-class single-logit head by its sign, over more rows than one chunk', async () => {
    const n = 5000;
    const z = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : -1));
    const labels = Array.from({ length: n }, (_, i) => i % 2);
    const x = tf.tensor2d(z, [n, 1]);
    const y = tf.tensor1d(labels, 'int32');
    const expected = [
      [0, 0],
      [0, 0],
    ];
    z.forEach((v, i) => {
      const row = expected[labels[i] ?? 0];
      if (row) row[v > 0 ? 1 : 0] = (row[v > 0 ? 1 : 0] ?? 0) + 1;
    });
    const m = await confusionMatrix(tf, identity, { x, y, n }, 2);
    expect(m).toEqual(expected);
    expect(m.flat().reduce((a, b) => a + b, 0)).toBe(n);
    tf.dispose([x, y]);
  });
});
