import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseIdx, parseIdxHeader, readIdx, readIdxImages } from '../../../src-main/data/idx';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

/** An IDX file: magic, type code, rank, big-endian sizes, then the payload as given. */
function idx(typeCode: number, shape: number[], payload: Uint8Array): Uint8Array {
  const header = new Uint8Array(4 + 4 * shape.length);
  const view = new DataView(header.buffer);
  header[2] = typeCode;
  header[3] = shape.length;
  shape.forEach((size, i) => {
    view.setUint32(4 + 4 * i, size, false);
  });
  const out = new Uint8Array(header.length + payload.length);
  out.set(header, 0);
  out.set(payload, header.length);
  return out;
}

function bigEndian(
  values: number[],
  bytes: number,
  put: (v: DataView, at: number, x: number) => void,
): Uint8Array {
  const out = new Uint8Array(values.length * bytes);
  const view = new DataView(out.buffer);
  values.forEach((x, i) => {
    put(view, i * bytes, x);
  });
  return out;
}

const PIXELS = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => (i * 37) % 256);
const IMAGES = idx(0x08, [2, 3, 4], PIXELS);
const LABELS = idx(0x08, [2], Uint8Array.from([7, 3]));

function write(name: string, bytes: Uint8Array): string {
  const path = join(tempDir(), name);
  writeFileSync(path, bytes);
  return path;
}

describe('parseIdx', () => {
  it('reads uint8 images, plain and gzip-compressed', () => {
    for (const bytes of [IMAGES, gzipSync(IMAGES)]) {
      const parsed = parseIdx(bytes);
      expect(parsed.dtype).toBe('uint8');
      expect(parsed.shape).toEqual([2, 3, 4]);
      expect(Array.from(parsed.data)).toEqual(Array.from(PIXELS));
    }
  });

  it('decodes big-endian multi-byte elements', () => {
    const cases = [
      [
        0x09,
        [-128, -1, 0, 127],
        1,
        (v: DataView, at: number, x: number) => {
          v.setInt8(at, x);
        },
      ],
      [
        0x0b,
        [-32768, -2, 515, 32767],
        2,
        (v: DataView, at: number, x: number) => {
          v.setInt16(at, x);
        },
      ],
      [
        0x0c,
        [-(2 ** 31), -3, 66051, 2 ** 31 - 1],
        4,
        (v: DataView, at: number, x: number) => {
          v.setInt32(at, x);
        },
      ],
      [
        0x0d,
        [-1.5, 0.25, 2 ** 100, -0],
        4,
        (v: DataView, at: number, x: number) => {
          v.setFloat32(at, x);
        },
      ],
      [
        0x0e,
        [Math.PI, -1e300, 5e-324, 2],
        8,
        (v: DataView, at: number, x: number) => {
          v.setFloat64(at, x);
        },
      ],
    ] as const;
    for (const [code, values, bytes, put] of cases) {
      const parsed = parseIdx(idx(code, [2, 2], bigEndian([...values], bytes, put)));
      expect(parsed.shape).toEqual([2, 2]);
      expect(Array.from(parsed.data)).toEqual([...values]);
    }
  });

  it('refuses what is not an IDX file, with the reason', () => {
    expect(() => parseIdx(Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0, 0, 0]))).toThrow(
      /Not an IDX file: the first two bytes are 0x50 0x4b/,
    );
    expect(() => parseIdx(idx(0x0a, [1], new Uint8Array(1)))).toThrow(/unknown element type 0x0a/);
    expect(() => parseIdx(idx(0x08, [], new Uint8Array(0)))).toThrow(/0 dimensions/);
    expect(() => parseIdx(IMAGES.subarray(0, 9))).toThrow(/truncated header/);
    expect(() => parseIdx(IMAGES.subarray(0, IMAGES.length - 1))).toThrow(
      /needs 24 bytes of elements, the file has 23/,
    );
    const extra = new Uint8Array(IMAGES.length + 1);
    extra.set(IMAGES);
    expect(() => parseIdx(extra)).toThrow(/needs 24 bytes of elements, the file has 25/);
  });

  it('checks the size the header claims against the limit before allocating', () => {
    // 60000 × 60000 × 60000 float64s: far past any limit, in a 20-byte file.
    const huge = idx(0x0e, [60000, 60000, 60000], new Uint8Array(0));
    expect(() => parseIdxHeader(huge)).toThrow(/needs more than the limit of 1073741824 bytes/);
    expect(() => parseIdx(IMAGES, { maxBytes: 23 })).toThrow(/limit of 23 bytes/);
    expect(parseIdx(IMAGES, { maxBytes: 24 }).shape).toEqual([2, 3, 4]);
  });

  it('stops inflating a gzip bomb at the limit', () => {
    const bomb = gzipSync(idx(0x08, [4_000_000], new Uint8Array(4_000_000)));
    expect(bomb.length).toBeLessThan(10_000);
    expect(() => parseIdx(bomb, { maxBytes: 1_000_000 })).toThrow(
      /does not inflate within the limit/,
    );
  });
});

describe('readIdx', () => {
  it('streams plain and gzip files, told apart by their content', async () => {
    for (const path of [write('images.idx', IMAGES), write('images-no-suffix', gzipSync(IMAGES))]) {
      const parsed = await readIdx(path);
      expect(parsed.shape).toEqual([2, 3, 4]);
      expect(Array.from(parsed.data)).toEqual(Array.from(PIXELS));
    }
  });

  it('refuses truncated files, trailing data and oversized headers', async () => {
    await expect(readIdx(write('short', gzipSync(IMAGES.subarray(0, 30))))).rejects.toThrow(
      /truncated: .* needs 24 bytes of elements, the file has 14/,
    );
    await expect(readIdx(write('head', IMAGES.subarray(0, 6)))).rejects.toThrow(
      /truncated IDX header/,
    );
    const extra = new Uint8Array(IMAGES.length + 3);
    extra.set(IMAGES);
    await expect(readIdx(write('extra.gz', gzipSync(extra)))).rejects.toThrow(
      /more data than the header/,
    );
    const huge = idx(0x08, [100_000, 1000, 1000], new Uint8Array(16));
    await expect(readIdx(write('huge', huge))).rejects.toThrow(/limit of 1073741824 bytes/);
    await expect(readIdx(write('empty', new Uint8Array(0)))).rejects.toThrow(
      /truncated IDX header/,
    );
    // A cut gzip stream: the file and how far it got, not zlib's bare "unexpected end of file".
    const gz = gzipSync(IMAGES);
    await expect(readIdx(write('cut.gz', gz.subarray(0, gz.length - 10)))).rejects.toThrow(
      /cut\.gz: gzip data ends early or is corrupt after \d+ bytes of IDX data/,
    );
  });

  it('reads an image file with its labels', async () => {
    const data = await readIdxImages(write('i.gz', gzipSync(IMAGES)), write('l', LABELS));
    expect(data).toMatchObject({ n: 2, rows: 3, cols: 4 });
    expect(Array.from(data.labels)).toEqual([7, 3]);
    const three = idx(0x08, [3], Uint8Array.from([1, 2, 3]));
    await expect(readIdxImages(write('i2', IMAGES), write('l3', three))).rejects.toThrow(
      /has 2 images but .* has 3 labels/,
    );
    await expect(readIdxImages(write('i3', LABELS), write('l4', LABELS))).rejects.toThrow(
      /expected uint8 images \[n, rows, cols\], got uint8 \[2\]/,
    );
  });

  const FASHION = '/usr/share/datasets/fashion-mnist';
  // Debian's dataset-fashion-mnist, which .ci/run installs: real data, never skipped.
  it("reads Debian's Fashion-MNIST test split", async () => {
    const data = await readIdxImages(
      join(FASHION, 't10k-images-idx3-ubyte.gz'),
      join(FASHION, 't10k-labels-idx1-ubyte.gz'),
    );
    expect(data).toMatchObject({ n: 10_000, rows: 28, cols: 28 });
    expect(data.images.length).toBe(10_000 * 28 * 28);
    // Ten classes, 1,000 test images each.
    const counts = new Array<number>(10).fill(0);
    for (const label of data.labels) counts[label] = (counts[label] ?? 0) + 1;
    expect(counts).toEqual(new Array<number>(10).fill(1000));
  });
});
