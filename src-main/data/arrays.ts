import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArraysLocator } from './locator';

/** Per-feature standardisation of a tabular dataset (Dataset.standardize): (x − mean) / std. */
export interface Standardizer {
  mean: Float32Array;
  std: Float32Array;
}

/**
 * An imported dataset as stored in the workspace (issue 4): its canonical arrays in two flat
 * files under <workspace>/datasets/<contentHash>/, written once by the importer
 * (src-main/import/writer.ts) and read by trainers and the preview:
 *
 *   features.f32  rows × featureSize float32, little-endian, row-major
 *   labels.i32    rows int32, little-endian
 *   manifest.json what the files hold (arraysManifest), for people and the preview
 *
 * The content hash covers the shape, the row counts and both files' sha256, so two imports of the
 * same arrays (from a CSV or an NPY, under any name) are one dataset.
 */
export const FEATURES_FILE = 'features.f32';
export const LABELS_FILE = 'labels.i32';
export const MANIFEST_FILE = 'manifest.json';

export interface ArraysShape {
  featureShape: readonly number[];
  rows: number;
  /** Rows from this index on are the dataset's own test part. */
  testFrom?: number | undefined;
}

export function arraysContentHash(
  shape: ArraysShape,
  featuresSha256: string,
  labelsSha256: string,
): string {
  return createHash('sha256')
    .update(
      'transferlab-arrays/v1\n' +
        `featureShape:${shape.featureShape.join('x')}\n` +
        `rows:${shape.rows}\n` +
        `testFrom:${shape.testFrom ?? '-'}\n` +
        `${FEATURES_FILE}:${featuresSha256}\n` +
        `${LABELS_FILE}:${labelsSha256}\n`,
    )
    .digest('hex');
}

export function featureSizeOf(featureShape: readonly number[]): number {
  return featureShape.reduce((a, b) => a * b, 1);
}

/**
 * Reads both files whole, checks their sizes against the locator before allocating and their
 * hash after reading, so a run never trains on files that changed since the import.
 */
export async function readArrays(
  locator: ArraysLocator,
): Promise<{ features: Float32Array; labels: Int32Array }> {
  const featureSize = featureSizeOf(locator.featureShape);
  const features = new Float32Array(
    await readExactly(join(locator.dir, FEATURES_FILE), locator.rows * featureSize * 4),
  );
  const labels = new Int32Array(
    await readExactly(join(locator.dir, LABELS_FILE), locator.rows * 4),
  );
  const hash = arraysContentHash(locator, sha256(features), sha256(labels));
  if (hash !== locator.contentHash) {
    throw new Error(
      `${locator.dir}: content hash ${hash} differs from the recorded ${locator.contentHash}; ` +
        'the files changed since they were imported',
    );
  }
  return { features, labels };
}

/** The bytes of a file that must hold exactly `bytes` bytes, in a buffer of its own. */
export async function readExactly(path: string, bytes: number): Promise<ArrayBuffer> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    if (size !== bytes) throw new Error(`${path}: ${size} bytes, expected ${bytes}`);
    const buffer = new ArrayBuffer(bytes);
    let done = 0;
    while (done < bytes) {
      const { bytesRead } = await file.read(new Uint8Array(buffer, done), 0, bytes - done, done);
      if (bytesRead === 0) throw new Error(`${path}: ended after ${done} of ${bytes} bytes`);
      done += bytesRead;
    }
    return buffer;
  } finally {
    await file.close();
  }
}

function sha256(array: Float32Array | Int32Array): string {
  return createHash('sha256')
    .update(new Uint8Array(array.buffer, array.byteOffset, array.byteLength))
    .digest('hex');
}

/**
 * Per-feature mean and standard deviation over every row: a fixed property of the dataset (like
 * the CSV locator's max-abs scale), the same for every domain and run, not fitted to a split.
 * A constant feature gets std 1, so it becomes 0 rather than NaN.
 */
export function standardizerOf(x: Float32Array, rows: number, featureSize: number): Standardizer {
  const sum = new Float64Array(featureSize);
  const sumSq = new Float64Array(featureSize);
  for (let r = 0; r < rows; r++) {
    const base = r * featureSize;
    for (let j = 0; j < featureSize; j++) {
      const v = x[base + j] ?? 0;
      sum[j] = (sum[j] ?? 0) + v;
      sumSq[j] = (sumSq[j] ?? 0) + v * v;
    }
  }
  const mean = new Float32Array(featureSize);
  const std = new Float32Array(featureSize);
  for (let j = 0; j < featureSize; j++) {
    const m = rows > 0 ? (sum[j] ?? 0) / rows : 0;
    const variance = rows > 0 ? Math.max(0, (sumSq[j] ?? 0) / rows - m * m) : 0;
    const s = Math.sqrt(variance);
    mean[j] = m;
    std[j] = s > 1e-12 ? s : 1;
  }
  return { mean, std };
}
