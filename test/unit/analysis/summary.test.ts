import { describe, expect, it } from 'vitest';
import { CI_LEVEL, summarize } from '../../../src-main/analysis/summary';

describe('summarize', () => {
  it('gives the mean, sd, se and 95% t interval of R for 1:10', () => {
    // R 4.x: mean(1:10) = 5.5; sd(1:10) = 3.02765; qt(0.975, 9) = 2.262157;
    // t.test(1:10)$conf.int = 3.334149 7.665851.
    const s = summarize(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(CI_LEVEL).toBe(0.95);
    expect(s.n).toBe(10);
    expect(s.excluded).toBe(0);
    expect(s.mean).toBe(5.5);
    expect(s.spread?.std).toBeCloseTo(3.02765, 5);
    expect(s.spread?.se).toBeCloseTo(3.02765 / Math.sqrt(10), 5);
    expect(s.spread?.ci.lower).toBeCloseTo(3.334149, 6);
    expect(s.spread?.ci.upper).toBeCloseTo(7.665851, 6);
    const half = (s.spread?.ci.upper ?? NaN) - s.mean;
    expect(half / (s.spread?.se ?? NaN)).toBeCloseTo(2.262157, 6);
  });

  it('has no spread for one value', () => {
    expect(summarize([0.83])).toEqual({ n: 1, mean: 0.83, spread: undefined, excluded: 0 });
  });

  it('excludes non-finite values and counts them', () => {
    // t.test(c(1, 3))$conf.int = -10.70620 14.70620 (qt(0.975, 1) = 12.7062, se = 1).
    const s = summarize([1, NaN, 3, Infinity]);
    expect(s.n).toBe(2);
    expect(s.excluded).toBe(2);
    expect(s.mean).toBe(2);
    expect(s.spread?.std).toBeCloseTo(Math.SQRT2, 12);
    expect(s.spread?.se).toBeCloseTo(1, 12);
    expect(s.spread?.ci.lower).toBeCloseTo(-10.7062, 4);
    expect(s.spread?.ci.upper).toBeCloseTo(14.7062, 4);
  });

  it('refuses to summarise nothing', () => {
    expect(() => summarize([])).toThrow(/no finite value among 0/);
    expect(() => summarize([NaN, NaN])).toThrow(/2 excluded/);
  });

  it('stays exact for values close together (two-pass variance)', () => {
    // Wikipedia, "Algorithms for calculating variance": 10⁹ + (4, 7, 13, 16) has sample
    // variance 30, which the naive Σx² − n·x̄² formula loses to cancellation.
    const s = summarize([4, 7, 13, 16].map((x) => 1e9 + x));
    expect(s.mean).toBe(1e9 + 10);
    expect(s.spread?.std).toBeCloseTo(Math.sqrt(30), 9);
  });
});
