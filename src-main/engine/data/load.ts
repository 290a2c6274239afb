import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { DataLocator } from '../protocol';
import { csvText, parseNumericCsv, type NumericTable } from './csv';
import { generateLinearBinary } from './synthetic';

/** A whole dataset in memory, before any domain view (class subset, split, budget). */
export interface Dataset {
  /** Row-major features, n × featureSize, already divided by `scale`. */
  x: Float32Array;
  /** Original labels. */
  y: Int32Array;
  n: number;
  featureShape: number[];
  featureSize: number;
  /** The distinct labels present, ascending. */
  classes: number[];
  /** Every feature was divided by this (1: unscaled). Recorded so the run says what it saw. */
  scale: number;
}

/**
 * Loads the arrays a locator points at. A CSV file's bytes are hashed (sha256, as the dataset
 * service records them at import) and compared with the locator's hash, so a run never silently
 * trains on a file that changed since. Synthetic data is a pure function of its parameters.
 */
export async function loadDataset(locator: DataLocator): Promise<Dataset> {
  if (locator.kind === 'synthetic') {
    const table = generateLinearBinary(locator.params);
    // Synthetic features are already standard normal: no scaling.
    return toDataset(table, [table.featureCount], 1);
  }
  const bytes = await readFile(locator.path);
  const fileHash = createHash('sha256').update(bytes).digest('hex');
  if (fileHash !== locator.contentHash) {
    throw new Error(
      `${locator.path}: content hash ${fileHash} differs from the recorded ${locator.contentHash}; ` +
        'the file changed since it was imported',
    );
  }
  const table = parseNumericCsv(csvText(bytes, locator.path), locator.path);
  const featureSize = locator.featureShape.reduce((a, b) => a * b, 1);
  if (table.featureCount !== featureSize) {
    throw new Error(
      `${locator.path}: ${table.featureCount} feature columns, but the dataset's feature shape ` +
        `[${locator.featureShape.join(', ')}] needs ${featureSize}`,
    );
  }
  return toDataset(table, locator.featureShape, locator.scale ?? maxAbs(table.features));
}

/**
 * The default scale: the largest absolute feature value in the file, so features land in
 * [-1, 1] (digits: pixel counts 0..16 become 0..1). It is a fixed property of the dataset file,
 * the same for every domain and run, not a statistic fitted to a training split.
 */
function maxAbs(values: Float32Array): number {
  let max = 0;
  for (const v of values) max = Math.max(max, Math.abs(v));
  return max > 0 ? max : 1;
}

function toDataset(table: NumericTable, featureShape: number[], scale: number): Dataset {
  const x = scale === 1 ? table.features : table.features.map((v) => v / scale);
  const classes = [...new Set(table.labels)].sort((a, b) => a - b);
  return {
    x,
    y: table.labels,
    n: table.rows,
    featureShape,
    featureSize: table.featureCount,
    classes,
    scale,
  };
}
