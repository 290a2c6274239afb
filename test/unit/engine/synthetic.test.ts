import { describe, expect, it } from 'vitest';
import { generateLinearBinary, syntheticWeights } from '../../../src-main/engine/data/synthetic';
import type { SyntheticDataset } from '../../../src-shared/domain/experimentSpec';

function params(overrides: Partial<SyntheticDataset> = {}): SyntheticDataset {
  return {
    generator: 'linear-binary',
    features: 10,
    samples: 4000,
    taskSeed: 1,
    angleDeg: 0,
    noise: 0,
    ...overrides,
  };
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}

describe('linear-binary generator', () => {
  it('is a pure function of its parameters', () => {
    const a = generateLinearBinary(params({ angleDeg: 30, noise: 0.5 }));
    const b = generateLinearBinary(params({ angleDeg: 30, noise: 0.5 }));
    expect(b.features).toEqual(a.features);
    expect(b.labels).toEqual(a.labels);
    expect(a.rows).toBe(4000);
    expect(a.featureCount).toBe(10);
  });

  it('draws x from a standard normal and balanced labels', () => {
    const { features, labels } = generateLinearBinary(params());
    const mean = features.reduce((s, v) => s + v, 0) / features.length;
    const variance = features.reduce((s, v) => s + (v - mean) ** 2, 0) / features.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    const positives = labels.reduce((s, v) => s + v, 0) / labels.length;
    expect(positives).toBeGreaterThan(0.45);
    expect(positives).toBeLessThan(0.55);
  });

  it('rotates the weight vector by exactly angleDeg within the task family', () => {
    for (const angle of [0, 30, 90, 150]) {
      const { base, task } = syntheticWeights(params({ angleDeg: angle }));
      expect(Math.sqrt(dot(task, task))).toBeCloseTo(1, 12);
      expect((Math.acos(Math.min(1, dot(base, task))) * 180) / Math.PI).toBeCloseTo(angle, 6);
    }
    // Another task seed is another family: an unrelated direction.
    const other = syntheticWeights(params({ taskSeed: 2 })).base;
    expect(Math.abs(dot(other, syntheticWeights(params()).base))).toBeLessThan(0.9);
  });

  it('labels related tasks alike with probability 1 − θ/180 on their own, different samples', () => {
    const source = syntheticWeights(params()).base;
    for (const angle of [20, 60, 120]) {
      const target = generateLinearBinary(params({ angleDeg: angle }));
      const sourceTask = generateLinearBinary(params());
      // Related, yet different samples: the angle is part of the samples' seed.
      expect(target.features.slice(0, 10)).not.toEqual(sourceTask.features.slice(0, 10));
      let agree = 0;
      for (let s = 0; s < target.rows; s++) {
        const x = target.features.subarray(s * 10, (s + 1) * 10);
        if ((dot(source, x) > 0 ? 1 : 0) === target.labels[s]) agree++;
      }
      // For Gaussian x, two half-spaces at angle θ disagree with probability θ/π.
      expect(agree / target.rows).toBeCloseTo(1 - angle / 180, 1);
    }
  });

  it('flips labels more often with more noise', () => {
    const clean = generateLinearBinary(params({ noise: 0 }));
    const noisy = generateLinearBinary(params({ noise: 2 }));
    const { task } = syntheticWeights(params());
    const errors = (t: typeof clean) => {
      let e = 0;
      for (let s = 0; s < t.rows; s++) {
        if ((dot(task, t.features.subarray(s * 10, (s + 1) * 10)) > 0 ? 1 : 0) !== t.labels[s]) e++;
      }
      return e / t.rows;
    };
    expect(errors(clean)).toBe(0);
    expect(errors(noisy)).toBeGreaterThan(0.2);
  });
});
