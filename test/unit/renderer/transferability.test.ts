import { describe, expect, it } from 'vitest';
import {
  designerPairs,
  logMeRanks,
  scoringKey,
  SCORE_HELP,
  SCORE_KEYS,
} from '../../../src-renderer/lib/transferability';
import { scoringBudget } from '../../../src-shared/rpc/transferability';

describe('transferability in the designer', () => {
  it('lists every source × target pair, keyed by index and names', () => {
    const pairs = designerPairs([{ name: 'a' }, { name: 'b' }], [{ name: 'x' }]);
    expect(pairs.map((p) => [p.source, p.target, p.label])).toEqual([
      [0, 0, 'a → x'],
      [1, 0, 'b → x'],
    ]);
    expect(designerPairs([{ name: 'c' }], [{ name: 'x' }])[0]?.key).not.toBe(pairs[0]?.key);
  });

  it('scores on the largest budget', () => {
    expect(scoringBudget([5, 'all', 20])).toBe('all');
    expect(scoringBudget([5, 20])).toBe(20);
    expect(scoringBudget([0])).toBe(0);
  });

  it('marks a score outdated when anything but the name or description changes', () => {
    const spec = { name: 'a', budgets: [10] };
    expect(scoringKey({ ...spec, name: 'b', description: 'd' })).toBe(scoringKey(spec));
    expect(scoringKey({ ...spec, budgets: [20] })).not.toBe(scoringKey(spec));
    expect(scoringKey(null)).toBeNull();
  });

  it('explains each score, saying higher is better', () => {
    expect(SCORE_KEYS.every((k) => SCORE_HELP[k].length > 20)).toBe(true);
  });

  it('ranks the scored sources of each target by LogME, when a target has rivals', () => {
    const ranks = logMeRanks([
      { key: 'a→x', target: 0, logMe: 0.2 },
      { key: 'b→x', target: 0, logMe: 0.9 },
      { key: 'c→x', target: 0, logMe: 0.2 },
      { key: 'd→x', target: 0, logMe: null },
      { key: 'a→y', target: 1, logMe: 1.5 },
    ]);
    expect(Object.fromEntries(ranks)).toEqual({
      'b→x': { rank: 1, of: 3 },
      'a→x': { rank: 2, of: 3 },
      'c→x': { rank: 2, of: 3 },
    });
  });
});
