import { readIdx, type IdxArray } from '../data/idx';
import { MAX_ARRAY_BYTES } from './limits';
import { labelMapping } from './labels';
import { plainReport, type ReadOutcome } from './types';
import type { ArraysWriter } from './writer';

export interface IdxParts {
  images: string;
  labels: string;
  test?: { images: string; labels: string } | undefined;
}

/**
 * Imports IDX files (MNIST's format, gzipped or not): an images file [n, ...shape] of any IDX
 * element type and a labels file [n] of integers, plus optionally the dataset's own test part,
 * appended after the training rows. data/idx.ts checks each header against the byte
 * limit before allocating and refuses truncated files and trailing bytes.
 */
export async function readIdxDataset(
  parts: IdxParts,
  newWriter: (featureShape: number[]) => ArraysWriter,
): Promise<ReadOutcome> {
  const pairs = [{ images: parts.images, labels: parts.labels }];
  if (parts.test) pairs.push(parts.test);
  const loaded: { images: IdxArray; labels: IdxArray; imagesPath: string; labelsPath: string }[] =
    [];
  for (const pair of pairs) {
    const images = await readIdx(pair.images, { maxBytes: MAX_ARRAY_BYTES });
    const labels = await readIdx(pair.labels, { maxBytes: MAX_ARRAY_BYTES });
    loaded.push({ images, labels, imagesPath: pair.images, labelsPath: pair.labels });
  }
  const first = loaded[0];
  if (first === undefined) throw new Error('No IDX files');
  const featureShape = first.images.shape.slice(1);
  for (const { images, labels, imagesPath, labelsPath } of loaded) {
    const [n = 0, ...shape] = images.shape;
    if (shape.length === 0) {
      throw new Error(
        `${imagesPath}: a rank-1 IDX array [${n}] holds no rows of features; is it a labels file?`,
      );
    }
    if (shape.join('x') !== featureShape.join('x')) {
      throw new Error(
        `${imagesPath}: rows of shape [${shape.join(', ')}], but the training images' are [${featureShape.join(', ')}]`,
      );
    }
    if (labels.shape.length !== 1 || labels.dtype.startsWith('float')) {
      throw new Error(
        `${labelsPath}: expected integer labels [n], got ${labels.dtype} [${labels.shape.join(', ')}]`,
      );
    }
    if (labels.shape[0] !== n) {
      throw new Error(
        `${imagesPath} has ${n} rows but ${labelsPath} has ${labels.shape[0] ?? 0} labels`,
      );
    }
  }
  const distinct = new Set<string>();
  for (const { labels } of loaded) for (const v of labels.data) distinct.add(String(v));
  const mapping = labelMapping(distinct);
  const writer = newWriter(featureShape);
  const size = writer.featureSize;
  const row = new Float32Array(size);
  loaded.forEach(({ images, labels }, part) => {
    if (part === 1) writer.startTestPart();
    const n = labels.shape[0] ?? 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < size; j++) row[j] = images.data[i * size + j] ?? 0;
      writer.push(row, mapping.classOf(String(labels.data[i] ?? 0)));
    }
  });
  const rows = writer.rows;
  return {
    report: { ...plainReport(rows), ...(mapping.labelMap ? { labelMap: mapping.labelMap } : {}) },
    // 8-bit pixels train in [0, 1]; other element types as stored.
    scale: first.images.dtype === 'uint8' ? 255 : 1,
    standardize: false,
  };
}
