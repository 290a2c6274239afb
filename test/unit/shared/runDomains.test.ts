import { describe, expect, it } from 'vitest';
import { runDomainsLabel } from '../../../src-shared/domain/runs';

/** Issue 14: a source run is never labelled "digits 0–4 → digits 0–4". */
describe('runDomainsLabel', () => {
  it('names a source run by its one domain and what it trains', () => {
    expect(
      runDomainsLabel({ kind: 'source', sourceName: 'digits 0–4', targetName: 'digits 0–4' }),
    ).toBe('digits 0–4 (source model)');
    expect(runDomainsLabel({ kind: 'source', sourceName: null, targetName: 'digits 0–4' })).toBe(
      'digits 0–4 (source model)',
    );
  });

  it('names a transfer run source → target, or its target alone without a source', () => {
    expect(runDomainsLabel({ kind: 'transfer', sourceName: 'a', targetName: 'b' })).toBe('a → b');
    expect(runDomainsLabel({ kind: 'transfer', sourceName: null, targetName: 'b' })).toBe('b');
  });
});
