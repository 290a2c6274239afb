import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { idxContentHash, idxFiles, loadDataset } from '../../../../src-main/engine/data/load';
import type { IdxLocator } from '../../../../src-main/engine/protocol';
import { useTempDirs } from '../../../helpers/tempDir';

const tempDir = useTempDirs();

/** An IDX file of uint8 elements: magic 00 00 08 rank, big-endian sizes, the payload. */
function idxBytes(shape: number[], payload: number[]): Uint8Array {
  const header = new Uint8Array(4 + 4 * shape.length);
  const view = new DataView(header.buffer);
  header[2] = 0x08;
  header[3] = shape.length;
  shape.forEach((size, i) => {
    view.setUint32(4 + 4 * i, size, false);
  });
  const out = new Uint8Array(header.length + payload.length);
  out.set(header, 0);
  out.set(Uint8Array.from(payload), header.length);
  return out;
}

/** A 2×2-pixel IDX dataset: 3 training images (labels 0, 1, 0) and 2 test images (1, 0). */
function writeIdxDataset(dir: string): IdxLocator {
  const files = {
    train: { images: join(dir, 'train-images.gz'), labels: join(dir, 'train-labels') },
    test: { images: join(dir, 't10k-images'), labels: join(dir, 't10k-labels.gz') },
  };
  writeFileSync(
    files.train.images,
    gzipSync(idxBytes([3, 2, 2], [0, 255, 51, 102, 1, 2, 3, 4, 255, 255, 0, 0])),
  );
  writeFileSync(files.train.labels, idxBytes([3], [0, 1, 0]));
  writeFileSync(files.test.images, idxBytes([2, 2, 2], [10, 20, 30, 40, 50, 60, 70, 80]));
  writeFileSync(files.test.labels, gzipSync(idxBytes([2], [1, 0])));
  const contentHash = idxContentHash(idxFiles(files).map((p) => readFileSync(p)));
  return { kind: 'idx', ...files, featureShape: [2, 2], contentHash, scale: 255 };
}

describe('the idx data locator', () => {
  it('loads the training rows then the test part, pixels divided by the scale', async () => {
    const locator = writeIdxDataset(tempDir());
    const data = await loadDataset(locator);
    expect(data.n).toBe(5);
    expect(data.testFrom).toBe(3);
    expect(data.scale).toBe(255);
    expect(data.featureShape).toEqual([2, 2]);
    expect(data.featureSize).toBe(4);
    expect([...data.y]).toEqual([0, 1, 0, 1, 0]);
    expect(data.classes).toEqual([0, 1]);
    expect([...data.x.subarray(0, 4)]).toEqual([0, 255, 51, 102].map((v) => Math.fround(v / 255)));
    expect(data.x[0]).toBe(0);
    expect(data.x[1]).toBe(1);
    expect(data.x[2]).toBeCloseTo(0.2, 6);
    expect([...data.x.subarray(12, 16)]).toEqual([10, 20, 30, 40].map((v) => Math.fround(v / 255)));
  });

  it('without a test part has no testFrom', async () => {
    const locator = writeIdxDataset(tempDir());
    const files = { train: locator.train };
    const contentHash = idxContentHash(idxFiles(files).map((p) => readFileSync(p)));
    const data = await loadDataset({
      ...files,
      kind: 'idx',
      featureShape: [2, 2],
      contentHash,
      scale: 255,
    });
    expect(data.n).toBe(3);
    expect(data.testFrom).toBeUndefined();
  });

  it('refuses files that changed since the hash was recorded', async () => {
    const locator = writeIdxDataset(tempDir());
    writeFileSync(locator.train.labels, idxBytes([3], [1, 1, 0]));
    await expect(loadDataset(locator)).rejects.toThrow(/content hash .* differs/);
  });

  it('hashes the files in a defined order: swapping two files changes the hash', () => {
    const a = Uint8Array.from([1, 2, 3]);
    const b = Uint8Array.from([4, 5]);
    expect(idxContentHash([a, b])).not.toBe(idxContentHash([b, a]));
    // Lengths are hashed, so bytes cannot move from one file to the next unnoticed.
    expect(idxContentHash([Uint8Array.from([1, 2]), Uint8Array.from([3, 4, 5])])).not.toBe(
      idxContentHash([a, b]),
    );
  });

  it('refuses images whose size does not match the feature shape', async () => {
    const locator = writeIdxDataset(tempDir());
    await expect(loadDataset({ ...locator, featureShape: [3, 3] })).rejects.toThrow(
      /expected uint8 images of 9 pixels/,
    );
  });
});
