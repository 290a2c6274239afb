import { describe, expect, it } from 'vitest';
import { comparePaired } from '../../../src-main/analysis/paired';
import { judge } from '../../../src-main/analysis/verdict';
import { SLEEP_DRUG1, SLEEP_DRUG2, seeded } from './fixtures';

// Drug 2 against drug 1 (R: p = 0.002833 paired t, 0.009091 Wilcoxon) both ways round, a
// comparison whose differences −1, 1, 0 shifted by 1/√3 give t = 1 with df = 2, so
// p = 1 − 1/√3 = 0.4226497 exactly, and one with a single seed (untested).
const better = comparePaired(seeded(SLEEP_DRUG2), seeded(SLEEP_DRUG1));
const worse = comparePaired(seeded(SLEEP_DRUG1), seeded(SLEEP_DRUG2));
const shift = 1 / Math.sqrt(3);
const noisy = comparePaired(seeded([-1, 1, 0].map((d) => 5 + d + shift)), seeded([5, 5, 5]));
const single = comparePaired(seeded([0.9]), seeded([0.1]));
const family = [better, worse, noisy, single];

describe('judge', () => {
  it('Holm-adjusts the t-tests across the family and calls win, loss, tie', () => {
    // Holm over the three tested p: 3·0.002833 = 0.008499 for both sleep comparisons,
    // max(0.4226, 0.008499) = 0.4226 for the third; the single-seed one is not in the family.
    const j = judge(family);
    expect(j.map((x) => x.verdict)).toEqual(['win', 'loss', 'tie', 'untested']);
    expect(j[0]?.pAdjusted).toBeCloseTo(3 * 0.0028329, 6);
    expect(j[1]?.pAdjusted).toBeCloseTo(3 * 0.0028329, 6);
    expect(j[2]?.pAdjusted).toBeCloseTo(1 - 1 / Math.sqrt(3), 10);
    expect(j[3]?.pAdjusted).toBeUndefined();
    expect(j.map((x) => x.negativeTransfer)).toEqual([false, true, false, false]);
  });

  it('flips win and loss when lower is better', () => {
    const j = judge(family, { higherIsBetter: false });
    expect(j.map((x) => x.verdict)).toEqual(['loss', 'win', 'tie', 'untested']);
    expect(j.map((x) => x.negativeTransfer)).toEqual([true, false, false, false]);
  });

  it('calls ties where the adjusted p exceeds alpha', () => {
    // 0.008499 > 0.005.
    const j = judge(family, { alpha: 0.005 });
    expect(j.map((x) => x.verdict)).toEqual(['tie', 'tie', 'tie', 'untested']);
    expect(j.some((x) => x.negativeTransfer)).toBe(false);
  });

  it('can judge by the Wilcoxon test', () => {
    // Wilcoxon p: 0.009091 for both sleep comparisons; the third (differences ≈ −0.42, 1.58,
    // 0.58: V = 5 of n = 3, exact) has p = 2·P(V ≥ 5) = 2·2/8 = 0.5. Holm: 3·0.009091.
    const j = judge(family, { test: 'wilcoxon' });
    expect(j.map((x) => x.verdict)).toEqual(['win', 'loss', 'tie', 'untested']);
    expect(j[0]?.pAdjusted).toBeCloseTo(3 * 0.0090907, 6);
    expect(j[2]?.pAdjusted).toBeCloseTo(0.5, 12);
  });
});
