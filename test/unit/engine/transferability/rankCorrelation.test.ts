import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../src-main/engine/random';
import {
  kendallTau,
  kendallTauB,
} from '../../../../src-main/engine/transferability/rankCorrelation';

describe("Kendall's τ-b", () => {
  it('is 1 for identical orderings and −1 for reversed ones', () => {
    const x = [0.3, 1.2, -0.5, 4, 2.2];
    expect(kendallTauB(x, x)).toBe(1);
    expect(
      kendallTauB(
        x,
        x.map((v) => 10 * v + 3),
      ),
    ).toBe(1);
    expect(kendallTauB([1, 2, 3, 4, 5], [5, 4, 3, 2, 1])).toBe(-1);
  });

  it("gives scipy.stats.kendalltau's documented example with ties", () => {
    // scipy's kendalltau docstring: x1 = [12, 2, 1, 12, 2], x2 = [1, 4, 7, 1, 0] give
    // τ-b = −0.47140452079103173. By hand, over the 10 pairs (i, j):
    //   concordant (0,4) (3,4); discordant (0,1) (0,2) (1,2) (1,3) (2,3) (2,4);
    //   (1,4) tied in x only; (0,3) tied in both.
    //   n_0 = 10, n_1 = 2 (x ties {12,12}, {2,2}), n_2 = 1 (y tie {1,1}):
    //   τ-b = (2 − 6) / √((10 − 2)(10 − 1)) = −4 / √72.
    const result = kendallTau([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]);
    expect(result).toMatchObject({ concordant: 2, discordant: 6, tiedX: 1, tiedY: 0, tiedBoth: 1 });
    expect(result.tau).toBeCloseTo(-4 / Math.sqrt(72), 15);
    expect(result.tau).toBeCloseTo(-0.47140452079103173, 15);
  });

  it('handles ties in both variables as τ-b, not τ-a', () => {
    // x = [1, 2, 2, 3], y = [1, 2, 3, 3]: pairs (0,1) (0,2) (0,3) (1,3) concordant, (1,2) tied
    // in x, (2,3) tied in y. τ-b = 4 / √((6 − 1)(6 − 1)) = 0.8 (τ-a would be 4/6).
    expect(kendallTauB([1, 2, 2, 3], [1, 2, 3, 3])).toBeCloseTo(0.8, 15);
    // scipy.stats.kendalltau([1,1,2,2,3,3,4], [1,2,1,3,3,4,4]).statistic = 0.7222222222222224
    // = 13/18 (n_c = 13, n_d = 0, n_0 = 21, n_1 = n_2 = 3).
    expect(kendallTauB([1, 1, 2, 2, 3, 3, 4], [1, 2, 1, 3, 3, 4, 4])).toBeCloseTo(13 / 18, 15);
  });

  it('is symmetric, invariant to monotone maps and negated by reversing one side', () => {
    const rng = new Rng(9);
    const x = Array.from({ length: 25 }, () => rng.int(6));
    const y = Array.from({ length: 25 }, () => rng.normal());
    const tau = kendallTauB(x, y);
    expect(kendallTauB(y, x)).toBeCloseTo(tau, 15);
    expect(
      kendallTauB(
        x.map((v) => Math.exp(v)),
        y.map((v) => v ** 3),
      ),
    ).toBeCloseTo(tau, 15);
    expect(
      kendallTauB(
        x,
        y.map((v) => -v),
      ),
    ).toBeCloseTo(-tau, 15);
    expect(Math.abs(tau)).toBeLessThanOrEqual(1);
  });

  it('is NaN when one side is constant, and refuses bad input', () => {
    expect(kendallTauB([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(kendallTauB([1], [2])).toBeNaN();
    expect(() => kendallTauB([1, 2], [1])).toThrow(/2 x values but 1/);
    expect(() => kendallTauB([1, Number.NaN], [1, 2])).toThrow(/not finite/);
  });
});
