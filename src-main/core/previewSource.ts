import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import {
  FEATURES_FILE,
  featureSizeOf,
  LABELS_FILE,
  MANIFEST_FILE,
  readExactly,
} from '../data/arrays';
import { loadDataset, type Dataset } from '../engine/data/load';
import type { ArraysLocator, DataLocator } from '../engine/protocol';

/**
 * Rows of a dataset for the preview, read without loading the whole dataset where the storage
 * allows it: an imported dataset's labels (4 bytes a row) are read whole and its features only
 * at the rows shown. Built-in and synthetic datasets are loaded once and kept (one at a time).
 */
export interface PreviewSource {
  n: number;
  featureShape: number[];
  featureSize: number;
  labels: Int32Array;
  /** Tabular imports standardise their features for training (Dataset.standardize). */
  standardize: boolean;
  featureNames?: string[];
  /** The listed rows, divided by the dataset's scale, back to back. */
  readRows(rows: readonly number[]): Promise<Float32Array>;
}

const ManifestSchema = z.object({ featureNames: z.array(z.string()).nullable().optional() });

let cached: { key: string; dataset: Promise<Dataset> } | null = null;

export async function previewSource(locator: DataLocator): Promise<PreviewSource> {
  if (locator.kind === 'arrays') return arraysSource(locator);
  const key = JSON.stringify(locator);
  if (cached?.key !== key) cached = { key, dataset: loadDataset(locator) };
  const current = cached;
  const dataset = await current.dataset.catch((e: unknown) => {
    if (cached === current) cached = null;
    throw e;
  });
  return {
    n: dataset.n,
    featureShape: dataset.featureShape,
    featureSize: dataset.featureSize,
    labels: dataset.y,
    standardize: dataset.standardize !== undefined,
    readRows: (rows) => {
      const f = dataset.featureSize;
      const out = new Float32Array(rows.length * f);
      rows.forEach((row, i) => {
        out.set(dataset.x.subarray(row * f, (row + 1) * f), i * f);
      });
      return Promise.resolve(out);
    },
  };
}

async function arraysSource(locator: ArraysLocator): Promise<PreviewSource> {
  const featureSize = featureSizeOf(locator.featureShape);
  const labels = new Int32Array(
    await readExactly(join(locator.dir, LABELS_FILE), locator.rows * 4),
  );
  let featureNames: string[] | undefined;
  try {
    const manifest = ManifestSchema.parse(
      JSON.parse(await readFile(join(locator.dir, MANIFEST_FILE), 'utf8')),
    );
    featureNames = manifest.featureNames ?? undefined;
  } catch {
    // The manifest is for people and the preview; without it columns are numbered.
  }
  return {
    n: locator.rows,
    featureShape: locator.featureShape,
    featureSize,
    labels,
    standardize: locator.standardize,
    ...(featureNames ? { featureNames } : {}),
    readRows: async (rows) => {
      const out = new Float32Array(rows.length * featureSize);
      const bytes = new Uint8Array(out.buffer);
      const rowBytes = featureSize * 4;
      const file = await open(join(locator.dir, FEATURES_FILE), 'r');
      try {
        // Consecutive rows are read in one call (the tabular preview reads blocks of them).
        let i = 0;
        while (i < rows.length) {
          let j = i + 1;
          while (j < rows.length && rows[j] === (rows[j - 1] ?? 0) + 1) j++;
          const length = (j - i) * rowBytes;
          const { bytesRead } = await file.read(
            bytes,
            i * rowBytes,
            length,
            (rows[i] ?? 0) * rowBytes,
          );
          if (bytesRead !== length)
            throw new Error(`${locator.dir}: ${FEATURES_FILE} is shorter than recorded`);
          i = j;
        }
      } finally {
        await file.close();
      }
      if (locator.scale !== 1)
        for (let k = 0; k < out.length; k++) out[k] = (out[k] ?? 0) / locator.scale;
      return out;
    },
  };
}
