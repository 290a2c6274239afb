import { describe, expect, it } from 'vitest';
import { holm } from '../../../src-main/analysis/holm';

describe('holm', () => {
  it("matches R's p.adjust(p, 'holm')", () => {
    // p.adjust(c(0.01, 0.02, 0.03, 0.04, 0.05), "holm") = 0.05 0.08 0.09 0.09 0.09
    // (5·0.01, 4·0.02, 3·0.03, then the running maximum 0.09 over 2·0.04 and 1·0.05).
    const adjusted = holm([0.01, 0.02, 0.03, 0.04, 0.05]);
    [0.05, 0.08, 0.09, 0.09, 0.09].forEach((p, i) => {
      expect(adjusted[i]).toBeCloseTo(p, 12);
    });
  });

  it('returns adjusted values in input order', () => {
    // p.adjust(c(0.008, 0.03, 0.123, 0.6, 0.2), "holm") = 0.040 0.120 0.369 0.600 0.400.
    const adjusted = holm([0.008, 0.03, 0.123, 0.6, 0.2]);
    [0.04, 0.12, 0.369, 0.6, 0.4].forEach((p, i) => {
      expect(adjusted[i]).toBeCloseTo(p, 12);
    });
  });

  it('caps at 1, leaves a single test alone, and allows an empty family', () => {
    expect(holm([0.5, 0.6])).toEqual([1, 1]);
    expect(holm([0.03])).toEqual([0.03]);
    expect(holm([])).toEqual([]);
  });

  it('refuses what is not a p-value', () => {
    expect(() => holm([0.01, NaN])).toThrow(/p-value 1 is not in \[0, 1\]/);
    expect(() => holm([1.2])).toThrow(/p-value 0/);
  });
});
