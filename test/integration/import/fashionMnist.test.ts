import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { call } from '../../../src-main/cli/session';
import { openCore } from '../../../src-main/core/core';
import { FASHION_MNIST_DIR } from '../../../src-main/core/builtinDatasets';
import { loadDataset } from '../../../src-main/engine/data/load';
import { importDataset } from '../../../src-main/import/importer';
import { ImportInputSchema } from '../../../src-shared/rpc/datasets';
import { findDatasetByName } from '../../../src-main/store/datasets';
import { openDb } from '../../../src-main/store/db';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();
const file = (name: string): string => join(FASHION_MNIST_DIR, name);
const installed = existsSync(file('train-images-idx3-ubyte.gz'));

/**
 * sha256 of the canonical arrays (data/arrays.ts) of Debian's Fashion-MNIST, train then
 * t10k: a change here means the importer now stores different bytes for the same files.
 */
const FASHION_MNIST_CONTENT_HASH =
  '89ac10e7f9867a96be0709394eb6351ab428074c4959dd10c6ce47a20b1eabed';

describe.skipIf(!installed)('importing Fashion-MNIST from dataset-fashion-mnist', () => {
  it('stores 70,000 28×28 images, 6,000 + 1,000 per class, once, and loads what the built-in loader loads', async () => {
    const workspaceDir = tempDir();
    const core = await openCore({ workspaceDir, transport: 'in-process', queue: 'none' });
    try {
      const input = {
        file: { kind: 'path' as const, path: file('train-images-idx3-ubyte.gz') },
        name: 'fmnist',
        options: {
          format: 'idx' as const,
          labels: { kind: 'path' as const, path: file('train-labels-idx1-ubyte.gz') },
          test: {
            images: { kind: 'path' as const, path: file('t10k-images-idx3-ubyte.gz') },
            labels: { kind: 'path' as const, path: file('t10k-labels-idx1-ubyte.gz') },
          },
        },
      };
      const inspected = await call(core, 'datasets.inspect', { file: input.file });
      expect(inspected).toMatchObject({ format: 'idx', rows: 60_000, featureShape: [28, 28] });

      // Through the core, these are the built-in dataset's files: nothing is imported (issue 14).
      const builtinAnswer = await call(core, 'datasets.import', input);
      expect(builtinAnswer).toMatchObject({
        reused: true,
        dataset: { name: 'fashion-mnist', kind: 'builtin' },
      });
      expect(builtinAnswer.report.warnings.join(' ')).toMatch(/built-in dataset "fashion-mnist"/);
      expect(existsSync(join(workspaceDir, 'datasets'))).toBe(false);

      // The IDX importer itself, as for any other IDX files: one copy of the canonical arrays.
      const store = openDb(join(workspaceDir, 'transferlab.sqlite'));
      const importer = {
        db: store,
        datasetsDir: join(workspaceDir, 'datasets'),
        uploadsDir: join(workspaceDir, 'uploads'),
      };
      const importIdx = (i: typeof input) => importDataset(importer, ImportInputSchema.parse(i));
      const first = await importIdx(input);
      expect(first.reused).toBe(false);
      expect(first.dataset).toMatchObject({
        name: 'fmnist',
        kind: 'imported',
        samples: 70_000,
        featureShape: [28, 28],
        classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        contentHash: FASHION_MNIST_CONTENT_HASH,
      });
      expect(first.dataset.provenance.sha256?.split(', ')).toHaveLength(4);

      const again = await importIdx({ ...input, name: 'fmnist again' });
      store.close();
      expect(again.reused).toBe(true);
      expect(again.dataset.id).toBe(first.dataset.id);

      const db = openDb(join(workspaceDir, 'transferlab.sqlite'));
      const imported = findDatasetByName(db, 'fmnist');
      const builtin = findDatasetByName(db, 'fashion-mnist');
      db.close();
      if (!imported || !builtin) throw new Error('datasets missing');
      const mine = await loadDataset(imported.locator);
      expect(mine.testFrom).toBe(60_000);
      const count = (from: number, to: number): number[] => {
        const counts = new Array<number>(10).fill(0);
        for (let i = from; i < to; i++) counts[mine.y[i] ?? 0] = (counts[mine.y[i] ?? 0] ?? 0) + 1;
        return counts;
      };
      expect(count(0, 60_000)).toEqual(new Array<number>(10).fill(6000));
      expect(count(60_000, 70_000)).toEqual(new Array<number>(10).fill(1000));
      const reference = await loadDataset(builtin.locator);
      expect(mine.scale).toBe(255);
      expect(Buffer.from(mine.x.buffer).equals(Buffer.from(reference.x.buffer))).toBe(true);
      expect(Buffer.from(mine.y.buffer).equals(Buffer.from(reference.y.buffer))).toBe(true);

      // The preview reads only the rows it shows.
      const preview = await call(core, 'datasets.preview', {
        id: first.dataset.id,
        classes: [0, 9],
        perClass: 4,
        transform: { rotateDeg: 90 },
      });
      if (preview.kind !== 'image') throw new Error('expected an image preview');
      expect(preview.shape).toEqual([28, 28, 1]);
      // Every class is counted (the view greys out those the subset leaves out).
      expect(preview.classCounts).toEqual(
        Array.from({ length: 10 }, (_, label) => ({ label, count: 7000 })),
      );
      expect(preview.samples.map((s) => s.pixels.length)).toEqual([4, 4]);
      expect(preview.samples[0]?.pixels[0]).toHaveLength(784);
    } finally {
      await core.close();
    }
  });
});
