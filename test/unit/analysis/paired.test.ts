import { describe, expect, it } from 'vitest';
import { comparePaired, pairedTTest, wilcoxonTest } from '../../../src-main/analysis/paired';
import { DEPRESSION_X, DEPRESSION_Y, SLEEP_DRUG1, SLEEP_DRUG2, seeded } from './fixtures';

describe('pairedTTest', () => {
  it("matches R's paired t-test on the sleep data", () => {
    // R: t.test(extra ~ group, data = sleep, paired = TRUE) (R < 4.4; later
    // t.test(Pair(extra.1, extra.2) ~ 1, data = reshape(...))): t = -4.0621, df = 9,
    // p-value = 0.002833, mean difference -1.58.
    const r = pairedTTest(SLEEP_DRUG1, SLEEP_DRUG2);
    if (!r.ok) throw new Error(r.reason);
    expect(r.t).toBeCloseTo(-4.0621, 4);
    expect(r.df).toBe(9);
    expect(r.p).toBeCloseTo(0.002833, 6);
    expect(r.direction).toBe(-1);
  });

  it('is untested without two pairs or with constant differences', () => {
    expect(pairedTTest([0.8], [0.7])).toEqual({ ok: false, reason: 'too-few-pairs' });
    expect(pairedTTest([0.8, 0.9, 1], [0.7, 0.8, 0.9])).toEqual({
      ok: false,
      reason: 'constant-differences',
    });
    expect(pairedTTest([1, 2], [1, 2])).toEqual({ ok: false, reason: 'constant-differences' });
  });
});

describe('wilcoxonTest', () => {
  it("matches R's normal approximation on the sleep data (a zero and ties)", () => {
    // R: wilcox.test(extra ~ group, data = sleep, paired = TRUE): V = 0, p-value = 0.009091,
    // "cannot compute exact p-value with ties / with zeroes". By hand: patient 5's zero is
    // dropped, n = 9, the tie |−1.3| = |−1.3| gives Var = (9·10·19 − (2³ − 2)/2)/24 = 71.125,
    // z = (0 − 22.5 + 0.5)/√71.125, p = 2Φ(z) = 0.009091.
    const r = wilcoxonTest(SLEEP_DRUG1, SLEEP_DRUG2);
    if (!r.ok) throw new Error(r.reason);
    expect(r.v).toBe(0);
    expect(r.p).toBeCloseTo(0.009091, 6);
    expect(r.method).toBe('normal');
    expect(r.zeros).toBe(1);
    expect(r.ties).toBe(true);
    expect(r.direction).toBe(-1);
  });

  it("matches R's exact test on Hollander & Wolfe's depression data", () => {
    // R ?wilcox.test: wilcox.test(x, y, paired = TRUE, alternative = "greater"): V = 40,
    // p-value = 0.01953; two-sided it is 2·P(V ≥ 40) = 2·P(V ≤ 5) = 2·10/2⁹ = 0.0390625
    // (subsets of 1..9 summing to at most 5: {}, 1, 2, 3, 12, 4, 13, 5, 14, 23).
    const r = wilcoxonTest(DEPRESSION_X, DEPRESSION_Y);
    if (!r.ok) throw new Error(r.reason);
    expect(r.v).toBe(40);
    expect(r.p).toBeCloseTo(20 / 512, 12);
    expect(r.method).toBe('exact');
    expect(r.zeros).toBe(0);
    expect(r.ties).toBe(false);
    expect(r.direction).toBe(1);
  });

  it('caps the exact two-sided p at 1 at the centre of the distribution', () => {
    // Differences 1, −2, −3, 4: V = 1 + 4 = 5 = n(n+1)/4. R's wilcox.test(c(1, -2, -3, 4))
    // gives p-value = 1: min(2·P(V ≤ 5), 1) = min(2·9/16, 1). The library alone gives 1.125.
    const r = wilcoxonTest([1, -2, -3, 4], [0, 0, 0, 0]);
    if (!r.ok) throw new Error(r.reason);
    expect(r.v).toBe(5);
    expect(r.p).toBe(1);
    expect(r.direction).toBe(0);
  });

  it('tests constant non-zero differences (all tied), and refuses all-zero ones', () => {
    // Five differences of 1 are five ties, so the normal approximation: V = 15, E = 7.5,
    // Var = (5·6·11 − (5³ − 5)/2)/24 = 11.25, z = (15 − 7.5 − 0.5)/√11.25 = 2.0870,
    // p = 2(1 − Φ(z)) = 0.03689 — R's wilcox.test(rep(1, 5)): V = 15, p-value = 0.03689.
    const r = wilcoxonTest([2, 3, 4, 5, 6], [1, 2, 3, 4, 5]);
    if (!r.ok) throw new Error(r.reason);
    expect(r.v).toBe(15);
    expect(r.method).toBe('normal');
    expect(r.p).toBeCloseTo(0.03689, 5);
    expect(wilcoxonTest([1, 2], [1, 2])).toEqual({ ok: false, reason: 'all-differences-zero' });
    expect(wilcoxonTest([1], [0])).toEqual({ ok: false, reason: 'too-few-pairs' });
  });
});

describe('comparePaired', () => {
  it('pairs by seed whatever the order, and reports the seeds it could not use', () => {
    // Sleep data as seeds 1..10; the strategy also ran seed 11, the baseline seed 12, and
    // the strategy's seed 3 failed (NaN): the tests run on the other nine patients.
    const strategy = [...seeded(SLEEP_DRUG1), { seed: 11, value: 0.5 }].reverse();
    strategy[strategy.findIndex((r) => r.seed === 3)] = { seed: 3, value: NaN };
    const baseline = [...seeded(SLEEP_DRUG2), { seed: 12, value: 0.1 }];
    const c = comparePaired(strategy, baseline);
    expect(c.n).toBe(9);
    expect(c.pairing.seeds).toEqual([1, 2, 4, 5, 6, 7, 8, 9, 10]);
    expect(c.pairing.strategyOnly).toEqual([11]);
    expect(c.pairing.baselineOnly).toEqual([12]);
    expect(c.pairing.incomplete).toEqual([3]);
    // Differences without patient 3 (−1.3): sum −15.8 + 1.3 = −14.5 over nine.
    expect(c.meanDiff).toBeCloseTo(-14.5 / 9, 12);
    const withoutThird = (xs: number[]): number[] => xs.filter((_, i) => i !== 2);
    expect(c.tTest).toEqual(pairedTTest(withoutThird(SLEEP_DRUG1), withoutThird(SLEEP_DRUG2)));
  });

  it('gives both tests of the full sleep data', () => {
    const c = comparePaired(seeded(SLEEP_DRUG1), seeded(SLEEP_DRUG2));
    expect(c.n).toBe(10);
    expect(c.meanDiff).toBeCloseTo(-1.58, 12);
    expect(c.tTest.ok && c.tTest.p).toBeCloseTo(0.002833, 6);
    expect(c.wilcoxon.ok && c.wilcoxon.p).toBeCloseTo(0.009091, 6);
  });

  it('refuses a seed twice on one side, and has no Δ without a pair', () => {
    expect(() =>
      comparePaired(
        [
          { seed: 1, value: 0.8 },
          { seed: 1, value: 0.9 },
        ],
        [{ seed: 1, value: 0.7 }],
      ),
    ).toThrow(/the strategy has seed 1 twice/);
    const c = comparePaired([{ seed: 1, value: 0.8 }], [{ seed: 2, value: 0.7 }]);
    expect(c.n).toBe(0);
    expect(c.meanDiff).toBeUndefined();
    expect(c.tTest).toEqual({ ok: false, reason: 'too-few-pairs' });
    expect(c.wilcoxon).toEqual({ ok: false, reason: 'too-few-pairs' });
  });
});
