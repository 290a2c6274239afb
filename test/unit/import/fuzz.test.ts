import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../../src-main/import/csv/read';
import { readIdxDataset } from '../../../src-main/import/idx';
import { readNpyDataset } from '../../../src-main/import/npy';
import type { ReadOutcome } from '../../../src-main/import/types';
import { ArraysWriter } from '../../../src-main/import/writer';
import { Rng } from '../../../src-main/engine/random';
import { idxBytes, npyBytes } from '../../helpers/datasetFiles';
import { useTempDirs } from '../../helpers/tempDir';

/**
 * Fuzzing the readers of untrusted files (issue 4): seeded mutations (byte flips, insertions,
 * deletions, huge header sizes) and truncations of valid files. Every case must either import
 * or fail with a plain Error that says something (never a TypeError or RangeError from a bad
 * index, never a hang), and a failure must leave no staged files behind.
 */
const tempDir = useTempDirs();
const CASES = 120;
const HANG_MS = 5000;

function mutate(base: Buffer, rng: Rng): { bytes: Buffer; how: string; truncated: boolean } {
  const kind = Math.floor(rng.next() * 5);
  const bytes = Buffer.from(base);
  const at = Math.floor(rng.next() * base.length);
  switch (kind) {
    case 0:
      return { bytes: bytes.subarray(0, at), how: `truncated at ${at}`, truncated: true };
    case 1: {
      for (let i = 0; i < 1 + Math.floor(rng.next() * 4); i++) {
        bytes[Math.floor(rng.next() * bytes.length)] = Math.floor(rng.next() * 256);
      }
      return { bytes, how: 'bytes flipped', truncated: false };
    }
    case 2: {
      const extra = Buffer.from(
        Array.from({ length: 1 + Math.floor(rng.next() * 8) }, () => Math.floor(rng.next() * 256)),
      );
      return {
        bytes: Buffer.concat([bytes.subarray(0, at), extra, bytes.subarray(at)]),
        how: `inserted at ${at}`,
        truncated: false,
      };
    }
    case 3:
      return {
        bytes: Buffer.concat([
          bytes.subarray(0, at),
          bytes.subarray(at + 1 + Math.floor(rng.next() * 8)),
        ]),
        how: `deleted at ${at}`,
        truncated: false,
      };
    default: {
      // A huge size where the header keeps its sizes (IDX and NPY: early bytes).
      const spot = 4 + Math.floor(rng.next() * Math.min(12, Math.max(1, base.length - 8)));
      bytes.fill(0xff, spot, Math.min(bytes.length, spot + 4));
      return { bytes, how: `0xffffffff at ${spot}`, truncated: false };
    }
  }
}

async function expectCleanOutcome(
  run: (newWriter: (shape: number[]) => ArraysWriter) => Promise<ReadOutcome>,
  staging: string,
  what: string,
  mustFail: boolean,
): Promise<void> {
  mkdirSync(staging, { recursive: true });
  let writer: ArraysWriter | null = null;
  const newWriter = (shape: number[]): ArraysWriter => (writer = new ArraysWriter(staging, shape));
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${what}: hung`));
    }, HANG_MS);
  });
  try {
    await Promise.race([run(newWriter), hang]);
    const done = writer as ArraysWriter | null;
    done?.finish();
    // Committing is storage.ts's job: here the staged files are only dropped.
    done?.abort();
    if (mustFail) throw new Error(`${what}: imported a truncated file`);
  } catch (e) {
    (writer as ArraysWriter | null)?.abort();
    expect(e, what).toBeInstanceOf(Error);
    expect(e, what).not.toBeInstanceOf(TypeError);
    expect(e, what).not.toBeInstanceOf(RangeError);
    const message = (e as Error).message;
    expect(message, what).not.toMatch(/imported a truncated|hung/);
    expect(message.length, what).toBeGreaterThan(10);
  } finally {
    clearTimeout(timer);
  }
  expect(readdirSync(staging), what).toEqual([]);
}

describe('fuzzing the importers', () => {
  it(`IDX: ${CASES} mutated or truncated files, plain and gzipped`, async () => {
    const dir = tempDir();
    const staging = join(dir, 'datasets');
    const n = 20;
    const images = idxBytes(
      [n, 4, 4],
      Array.from({ length: n * 16 }, (_, i) => i % 256),
    );
    const labels = idxBytes(
      [n],
      Array.from({ length: n }, (_, i) => i % 3),
    );
    writeFileSync(join(dir, 'labels.idx'), labels);
    const rng = new Rng(2024);
    for (let c = 0; c < CASES; c++) {
      const { bytes, how, truncated } = mutate(images, rng);
      const gz = c % 3 === 0;
      const path = join(dir, `images-${c}.idx${gz ? '.gz' : ''}`);
      writeFileSync(path, gz ? gzipSync(bytes) : bytes);
      await expectCleanOutcome(
        (w) => readIdxDataset({ images: path, labels: join(dir, 'labels.idx') }, w),
        staging,
        `IDX case ${c} (${how}${gz ? ', gzipped' : ''})`,
        truncated && bytes.length < images.length,
      );
    }
  });

  it(`NPY: ${CASES} mutated or truncated feature files`, async () => {
    const dir = tempDir();
    const staging = join(dir, 'datasets');
    const n = 12;
    const features = npyBytes(
      '<f4',
      [n, 5],
      Array.from({ length: n * 5 }, (_, i) => i / 7),
    );
    writeFileSync(
      join(dir, 'y.npy'),
      npyBytes(
        '<i8',
        [n],
        Array.from({ length: n }, (_, i) => i % 2),
      ),
    );
    const rng = new Rng(7);
    for (let c = 0; c < CASES; c++) {
      const { bytes, how, truncated } = mutate(features, rng);
      const path = join(dir, `x-${c}.npy`);
      writeFileSync(path, bytes);
      await expectCleanOutcome(
        (w) => readNpyDataset(path, join(dir, 'y.npy'), w),
        staging,
        `NPY case ${c} (${how})`,
        truncated,
      );
    }
  });

  it(`CSV: ${CASES} mutated or truncated files`, async () => {
    const dir = tempDir();
    const staging = join(dir, 'datasets');
    const rows = ['width,height,colour,label'];
    for (let i = 0; i < 30; i++)
      rows.push(
        `${i * 0.5},${(i * 7) % 11},"${['red', 'green', 'blue, dark'][i % 3] ?? ''}",${i % 3}`,
      );
    const csv = Buffer.from(rows.join('\n'));
    const rng = new Rng(99);
    for (let c = 0; c < CASES; c++) {
      const { bytes, how } = mutate(csv, rng);
      const path = join(dir, `data-${c}.csv`);
      writeFileSync(path, bytes);
      await expectCleanOutcome(
        (w) => readCsv(path, { delimiter: 'auto', header: 'auto', missing: 'refuse' }, w),
        staging,
        `CSV case ${c} (${how})`,
        false,
      );
    }
  });
});

describe('sizes are checked before allocating', () => {
  it('refuses an IDX header claiming 2^32 − 1 images, and an NPY shape of 10^12 rows', async () => {
    const dir = tempDir();
    const staging = join(dir, 'datasets');
    const huge = idxBytes([0xffffffff, 28, 28], []);
    writeFileSync(join(dir, 'huge.idx'), huge);
    writeFileSync(join(dir, 'labels.idx'), idxBytes([1], [0]));
    await expect(
      readIdxDataset(
        { images: join(dir, 'huge.idx'), labels: join(dir, 'labels.idx') },
        (s) => new ArraysWriter(staging, s),
      ),
    ).rejects.toThrow(/needs more than the limit/);
    const npy = npyBytes('<f4', [1, 1], [0]);
    const text = npy.toString('latin1').replace('(1, 1)', '(1000000000000, 1)');
    writeFileSync(join(dir, 'huge.npy'), Buffer.from(text, 'latin1'));
    writeFileSync(join(dir, 'y.npy'), npyBytes('<i8', [1], [0]));
    await expect(
      readNpyDataset(
        join(dir, 'huge.npy'),
        join(dir, 'y.npy'),
        (s) => new ArraysWriter(staging, s),
      ),
    ).rejects.toThrow(/header at byte 10: the shape \(1000000000000, 1\) of '<f4' needs more than/);
  });
});
