import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../src-main/engine/random';
import { eepClassifier, leep } from '../../../../src-main/engine/transferability/leep';
import { randomLabels, randomProbs } from './helpers';

/**
 * The constructed example shared with nce.test.ts: 4 target samples, Z = 2 source classes,
 * K = 2 target classes.
 */
const theta = [
  [0.8, 0.2],
  [0.6, 0.4],
  [0.3, 0.7],
  [0.1, 0.9],
];
const labels = [0, 1, 1, 1];

describe('LEEP (Nguyen et al. 2020)', () => {
  it('equals the value worked out by hand on a constructed example', () => {
    // Joint P(y, z) = (1/4) Σ_i θ_z(x_i) 1[y_i = y]:
    //   P(0, 0) = 0.8/4 = 0.2              P(0, 1) = 0.2/4 = 0.05
    //   P(1, 0) = (0.6+0.3+0.1)/4 = 0.25   P(1, 1) = (0.4+0.7+0.9)/4 = 0.5
    // P(z=0) = 0.45, P(z=1) = 0.55, so
    //   P(0|0) = 0.2/0.45 = 4/9, P(1|0) = 5/9, P(0|1) = 0.05/0.55 = 1/11, P(1|1) = 10/11.
    // EEP p(y_i | x_i) = Σ_z P(y_i | z) θ_z(x_i), over the common denominator 99:
    //   i=0, y=0: 0.8·4/9 + 0.2·1/11  = (35.2 + 1.8)/99 = 37/99
    //   i=1, y=1: 0.6·5/9 + 0.4·10/11 = (33 + 36)/99   = 69/99
    //   i=2, y=1: 0.3·5/9 + 0.7·10/11 = (16.5 + 63)/99 = 79.5/99
    //   i=3, y=1: 0.1·5/9 + 0.9·10/11 = (5.5 + 81)/99  = 86.5/99
    const expected =
      (Math.log(37 / 99) + Math.log(69 / 99) + Math.log(79.5 / 99) + Math.log(86.5 / 99)) / 4;
    expect(leep(theta, labels)).toBeCloseTo(expected, 14);

    const eep = eepClassifier(theta, labels);
    const c = eep.conditional;
    expect(c[0]?.[0]).toBeCloseTo(4 / 9, 15);
    expect(c[1]?.[0]).toBeCloseTo(5 / 9, 15);
    expect(c[0]?.[1]).toBeCloseTo(1 / 11, 15);
    expect(c[1]?.[1]).toBeCloseTo(10 / 11, 15);
  });

  it('is at most 0 and equals the mean log-likelihood of the EEP classifier', () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 5; trial++) {
      const n = 60;
      const probs = randomProbs(rng, n, 5);
      const y = randomLabels(rng, n, 3);
      const eep = eepClassifier(probs, y);
      let logLik = 0;
      probs.forEach((row, i) => {
        const p = eep.predict(row);
        // The EEP is a classifier: a distribution over the K target classes for every input.
        expect(p).toHaveLength(3);
        expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
        logLik += Math.log(p[y[i] ?? 0] ?? 0);
      });
      const score = leep(probs, y);
      expect(score).toBeLessThanOrEqual(0);
      expect(score).toBeCloseTo(logLik / n, 12);
    }
  });

  it('is 0 when the source classes are certain and determine the target class', () => {
    // Source classes 0 and 2 map to target 0, source class 1 to target 1.
    const oneHot = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
      [0, 1, 0],
    ];
    expect(leep(oneHot, [0, 1, 0, 1])).toBe(0);
  });

  it('prefers a source whose outputs track the target labels', () => {
    const rng = new Rng(5);
    const n = 200;
    const y = randomLabels(rng, n, 2);
    const informative = y.map((label) => (label === 0 ? [0.9, 0.1] : [0.15, 0.85]));
    const uninformative = randomProbs(rng, n, 2);
    expect(leep(informative, y)).toBeGreaterThan(leep(uninformative, y));
  });

  it('accepts a source class that gets no probability mass', () => {
    const probs = [
      [0.5, 0.5, 0],
      [0.2, 0.8, 0],
    ];
    const score = leep(probs, [0, 1]);
    expect(Number.isFinite(score)).toBe(true);
    const p = eepClassifier(probs, [0, 1]).predict([0, 0, 1]);
    expect(p).toEqual([0.5, 0.5]);
  });

  it('takes flat row-major and float32 inputs like nested arrays', () => {
    const flat = { data: Float64Array.from(theta.flat()), rows: 4, cols: 2 };
    expect(leep(flat, labels)).toBe(leep(theta, labels));
    const f32 = theta.map((row) => Float32Array.from(row));
    expect(leep(f32, Int32Array.from(labels))).toBeCloseTo(leep(theta, labels), 6);
  });

  it('refuses logits, ragged rows and labels out of range', () => {
    expect(() => leep([[2.1, -0.3]], [0])).toThrow(/logits/);
    expect(() => leep([[0.4, 0.6], [1]], [0, 1])).toThrow(/row 1/);
    expect(() => leep(theta, [0, 1, 2, 1], { numTargetClasses: 2 })).toThrow(/label 2 is 2/);
    expect(() => leep(theta, [0, 1, 1])).toThrow(/3 labels for 4 samples/);
    expect(() => leep([[1], [1]], [0, 1])).toThrow(/sigmoid/);
  });
});
