import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../src-main/engine/random';
import {
  hScore,
  ledoitWolfShrinkage,
  leep,
  logMe,
  nce,
  transferabilityScores,
} from '../../../../src-main/engine/transferability';
import { classFeatures, randomLabels, randomProbs } from './helpers';

describe('transferabilityScores', () => {
  const rng = new Rng(17);
  const n = 120;
  const labels = randomLabels(rng, n, 3);
  const probs = randomProbs(rng, n, 4);
  const features = classFeatures(rng, labels, 6, 1.5);

  it('returns the four scores of the individual functions, H-score shrunk by Ledoit–Wolf', () => {
    const scores = transferabilityScores({ probs, features, labels, numTargetClasses: 3 });
    expect(scores).toEqual({
      leep: leep(probs, labels),
      nce: nce(probs, labels),
      hScore: hScore(features, labels, { shrinkage: ledoitWolfShrinkage(features) }),
      logMe: logMe(features, labels),
      features: 6,
      hScoreShrinkage: ledoitWolfShrinkage(features),
    });
    const original = transferabilityScores({
      probs,
      features,
      labels,
      numTargetClasses: 3,
      hScore: { shrinkage: 0 },
    });
    expect(original.hScore).toBe(hScore(features, labels));
    expect(original.hScoreShrinkage).toBe(0);
    expect(scores.leep).toBeLessThanOrEqual(0);
    expect(scores.nce).toBeLessThanOrEqual(0);
    expect(scores.hScore).toBeGreaterThan(0);
    expect(scores.hScore).toBeLessThanOrEqual(2);
  });

  it('takes flat float32 buffers such as tensor.data() returns', () => {
    const flat = (m: number[][]) => ({
      data: Float32Array.from(m.flat()),
      rows: m.length,
      cols: m[0]?.length ?? 0,
    });
    const scores = transferabilityScores({
      probs: flat(probs),
      features: flat(features),
      labels: Int32Array.from(labels),
      numTargetClasses: 3,
      hScore: { shrinkage: 0 },
    });
    const reference = transferabilityScores({
      probs,
      features,
      labels,
      numTargetClasses: 3,
      hScore: { shrinkage: 0 },
    });
    expect(scores.leep).toBeCloseTo(reference.leep, 5);
    expect(scores.nce).toBe(reference.nce);
    expect(scores.hScore).toBeCloseTo(reference.hScore, 5);
    expect(scores.logMe).toBeCloseTo(reference.logMe, 5);
    const shrunk = transferabilityScores({
      probs: flat(probs),
      features: flat(features),
      labels: Int32Array.from(labels),
      numTargetClasses: 3,
    });
    const shrunkReference = transferabilityScores({ probs, features, labels, numTargetClasses: 3 });
    expect(shrunk.hScore).toBeCloseTo(shrunkReference.hScore, 5);
    expect(shrunk.hScoreShrinkage).toBeCloseTo(shrunkReference.hScoreShrinkage, 5);
    expect(shrunk.features).toBe(6);
  });

  it('refuses probabilities and features from different samples, and labels out of range', () => {
    expect(() =>
      transferabilityScores({ probs, features: features.slice(1), labels, numTargetClasses: 3 }),
    ).toThrow(/same target samples/);
    expect(() => transferabilityScores({ probs, features, labels, numTargetClasses: 2 })).toThrow(
      /not in 0..1/,
    );
    expect(() =>
      transferabilityScores({
        probs: { data: new Float64Array(5), rows: n, cols: 4 },
        features,
        labels,
        numTargetClasses: 3,
      }),
    ).toThrow(/5 values do not fill 120×4/);
  });
});
