import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataLocator } from '../protocol';
import { idxFiles, loadDataset, type Dataset } from './load';

/**
 * Datasets kept in memory by a warm trainer (trainer/pool.ts) between runs, so a grid of small
 * runs on one dataset reads, parses and hashes its files once instead of once per run.
 *
 * A dataset is found again by what identifies its arrays (locatorKey: content hash, shape,
 * scaling). Its files are checked again on each use by size and modification time: a file
 * changed since it was read is read, and so re-hashed and refused, again, as a cold trainer
 * would. The cache holds at most `maxBytes` of arrays and drops the least recently used first,
 * so a trainer never keeps more than about one large image dataset (Fashion-MNIST: 220 MB).
 */

/** Arrays kept per trainer: one Fashion-MNIST-sized dataset and a few small ones. */
export const DATASET_CACHE_BYTES = 320 * 1024 * 1024;

export type LoadDataset = (locator: DataLocator) => Promise<Dataset>;

interface Entry {
  dataset: Promise<Dataset>;
  /** size:mtime of each file read, in order; '' for synthetic data. */
  files: string;
  bytes: number;
}

export class DatasetCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxBytes = DATASET_CACHE_BYTES,
    private readonly read: LoadDataset = loadDataset,
  ) {}

  /** The dataset a locator points at: from memory when its files are unchanged. */
  readonly load: LoadDataset = async (locator) => {
    const key = locatorKey(locator);
    const files = await fileStamps(locator);
    const hit = this.entries.get(key);
    if (hit?.files === files) {
      // Most recently used last (Map keeps insertion order).
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.dataset;
    }
    const entry: Entry = { dataset: this.read(locator), files, bytes: 0 };
    this.entries.set(key, entry);
    try {
      const dataset = await entry.dataset;
      entry.bytes = dataset.x.byteLength + dataset.y.byteLength;
      this.evict(key);
      return dataset;
    } catch (e) {
      // A failed read is not remembered: the next run tries again (and fails with its own error).
      if (this.entries.get(key) === entry) this.entries.delete(key);
      throw e;
    }
  };

  /** How many datasets are held (tests). */
  get size(): number {
    return this.entries.size;
  }

  /** Drops the least recently used datasets until the rest fit, keeping `keep` (just loaded). */
  private evict(keep: string): void {
    let total = [...this.entries.values()].reduce((sum, e) => sum + e.bytes, 0);
    for (const [key, entry] of this.entries) {
      if (total <= this.maxBytes) break;
      if (key === keep) continue;
      this.entries.delete(key);
      total -= entry.bytes;
    }
  }
}

/** Two locators with the same key load the same arrays. */
export function locatorKey(locator: DataLocator): string {
  if (locator.kind === 'csv')
    return `csv:${locator.contentHash}:${locator.featureShape.join('x')}:${locator.scale ?? 'max'}`;
  if (locator.kind === 'idx')
    return `idx:${locator.contentHash}:${locator.featureShape.join('x')}:${locator.scale}`;
  if (locator.kind === 'arrays')
    return `arrays:${locator.contentHash}:${locator.scale}:${locator.standardize}`;
  const p = locator.params;
  return `synthetic:${p.generator}:${p.features}:${p.samples}:${p.taskSeed}:${p.angleDeg}:${p.noise}`;
}

/** The files a locator reads. */
function filesOf(locator: DataLocator): string[] {
  if (locator.kind === 'csv') return [locator.path];
  if (locator.kind === 'idx') return idxFiles(locator);
  if (locator.kind === 'arrays')
    return [join(locator.dir, 'features.f32'), join(locator.dir, 'labels.i32')];
  return [];
}

/** Size and modification time of each file; a missing file gets a stamp no file has. */
async function fileStamps(locator: DataLocator): Promise<string> {
  const stamps = await Promise.all(
    filesOf(locator).map(async (path) => {
      try {
        const s = await stat(path);
        return `${s.size}:${s.mtimeMs}`;
      } catch {
        return 'missing';
      }
    }),
  );
  return stamps.join('|');
}
