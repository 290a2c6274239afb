import { LuDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../src-main/engine/random';
import { logMe, logMeDetails } from '../../../../src-main/engine/transferability/logme';
import { features, labels, referenceLogMe } from './fixtures';
import { classFeatures, noiseFeatures, randomLabels } from './helpers';

/** Settings that run the fixed point to its end and drop the reference's ε guard: exact eq. 2. */
const exact = { epsilon: 0, tolerance: 1e-13, maxIterations: 1000 };

/**
 * log p(y | F, α, β) computed directly, the way LogME's evidence is defined rather than the way
 * Algorithm 1 computes it: y ~ N(0, C) with C = β⁻¹ I + α⁻¹ F Fᵀ (n×n), integrating w out of
 * y = F w + noise. log N(y; 0, C) = −½ (n log 2π + log |C| + yᵀ C⁻¹ y), by an LU decomposition
 * of C: no eigendecomposition, no fixed point.
 */
function gaussianLogEvidence(f: number[][], y: number[], alpha: number, beta: number): number {
  const F = new Matrix(f);
  const n = F.rows;
  const C = F.mmul(F.transpose()).div(alpha).add(Matrix.eye(n).div(beta));
  const lu = new LuDecomposition(C);
  const Y = Matrix.columnVector(y);
  const quad = Y.transpose().mmul(lu.solve(Y)).get(0, 0);
  return -0.5 * (n * Math.log(2 * Math.PI) + Math.log(lu.determinant) + quad);
}

const oneHot = (ys: readonly number[], k: number) => ys.map((y) => (y === k ? 1 : 0));

describe('LogME (You et al. 2021)', () => {
  it("reproduces the authors' reference implementation on a tiny case", () => {
    const result = logMeDetails(features, labels);
    expect(result.score).toBeCloseTo(referenceLogMe.score, 12);
    expect(result.perClass).toHaveLength(3);
    result.perClass.forEach((c, k) => {
      const ref = referenceLogMe.perClass[k];
      expect(c.targetClass).toBe(k);
      expect(c.evidence).toBeCloseTo(ref?.evidence ?? Number.NaN, 12);
      expect(c.alpha).toBeCloseTo(ref?.alpha ?? Number.NaN, 9);
      expect(c.beta).toBeCloseTo(ref?.beta ?? Number.NaN, 9);
      expect(c.iterations).toBe(ref?.steps);
    });
  });

  it('without the ε guard, each class evidence is the Gaussian marginal likelihood at its maximum', () => {
    const result = logMeDetails(features, labels, exact);
    const n = features.length;
    for (const c of result.perClass) {
      const y = oneHot(labels, c.targetClass);
      const direct = (a: number, b: number) => gaussianLogEvidence(features, y, a, b) / n;
      // Eq. 2 evaluated by Algorithm 1 equals the evidence computed from its definition ...
      expect(c.evidence).toBeCloseTo(direct(c.alpha, c.beta), 12);
      // ... and no (α, β) on a grid around the fixed point, ±e² in each, does better.
      for (let i = -20; i <= 20; i++) {
        for (let j = -20; j <= 20; j++) {
          const value = direct(c.alpha * Math.exp(i / 10), c.beta * Math.exp(j / 10));
          expect(value).toBeLessThanOrEqual(c.evidence + 1e-12);
        }
      }
    }
    // The reference's stopping rule and ε move the score by little on this data.
    expect(result.score).toBeCloseTo(referenceLogMe.score, 2);
  });

  it('matches the closed form of the evidence for a single feature', () => {
    // D = 1, f ∈ Rⁿ: with s = ‖f‖², r = β/α, Sherman–Morrison and the determinant lemma give
    //   |C| = β⁻ⁿ (1 + r s),   yᵀC⁻¹y = β (‖y‖² − r (fᵀy)² / (1 + r s)),
    //   log p(y) = −½ (n log 2π − n log β + log(1 + r s) + yᵀC⁻¹y).
    const f = [0.5, 1.2, -0.3, 0.9, 2.0, -1.1, 0.4, 1.5];
    const y = [0, 1, 0, 1, 1, 0, 0, 1];
    const n = f.length;
    const s = f.reduce((a, v) => a + v * v, 0);
    const fy = f.reduce((a, v, i) => a + v * (y[i] ?? 0), 0);
    const yy = y.reduce((a, v) => a + v * v, 0);
    const closedForm = (alpha: number, beta: number) => {
      const r = beta / alpha;
      const quad = beta * (yy - (r * fy * fy) / (1 + r * s));
      return (
        (-0.5 * (n * Math.log(2 * Math.PI) - n * Math.log(beta) + Math.log(1 + r * s) + quad)) / n
      );
    };
    const result = logMeDetails(
      f.map((v) => [v]),
      y,
      exact,
    );
    const c1 = result.perClass[1];
    if (c1 === undefined) throw new Error('no evidence for class 1');
    expect(c1.evidence).toBeCloseTo(closedForm(c1.alpha, c1.beta), 13);
    // The fixed point is the maximum: stationary in log α and log β.
    const h = 1e-5;
    const dA =
      (closedForm(c1.alpha * Math.exp(h), c1.beta) - closedForm(c1.alpha * Math.exp(-h), c1.beta)) /
      (2 * h);
    const dB =
      (closedForm(c1.alpha, c1.beta * Math.exp(h)) - closedForm(c1.alpha, c1.beta * Math.exp(-h))) /
      (2 * h);
    expect(Math.abs(dA)).toBeLessThan(1e-8);
    expect(Math.abs(dB)).toBeLessThan(1e-8);
  });

  it('is higher for informative features than for random ones', () => {
    const rng = new Rng(21);
    const n = 200;
    const y = randomLabels(rng, n, 3);
    const informative = logMe(classFeatures(rng, y, 8, 2), y);
    const random = logMe(noiseFeatures(rng, n, 8), y);
    expect(informative).toBeGreaterThan(random + 0.1);
  });

  it('stops within the reference iteration budget and skips classes with no sample', () => {
    const rng = new Rng(4);
    const y = randomLabels(rng, 60, 3).map((c) => (c === 1 ? 2 : c));
    const result = logMeDetails(classFeatures(rng, y, 5, 1), y, { numTargetClasses: 3 });
    expect(result.perClass.map((c) => c.targetClass)).toEqual([0, 2]);
    for (const c of result.perClass) {
      expect(c.iterations).toBeLessThanOrEqual(11);
      expect(Number.isFinite(c.evidence)).toBe(true);
    }
    expect(result.score).toBeCloseTo(
      ((result.perClass[0]?.evidence ?? 0) + (result.perClass[1]?.evidence ?? 0)) / 2,
      15,
    );
  });

  it('handles rank-deficient features and refuses all-zero ones', () => {
    // A dead unit adds a null direction of FᵀF, whose D/2 log α and −½ log(α + β·0) cancel.
    const dead = features.map((row) => [...row, 0]);
    expect(logMe(dead, labels, exact)).toBeCloseTo(logMe(features, labels, exact), 10);
    const collinear = features.map((row) => [...row, 0, (row[0] ?? 0) + (row[1] ?? 0)]);
    expect(Number.isFinite(logMe(collinear, labels))).toBe(true);
    expect(() => logMe([[0], [0]], [0, 1])).toThrow(/all zero/);
    expect(() => logMe(features, labels, { maxIterations: 0 })).toThrow(/maxIterations/);
  });
});
