import { createHash } from 'node:crypto';
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetCache } from '../../../../src-main/engine/data/cache';
import { loadDataset } from '../../../../src-main/engine/data/load';
import type { DataLocator } from '../../../../src-main/engine/protocol';
import { useTempDirs } from '../../../helpers/tempDir';

/** A warm trainer's datasets (issue 12, point 8): read once, read again when a file changed. */

const tempDir = useTempDirs();

function csvLocator(text: string): Extract<DataLocator, { kind: 'csv' }> {
  const path = join(tempDir(), 'rows.csv');
  writeFileSync(path, text);
  const contentHash = createHash('sha256').update(text).digest('hex');
  return { kind: 'csv', path, featureShape: [2], contentHash, scale: 1 };
}

describe('DatasetCache', () => {
  it('reads a dataset once and hands the same arrays to the next run', async () => {
    let reads = 0;
    const cache = new DatasetCache(undefined, (locator) => {
      reads += 1;
      return loadDataset(locator);
    });
    const locator = csvLocator('1,2,0\n3,4,1\n');
    const first = await cache.load(locator);
    const second = await cache.load({ ...locator });
    expect(second).toBe(first);
    expect(reads).toBe(1);
    expect([...first.x]).toEqual([1, 2, 3, 4]);
  });

  it('reads again, and so refuses, a file that changed since it was read', async () => {
    const cache = new DatasetCache();
    const locator = csvLocator('1,2,0\n3,4,1\n');
    await cache.load(locator);
    // Same length, other bytes, a later modification time: what an edit in place looks like.
    writeFileSync(locator.path, '1,2,0\n3,5,1\n');
    utimesSync(locator.path, new Date(), new Date(Date.now() + 10_000));
    await expect(cache.load(locator)).rejects.toThrow(/content hash .* differs from the recorded/);
    // A failed read is not kept: the file put back reads again.
    writeFileSync(locator.path, '1,2,0\n3,4,1\n');
    expect([...(await cache.load(locator)).x]).toEqual([1, 2, 3, 4]);
  });

  it('keeps at most its byte budget, dropping the least recently used first', async () => {
    const cache = new DatasetCache(40);
    // Each dataset: 2 rows × 2 float32 features + 2 int32 labels = 24 bytes.
    const a = csvLocator('1,2,0\n3,4,1\n');
    const b = csvLocator('5,6,0\n7,8,1\n');
    const first = await cache.load(a);
    await cache.load(b);
    expect(cache.size).toBe(1);
    expect(await cache.load(a)).not.toBe(first);
  });
});
