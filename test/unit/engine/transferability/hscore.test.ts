import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../src-main/engine/random';
import { hScore, hScoreDetails } from '../../../../src-main/engine/transferability/hscore';
import { features, labels, referenceHScore } from './fixtures';
import { classFeatures, noiseFeatures, randomLabels } from './helpers';

describe('H-score (Bao et al. 2019)', () => {
  it('matches the numpy reference value', () => {
    expect(hScore(features, labels)).toBeCloseTo(referenceHScore, 12);
  });

  it('equals tr(cov(f)⁻¹ cov(E[f|y])) written out for one feature', () => {
    // d = 1: H = Var(E[f|y]) / Var(f). f = [1, 3 | 4, 8], y = [0, 0 | 1, 1]:
    // μ = 4, class means 2 and 6, Var(E[f|y]) = ½(2−4)² + ½(6−4)² = 4,
    // Var(f) = ¼(9 + 1 + 0 + 16) = 6.5, H = 4 / 6.5.
    expect(hScore([[1], [3], [4], [8]], [0, 0, 1, 1])).toBeCloseTo(4 / 6.5, 15);
  });

  it('reaches K − 1 when the features do not vary within a class', () => {
    const means = [
      [1, 0, 2, 0],
      [0, 3, 0, 1],
      [-1, -1, 1, 1],
    ];
    const y = [0, 1, 2, 2, 1, 0, 0, 2];
    const f = y.map((c) => means[c] ?? []);
    expect(hScore(f, y)).toBeCloseTo(2, 10);
  });

  it('is higher for features that separate the classes than for noise', () => {
    const rng = new Rng(3);
    const n = 300;
    const y = randomLabels(rng, n, 3);
    const separating = hScore(classFeatures(rng, y, 6, 3), y);
    const noise = hScore(noiseFeatures(rng, n, 6), y);
    expect(separating).toBeGreaterThan(1.5);
    expect(separating).toBeLessThanOrEqual(2 + 1e-9);
    expect(noise).toBeGreaterThanOrEqual(0);
    expect(noise).toBeLessThan(0.15);
    expect(separating).toBeGreaterThan(noise);
  });

  it('is unchanged by dead units and duplicated features (pseudo-inverse)', () => {
    const rng = new Rng(8);
    const y = randomLabels(rng, 80, 3);
    const f = classFeatures(rng, y, 4, 1);
    const padded = f.map((row) => [...row, 0, row[0] ?? 0, 0.5 * (row[1] ?? 0)]);
    expect(hScore(padded, y)).toBeCloseTo(hScore(f, y), 8);
  });

  it('shrinks cov(f) towards a multiple of the identity, and cov(E[f|y]) by 1 − λ', () => {
    // f = [(0,0), (2,0) | (0,2), (2,2)], y = [0, 0, 1, 1]; class means (1,0), (1,2), μ = (1,1).
    // cov(E[f|y]) = diag(0, 1); cov(f) = diag(1, 1) = (tr cov(f) / d) I: shrinking leaves it,
    // so H_λ = (1 − λ) · 1.
    const f = [
      [0, 0],
      [2, 0],
      [0, 2],
      [2, 2],
    ];
    const y = [0, 0, 1, 1];
    expect(hScore(f, y, { shrinkage: 0 })).toBeCloseTo(1, 15);
    expect(hScore(f, y, { shrinkage: 0.5 })).toBeCloseTo(0.5, 15);
    // Unequal scales: f2 = 10·f's second column makes cov(f) = diag(1, 100), cov(E[f|y]) =
    // diag(0, 100), μ = 50.5. λ = 0 gives 1 (H is invariant to rescaling); λ = ½ gives
    // cov_λ = diag(25.75, 75.25) and H = ½ · 100 / 75.25; λ = 1 leaves nothing of cov(E[f|y]).
    // (Without the factor 1 − λ, λ = 1 would give 100 / 50.5 > K − 1 = 1.)
    const g = f.map(([a = 0, b = 0]) => [a, 10 * b]);
    expect(hScore(g, y)).toBeCloseTo(1, 12);
    expect(hScore(g, y, { shrinkage: 0.5 })).toBeCloseTo(50 / 75.25, 12);
    expect(hScore(g, y, { shrinkage: 1 })).toBe(0);
    expect(() => hScore(f, y, { shrinkage: 2 })).toThrow(/shrinkage/);
  });

  describe('with fewer samples than features (issue 14)', () => {
    // 50 target rows (10 per class), 576 features, 5 classes: class means drawn N(0, s²) per
    // feature, plus N(0, 1) within a class. s measures how well the features separate the classes.
    const n = 50;
    const d = 576;
    const k = 5;
    const rng = new Rng(14);
    const y = randomLabels(rng, n, k);
    const featuresWith = (s: number) => {
      const means = Array.from({ length: k }, () =>
        Array.from({ length: d }, () => s * rng.normal()),
      );
      return y.map((c) => (means[c] ?? []).map((m) => m + rng.normal()));
    };
    const noise = featuresWith(0);
    const weak = featuresWith(0.2);
    const strong = featuresWith(0.5);

    it('pins the original H-score at K − 1, even for features of pure noise', () => {
      // cov(f) has rank n − 1 < d and its range holds every class mean: cov(f)⁺ whitens the rows.
      // (The first 120 features, n < d still: the SVD of a 576×576 cov(f) takes seconds.)
      expect(
        hScore(
          noise.map((row) => row.slice(0, 120)),
          y,
        ),
      ).toBeCloseTo(k - 1, 6);
    });

    it('frees the Ledoit–Wolf-shrunk H-score from K − 1, and it ranks the features', () => {
      const [h0, h1, h2] = [noise, weak, strong].map((f) =>
        hScoreDetails(f, y, { shrinkage: 'ledoit-wolf' }),
      );
      for (const h of [h0, h1, h2]) {
        expect(h?.shrinkage).toBeGreaterThan(0.5);
        expect(h?.shrinkage).toBeLessThan(1);
        expect(h?.score).toBeGreaterThan(0);
        expect(h?.score).toBeLessThan(k - 1 - 0.2);
      }
      expect(h2?.score).toBeGreaterThan((h1?.score ?? Infinity) + 1);
      expect(h1?.score).toBeGreaterThan(h0?.score ?? Infinity);
    });
  });
});
