import { describe, expect, it } from 'vitest';
import { mean, pairedTTest, sampleStd } from '../../../scripts/stats';

/** Pairs whose differences have mean `t·s/√n` and standard deviation s: the test gives t. */
function pairsWithT(t: number, n: number): { a: number[]; b: number[] } {
  // Differences ±1 alternating (plus a centred 0 when n is odd) have sample std s, mean 0.
  const base = Array.from({ length: n }, (_, i) =>
    n % 2 === 1 && i === n - 1 ? 0 : i % 2 ? 1 : -1,
  );
  const s = sampleStd(base);
  const shift = (t * s) / Math.sqrt(n);
  return { a: base.map((d) => d + shift + 10), b: base.map(() => 10) };
}

describe('validate statistics', () => {
  it('gives the tabulated two-sided p of Student t at the critical values', () => {
    // t_{0.975, df}, t_{0.995, df} and t_{0.95, df} from NIST/SEMATECH e-Handbook 1.3.6.7.2.
    const table: [number, number, number][] = [
      [12.706, 1, 0.05],
      [4.303, 2, 0.05],
      [2.776, 4, 0.05],
      [2.571, 5, 0.05],
      [2.228, 10, 0.05],
      [63.657, 1, 0.01],
      [4.604, 4, 0.01],
      [3.169, 10, 0.01],
      [2.132, 4, 0.1],
    ];
    for (const [t, df, p] of table) {
      const { a, b } = pairsWithT(t, df + 1);
      const result = pairedTTest(a, b);
      expect(result.df).toBe(df);
      expect(result.t).toBeCloseTo(t, 6);
      expect(result.p).toBeCloseTo(p, 3);
    }
  });

  it('is exact where a closed form exists', () => {
    // df = 1 is the Cauchy distribution: P(|T| ≥ 1) = 1/2.
    const cauchy = pairsWithT(1, 2);
    expect(pairedTTest(cauchy.a, cauchy.b).p).toBeCloseTo(0.5, 10);
    // df = 2: P(|T| ≥ t) = 1 − t/√(2 + t²).
    for (const t of [0.5, 1, 3]) {
      const { a, b } = pairsWithT(t, 3);
      expect(pairedTTest(a, b).p).toBeCloseTo(1 - t / Math.sqrt(2 + t * t), 10);
    }
  });

  it('tests the differences, and is undefined without spread or with a missing run', () => {
    const a = [0.8, 0.82, 0.79, 0.85, 0.81];
    const b = [0.75, 0.8, 0.74, 0.8, 0.79];
    const diffs = a.map((x, i) => x - (b[i] ?? 0));
    const result = pairedTTest(a, b);
    expect(result.df).toBe(4);
    expect(result.meanDiff).toBeCloseTo(mean(diffs), 12);
    expect(result.t).toBeCloseTo(mean(diffs) / (sampleStd(diffs) / Math.sqrt(5)), 10);
    expect(pairedTTest([1, 2], [1, 2]).p).toBeNull();
    expect(pairedTTest([0.8, NaN, 0.7], [0.7, 0.6, 0.6]).p).toBeNull();
  });
});
