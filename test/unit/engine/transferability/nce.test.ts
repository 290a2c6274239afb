import { describe, expect, it } from 'vitest';
import { nce, nceFromSourceLabels } from '../../../../src-main/engine/transferability/nce';

describe('NCE (Tran et al. 2019)', () => {
  it('equals the value worked out by hand on a constructed example', () => {
    // The example of leep.test.ts: z_i = argmax θ(x_i) = [0, 0, 1, 1], y = [0, 1, 1, 1].
    // Joint counts: (y=0, z=0) 1, (y=1, z=0) 1, (y=1, z=1) 2; P(z=0) = P(z=1) = 1/2.
    // −H(Y|Z) = Σ P(y,z) log P(y|z) = ¼ log ½ + ¼ log ½ + ½ log 1 = −½ log 2.
    const theta = [
      [0.8, 0.2],
      [0.6, 0.4],
      [0.3, 0.7],
      [0.1, 0.9],
    ];
    expect(nce(theta, [0, 1, 1, 1])).toBeCloseTo(-0.5 * Math.log(2), 15);
    expect(nceFromSourceLabels([0, 0, 1, 1], [0, 1, 1, 1])).toBeCloseTo(-0.5 * Math.log(2), 15);
  });

  it('is exactly 0 when Z determines Y', () => {
    // Four source classes onto two target classes (y = z mod 2), unevenly populated.
    const z = [0, 1, 2, 3, 0, 0, 2, 3, 3, 1, 2];
    const y = z.map((c) => c % 2);
    expect(nceFromSourceLabels(z, y)).toBe(0);
  });

  it('is −H(Y) when Z says nothing about Y', () => {
    // Y uniform on 3 classes, independent of a uniform Z on 2: −H(Y|Z) = −H(Y) = −log 3.
    const z = [0, 0, 0, 1, 1, 1];
    const y = [0, 1, 2, 0, 1, 2];
    expect(nceFromSourceLabels(z, y)).toBeCloseTo(-Math.log(3), 15);
  });

  it('uses only the arg-max: logits give the value of their softmax; ties go to the first class', () => {
    const logits = [
      [3, 1, 0],
      [0, 2, 1],
      [0, 0, 5],
      [1, 1, 0],
    ];
    const softmax = logits.map((row) => {
      const e = row.map(Math.exp);
      const s = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / s);
    });
    const y = [0, 1, 1, 1];
    expect(nce(logits, y)).toBe(nce(softmax, y));
    // Row 3 ties between classes 0 and 1 and counts as z = 0: z = [0, 1, 2, 0].
    expect(nce(logits, y)).toBe(nceFromSourceLabels([0, 1, 2, 0], y));
  });

  it('refuses mismatched lengths and bad labels', () => {
    expect(() => nceFromSourceLabels([0, 1], [0])).toThrow(/1 labels for 2 samples/);
    expect(() => nceFromSourceLabels([0, 1.5], [0, 1])).toThrow(/source labels/);
    expect(() => nceFromSourceLabels([], [])).toThrow(/at least one/);
  });
});
