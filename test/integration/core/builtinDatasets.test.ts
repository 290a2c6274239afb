import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinDatasets } from '../../../src-main/core/builtinDatasets';
import { cachedHasher } from '../../../src-main/core/fileHashCache';
import { loadDataset } from '../../../src-main/engine/data/load';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

describe('built-in datasets', () => {
  it('registers digits (and Fashion-MNIST when installed) with the shape, samples and classes the real files have', async () => {
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

  // Debian's dataset-fashion-mnist, which .ci/run installs: never skipped.
  it('registers Fashion-MNIST as train then t10k rows, pixels scaled by 255', async () => {
    const fashion = builtinDatasets().find((d) => d.name === 'fashion-mnist');
    expect(fashion?.locator.kind).toBe('idx');
    if (fashion?.locator.kind !== 'idx') return;
    expect(fashion.provenance.licence).toBe('MIT');
    const data = await loadDataset(fashion.locator);
    expect(data.testFrom).toBe(60_000);
    expect(data.scale).toBe(255);
    expect(Math.max(...data.x.subarray(0, 784 * 10))).toBeLessThanOrEqual(1);
    // Every class has 6,000 training and 1,000 test images.
    const counts = new Array<number>(10).fill(0);
    for (let i = 60_000; i < 70_000; i++) {
      const label = data.y[i] ?? 0;
      counts[label] = (counts[label] ?? 0) + 1;
    }
    expect(counts).toEqual(new Array<number>(10).fill(1000));
    expect(builtinDatasets('/nonexistent').map((d) => d.name)).toEqual(['digits']);
  });

  it('hashes the files again only when their stamp changed, and gives the same hashes', () => {
    const cacheFile = join(tempDir(), 'cache', 'file-hashes.json');
    const hashed: string[][] = [];
    const remembering = cachedHasher(cacheFile);
    const counting = (paths: readonly string[], compute: () => string): string =>
      remembering(paths, () => {
        hashed.push([...paths]);
        return compute();
      });
    const first = builtinDatasets(undefined, counting);
    const firstHashes = hashed.length;
    expect(firstHashes).toBe(first.length);
    const again = builtinDatasets(undefined, counting);
    expect(hashed.length).toBe(firstHashes);
    expect(again.map((d) => d.contentHash)).toEqual(first.map((d) => d.contentHash));
    expect(first.map((d) => d.contentHash)).toEqual(builtinDatasets().map((d) => d.contentHash));

    // A file of the same size touched since: its stamp differs, so it is read and hashed again.
    const file = join(tempDir(), 'file.bin');
    writeFileSync(file, 'abc');
    const hashOf = (): string => counting([file], () => String(hashed.length).padStart(64, '0'));
    const before = hashOf();
    expect(hashOf()).toBe(before);
    utimesSync(file, new Date(), new Date(Date.now() + 60_000));
    expect(hashOf()).not.toBe(before);

    // A cache file that is not one is ignored, and replaced by one that is.
    writeFileSync(cacheFile, '{"not": "a hash"');
    expect(builtinDatasets(undefined, counting).map((d) => d.contentHash)).toEqual(
      first.map((d) => d.contentHash),
    );
    expect(hashed.length).toBeGreaterThan(firstHashes);
  });
});
