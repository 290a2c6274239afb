import { describe, expect, it } from 'vitest';
import { meanBand } from '../../../src-renderer/lib/chartBands';
import { emaSmooth } from '../../../src-renderer/lib/chartSmoothing';

describe('emaSmooth (TensorBoard smoothing)', () => {
  it('leaves values as they are at weight 0', () => {
    expect(emaSmooth([0.1, null, 0.3], 0)).toEqual([0.1, null, 0.3]);
  });

  it('debiases the start: a constant stays constant, the first value is kept', () => {
    for (const v of emaSmooth([0.7, 0.7, 0.7, 0.7], 0.9)) expect(v).toBeCloseTo(0.7, 12);
    expect(emaSmooth([1, 0], 0.5)[0]).toBe(1);
    // last = 0.5·0.5 + 0.5·0 = 0.25, debiased by 1 − 0.5² = 0.75.
    expect(emaSmooth([1, 0], 0.5)[1]).toBeCloseTo(1 / 3, 12);
  });

  it('keeps a gap where a value was not finite, without resetting the average', () => {
    const out = emaSmooth([1, null, 0], 0.5);
    expect(out[1]).toBeNull();
    expect(out[2]).toBeCloseTo(1 / 3, 12);
    expect(emaSmooth([Number.NaN, 2], 0.5)).toEqual([null, 2]);
  });
});

describe('meanBand', () => {
  it('gives ± std, ± SE and the Student t 95 % interval', () => {
    // 1, 2, 3: mean 2, sample std 1, SE 1/√3, t(0.975, 2) = 4.302652729911275.
    expect(meanBand([1, 2, 3], 'std')).toEqual({ mean: 2, lower: 1, upper: 3 });
    const se = meanBand([1, 2, 3], 'se');
    expect(se?.upper).toBeCloseTo(2 + 1 / Math.sqrt(3), 12);
    const ci = meanBand([1, 2, 3], 'ci95');
    expect(ci?.lower).toBeCloseTo(2 - 4.302652729911275 / Math.sqrt(3), 9);
  });

  it('gives one value a mean without a band, and nothing a null', () => {
    expect(meanBand([0.4], 'ci95')).toEqual({ mean: 0.4, lower: null, upper: null });
    expect(meanBand([], 'std')).toBeNull();
  });
});
