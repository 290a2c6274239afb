import { describe, expect, it } from 'vitest';
import { builtinDatasets } from '../../../src-main/core/builtinDatasets';
import { loadDataset } from '../../../src-main/engine/data/load';

describe('built-in datasets', () => {
  it('registers digits with the shape, samples and classes the real file has', async () => {
    for (const d of builtinDatasets()) {
      const loaded = await loadDataset(d.locator);
      expect(loaded.n).toBe(d.samples);
      expect(loaded.featureShape).toEqual(d.featureShape);
      expect(loaded.classes).toEqual(d.classes);
    }
    const digits = builtinDatasets().find((d) => d.name === 'digits');
    // sha256 of resources/datasets/digits.csv.gz as shipped by Debian's python3-sklearn.
    expect(digits?.contentHash).toBe(
      '46abec6b12486ad9e51943373abcf22bbea1b5a51a1619b361570d8893f1464a',
    );
  });
});
