import type { Tensor } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, type Tf } from '../../../src-main/engine/backend';
import {
  crossEntropy,
  outputUnits,
  predictedClasses,
  probabilitiesFromLogits,
} from '../../../src-main/engine/head';
import { buildMlp, logits, probabilities } from '../../../src-main/engine/model';

let tf: Tf;
beforeAll(async () => {
  tf = (await selectBackend('wasm')).tf;
});

/** The articles' model: 20 features, Dense(10, relu), then the two-class head. */
const ARTICLES = { type: 'mlp' as const, hidden: [10], activation: 'relu' as const };

/** Textbook binary cross-entropy in float64: −[y·log p + (1 − y)·log(1 − p)], p = σ(z). */
function bce64(z: ArrayLike<number>, y: ArrayLike<number>): number[] {
  return Array.from(z, (zi, i) => {
    const p = 1 / (1 + Math.exp(-zi));
    return (y[i] ?? NaN) === 1 ? -Math.log(p) : -Math.log(1 - p);
  });
}

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

/** A small batch for the articles' model, scaled so its logits spread over both signs. */
function batch(n: number): { x: Tensor; y: Tensor } {
  return {
    x: tf.randomNormal([n, 20], 0, 3, 'float32', 11),
    y: tf.tensor1d(
      Array.from({ length: n }, (_, i) => i % 2),
      'int32',
    ),
  };
}

describe('outputUnits', () => {
  it('gives two classes one logit and k ≥ 3 classes k logits; refuses fewer than two', () => {
    expect(outputUnits(2)).toBe(1);
    expect(outputUnits(3)).toBe(3);
    expect(outputUnits(10)).toBe(10);
    expect(() => outputUnits(1)).toThrow('A classifier needs at least two classes, got 1');
    expect(() => outputUnits(0)).toThrow('at least two classes');
  });
});

describe('the two-class head', () => {
  it('is a single linear unit: Dense(1) emitting a logit', () => {
    const model = buildMlp(tf, ARTICLES, [20], 2, 1);
    const output = model.getLayer('output');
    expect(model.outputs[0]?.shape).toEqual([null, 1]);
    expect(output.getWeights().map((w) => w.shape)).toEqual([[10, 1], [1]]);
    expect(output.getConfig()).toMatchObject({ units: 1, activation: 'linear' });
    // k ≥ 3 keeps one softmax logit per class.
    const three = buildMlp(tf, ARTICLES, [20], 3, 1);
    expect(three.outputs[0]?.shape).toEqual([null, 3]);
    expect(three.getLayer('output').getConfig()).toMatchObject({ units: 3 });
    model.dispose();
    three.dispose();
  });

  it("trains on the float64 binary cross-entropy of the model's own logits", () => {
    const model = buildMlp(tf, ARTICLES, [20], 2, 4);
    const { x, y } = batch(16);
    const out = logits(tf, model, x);
    expect(out.shape).toEqual([16, 1]);
    const z = Float64Array.from(out.dataSync());
    const labels = y.dataSync();
    // Both signs, and more than a rounding error away from 0: the test sees both branches.
    expect(z.some((v) => v > 0.5) && z.some((v) => v < -0.5)).toBe(true);
    const expected = bce64(z, labels);
    const meanLoss = crossEntropy(tf, out, y, 2);
    const sumLoss = crossEntropy(tf, out, y, 2, true);
    expect(meanLoss.shape).toEqual([]);
    expect(Math.abs((meanLoss.dataSync()[0] ?? NaN) - mean(expected))).toBeLessThan(1e-5);
    expect(Math.abs((sumLoss.dataSync()[0] ?? NaN) - 16 * mean(expected))).toBeLessThan(16e-5);
    tf.dispose([x, y, out, meanLoss, sumLoss]);
    model.dispose();
  });

  it('stays finite and exact for logits far past where σ rounds to 0 or 1', () => {
    const z = tf.tensor2d([[100], [-100], [100], [-100]]);
    const y = tf.tensor1d([0, 1, 1, 0], 'int32');
    // −log σ(−100) = −log(1 − σ(100)) ≈ 100; the right answers cost e^−100 ≈ 0.
    const loss = crossEntropy(tf, z, y, 2);
    expect(loss.dataSync()[0]).toBeCloseTo(50, 5);
    tf.dispose([z, y, loss]);
  });

  it('predicts class 1 where the logit is ≥ 0, i.e. where p ≥ 0.5', () => {
    const z = tf.tensor2d([[-1e-3], [0], [2], [-5], [1e-3]]);
    const classes = predictedClasses(tf, z);
    expect(classes.dtype).toBe('int32');
    expect([...classes.dataSync()]).toEqual([0, 1, 1, 0, 1]);
    tf.dispose([z, classes]);
  });

  it('gives probabilities as [1 − p, p], one column per class like the softmax head', () => {
    const model = buildMlp(tf, ARTICLES, [20], 2, 5);
    const { x, y } = batch(6);
    const out = logits(tf, model, x);
    const p = probabilities(tf, model, x);
    expect(p.shape).toEqual([6, 2]);
    const z = out.dataSync();
    const values = p.arraySync() as number[][];
    values.forEach(([p0, p1], i) => {
      const sigma = 1 / (1 + Math.exp(-(z[i] ?? NaN)));
      expect(p1).toBeCloseTo(sigma, 6);
      expect(p0).toBeCloseTo(1 - sigma, 6);
      expect((p0 ?? NaN) + (p1 ?? NaN)).toBeCloseTo(1, 6);
    });
    tf.dispose([x, y, out, p]);
    model.dispose();
  });
});

describe('the k-way head (k ≥ 3)', () => {
  it('keeps the softmax cross-entropy, the arg-max and the softmax probabilities', () => {
    const rows = [
      [2, -1, 0.5],
      [-3, 4, 0],
      [0, 0, 0],
    ];
    const z = tf.tensor2d(rows);
    const y = tf.tensor1d([0, 2, 1], 'int32');
    const expected = mean(
      rows.map((row, i) => {
        const lse = Math.log(row.reduce((a, v) => a + Math.exp(v), 0));
        return lse - (row[[0, 2, 1][i] ?? 0] ?? NaN);
      }),
    );
    const loss = crossEntropy(tf, z, y, 3);
    const classes = predictedClasses(tf, z);
    const p = probabilitiesFromLogits(tf, z);
    expect(Math.abs((loss.dataSync()[0] ?? NaN) - expected)).toBeLessThan(1e-5);
    expect([...classes.dataSync()]).toEqual([0, 1, 0]);
    expect(p.shape).toEqual([3, 3]);
    tf.dispose([z, y, loss, classes, p]);
  });

  it('refuses logits that do not fit the number of classes', () => {
    const two = tf.zeros([4, 2]);
    const one = tf.zeros([4, 1]);
    const y = tf.zeros([4], 'int32');
    // A 2-unit softmax head is not what a two-class model is any more, and vice versa.
    expect(() => crossEntropy(tf, two, y, 2)).toThrow(
      'A 2-class model must output [n, 1] logits, got [4, 2]',
    );
    expect(() => crossEntropy(tf, one, y, 3)).toThrow('must output [n, 3] logits');
    tf.dispose([two, one, y]);
  });
});
