import { describe, expect, it } from 'vitest';
import { hScoreCaveat } from '../../../src-shared/domain/runs';

/** Issue 14: an H-score that cannot be read at face value says why. */
describe('hScoreCaveat', () => {
  const base = { leep: -1, nce: -1, hScore: 1.3, logMe: 0.1 };

  it('warns when there are no more rows than features, naming the shrinkage', () => {
    const caveat = hScoreCaveat({ ...base, features: 576, hScoreShrinkage: 0.96 }, 50);
    expect(caveat).toMatch(/^n ≤ d \(50 rows, 576 features\): shrunk by λ = 0\.96/);
    expect(hScoreCaveat({ ...base, features: 50, hScoreShrinkage: 0.5 }, 50)).not.toBeNull();
  });

  it('is silent with more rows than features, and says λ = 1 is uninformative', () => {
    expect(hScoreCaveat({ ...base, features: 6, hScoreShrinkage: 0.49 }, 120)).toBeNull();
    expect(hScoreCaveat({ ...base, features: 6, hScoreShrinkage: 1 }, 120)).toMatch(
      /Uninformative/,
    );
  });

  it('flags an old unshrunk H-score pinned at K − 1', () => {
    expect(hScoreCaveat({ ...base, hScore: 4 }, 50, 5)).toMatch(/At its maximum K − 1 = 4/);
    expect(hScoreCaveat({ ...base, hScore: 2.1 }, 50, 5)).toBeNull();
  });
});
