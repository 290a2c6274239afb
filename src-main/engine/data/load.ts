import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ArraysLocator, DataLocator, IdxLocator } from '../protocol';
import { featureSizeOf, readArrays, standardizerOf } from '../../data/arrays';
import { csvText, parseNumericCsv, type NumericTable } from './csv';
import { parseIdx } from '../../data/idx';
import { generateLinearBinary } from './synthetic';
import type { Standardizer } from '../../data/arrays';

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
  /**
   * Rows from this index on are the dataset's own test part (an IDX dataset's t10k files), used
   * by DomainSpec split 'standard'; absent when the dataset has no test part.
   */
  testFrom?: number;
  /**
   * Tabular imports: `x` holds the file's own values, and each domain's rows are standardised by
   * these after its transform (applyTransform), so that a shift is given in the file's units.
   */
  standardize?: Standardizer;
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
  if (locator.kind === 'idx') return loadIdx(locator);
  if (locator.kind === 'arrays') return loadArrays(locator);
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

/** The files of an IDX locator in hashing order: train images, train labels, then the test part's. */
export function idxFiles(locator: Pick<IdxLocator, 'train' | 'test'>): string[] {
  const parts = locator.test ? [locator.train, locator.test] : [locator.train];
  return parts.flatMap((p) => [p.images, p.labels]);
}

/**
 * The content hash of an IDX dataset: sha256 over its files' bytes (as stored, gzipped or not)
 * in idxFiles order, each preceded by its role and byte length so that files cannot run together.
 */
export function idxContentHash(files: readonly Uint8Array[]): string {
  const roles = ['train.images', 'train.labels', 'test.images', 'test.labels'];
  const hash = createHash('sha256');
  files.forEach((bytes, i) => {
    hash.update(`${roles[i] ?? `file${i}`}:${bytes.byteLength}\n`);
    hash.update(bytes);
  });
  return hash.digest('hex');
}

/**
 * An IDX dataset: the training files' rows, then the test part's (Dataset.testFrom). The bytes
 * parsed are the bytes hashed, so a file that changed since registration is refused.
 */
async function loadIdx(locator: IdxLocator): Promise<Dataset> {
  const paths = idxFiles(locator);
  const files = await Promise.all(paths.map((p) => readFile(p)));
  const fileHash = idxContentHash(files);
  if (fileHash !== locator.contentHash) {
    throw new Error(
      `${paths.join(', ')}: content hash ${fileHash} differs from the recorded ` +
        `${locator.contentHash}; the files changed since they were registered`,
    );
  }
  const featureSize = locator.featureShape.reduce((a, b) => a * b, 1);
  const parts: { images: Uint8Array; labels: Uint8Array; n: number }[] = [];
  for (let i = 0; i < files.length; i += 2) {
    const images = parseIdx(files[i] ?? new Uint8Array(0));
    const labels = parseIdx(files[i + 1] ?? new Uint8Array(0));
    const [n = 0, ...pixelShape] = images.shape;
    const pixels = pixelShape.reduce((a, b) => a * b, 1);
    if (
      images.dtype !== 'uint8' ||
      !(images.data instanceof Uint8Array) ||
      pixels !== featureSize
    ) {
      throw new Error(
        `${paths[i]}: expected uint8 images of ${featureSize} pixels ` +
          `([${locator.featureShape.join(', ')}]), got ${images.dtype} [${images.shape.join(', ')}]`,
      );
    }
    if (
      labels.dtype !== 'uint8' ||
      labels.shape.length !== 1 ||
      labels.shape[0] !== n ||
      !(labels.data instanceof Uint8Array)
    ) {
      throw new Error(
        `${paths[i + 1]}: expected ${n} uint8 labels, got ${labels.dtype} [${labels.shape.join(', ')}]`,
      );
    }
    parts.push({ images: images.data, labels: labels.data, n });
  }
  const n = parts.reduce((sum, p) => sum + p.n, 0);
  const x = new Float32Array(n * featureSize);
  const y = new Int32Array(n);
  let row = 0;
  for (const part of parts) {
    for (let i = 0; i < part.images.length; i++) {
      x[row * featureSize + i] = (part.images[i] ?? 0) / locator.scale;
    }
    y.set(part.labels, row);
    row += part.n;
  }
  const classes = [...new Set(y)].sort((a, b) => a - b);
  return {
    x,
    y,
    n,
    featureShape: locator.featureShape,
    featureSize,
    classes,
    scale: locator.scale,
    ...(locator.test ? { testFrom: parts[0]?.n ?? 0 } : {}),
  };
}

/** An imported dataset (data/arrays.ts), re-hashed as it is read. */
async function loadArrays(locator: ArraysLocator): Promise<Dataset> {
  const { features, labels } = await readArrays(locator);
  const featureSize = featureSizeOf(locator.featureShape);
  if (locator.scale !== 1)
    for (let i = 0; i < features.length; i++) features[i] = (features[i] ?? 0) / locator.scale;
  const classes = [...new Set(labels)].sort((a, b) => a - b);
  return {
    x: features,
    y: labels,
    n: locator.rows,
    featureShape: locator.featureShape,
    featureSize,
    classes,
    scale: locator.scale,
    ...(locator.testFrom !== undefined ? { testFrom: locator.testFrom } : {}),
    ...(locator.standardize
      ? { standardize: standardizerOf(features, locator.rows, featureSize) }
      : {}),
  };
}
