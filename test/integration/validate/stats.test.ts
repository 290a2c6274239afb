import { describe, expect, it } from 'vitest';
import { incompleteBeta, mean, pairedTTest, sampleStd, tTwoSidedP } from '../../../scripts/stats';

describe('validate statistics', () => {
  it('matches tabulated two-sided critical values of Student t', () => {
    // t_{0.975, df} and t_{0.995, df} from standard tables (e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2).
    const table: [number, number, number][] = [
      [12.706, 1, 0.05],
      [4.303, 2, 0.05],
      [2.776, 4, 0.05],
      [2.571, 5, 0.05],
      [2.228, 10, 0.05],
      [2.042, 30, 0.05],
      [63.657, 1, 0.01],
      [4.604, 4, 0.01],
      [3.169, 10, 0.01],
      [2.132, 4, 0.1],
    ];
    for (const [t, df, p] of table) expect(tTwoSidedP(t, df)).toBeCloseTo(p, 3);
  });

  it('is exact where a closed form exists', () => {
    // df = 1 is the Cauchy distribution: P(|T| ≥ 1) = 1/2.
    expect(tTwoSidedP(1, 1)).toBeCloseTo(0.5, 12);
    // df = 2: P(|T| ≥ t) = 1 − t/√(2 + t²).
    for (const t of [0.5, 1, 3])
      expect(tTwoSidedP(t, 2)).toBeCloseTo(1 - t / Math.sqrt(2 + t * t), 12);
    expect(tTwoSidedP(0, 4)).toBeCloseTo(1, 12);
    // Large df tends to the normal: 1.959964 → 0.05.
    expect(tTwoSidedP(1.959964, 1e7)).toBeCloseTo(0.05, 5);
    // Symmetry of the incomplete beta: I_{1/2}(a, a) = 1/2.
    expect(incompleteBeta(0.5, 3.5, 3.5)).toBeCloseTo(0.5, 12);
  });

  it('runs the paired t-test on the differences', () => {
    const a = [0.8, 0.82, 0.79, 0.85, 0.81];
    const b = [0.75, 0.8, 0.74, 0.8, 0.79];
    const diffs = a.map((x, i) => x - (b[i] ?? 0));
    const result = pairedTTest(a, b);
    expect(result.df).toBe(4);
    expect(result.t).toBeCloseTo(mean(diffs) / (sampleStd(diffs) / Math.sqrt(5)), 10);
    expect(result.p).toBeCloseTo(tTwoSidedP(result.t, 4), 12);
    expect(pairedTTest([1, 2], [1, 2]).p).toBeNull();
  });
});
