import { open } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip, gunzipSync } from 'node:zlib';

/**
 * The IDX format of MNIST and Fashion-MNIST (LeCun et al., http://yann.lecun.com/exdb/mnist/,
 * "FILE FORMATS FOR THE MNIST DATABASE"), plain or gzip-compressed:
 *
 *   bytes 0–1  zero
 *   byte  2    element type: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32,
 *              0x0E float64
 *   byte  3    number of dimensions d
 *   then d big-endian uint32 sizes, then the elements, big-endian, row-major (last index fastest).
 *
 * Files come from outside the program, so the header is read and checked first (magic, type,
 * rank, every size, their product against a byte limit) and the element buffer is allocated
 * only then, at exactly the size the header promises; the payload must then fill it exactly —
 * a truncated file and trailing bytes are both errors. A gzip file is inflated as a stream, so
 * neither a lying header nor a decompression bomb can make the reader allocate more than the
 * limit.
 */

export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

export type IdxData =
  Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  dtype: IdxDtype;
  /** Sizes, outermost first: [images, rows, columns] for an image file, [labels] for labels. */
  shape: number[];
  /** The elements in native byte order, row-major. */
  data: IdxData;
}

export interface IdxHeader {
  dtype: IdxDtype;
  shape: number[];
  /** 4 + 4·rank. */
  headerBytes: number;
  /** Element bytes the header promises. */
  payloadBytes: number;
}

export interface IdxOptions {
  /** The most payload bytes accepted (default 1 GiB; full Fashion-MNIST's images are 47 MB). */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 1024 ** 3;
const MAX_RANK = 16;

const TYPES: Record<number, { dtype: IdxDtype; bytes: number }> = {
  0x08: { dtype: 'uint8', bytes: 1 },
  0x09: { dtype: 'int8', bytes: 1 },
  0x0b: { dtype: 'int16', bytes: 2 },
  0x0c: { dtype: 'int32', bytes: 4 },
  0x0d: { dtype: 'float32', bytes: 4 },
  0x0e: { dtype: 'float64', bytes: 8 },
};

const GZIP_MAGIC = [0x1f, 0x8b] as const;

/**
 * The header at the start of `bytes` (uncompressed), or null when `bytes` is too short to hold
 * all of it yet. Throws on anything that is not a valid IDX header within the limit.
 */
export function parseIdxHeader(bytes: Uint8Array, options: IdxOptions = {}): IdxHeader | null {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (bytes.length < 4) return null;
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(
      `Not an IDX file: the first two bytes are ${hex(bytes[0])} ${hex(bytes[1])}, not 00 00`,
    );
  }
  const typeCode = bytes[2] ?? 0;
  const type = TYPES[typeCode];
  if (type === undefined) throw new Error(`IDX: unknown element type ${hex(typeCode)}`);
  const rank = bytes[3] ?? 0;
  if (rank < 1 || rank > MAX_RANK) {
    throw new Error(`IDX: ${rank} dimensions (expected 1 to ${MAX_RANK})`);
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, headerBytes);
  const shape: number[] = [];
  let payloadBytes = type.bytes;
  for (let i = 0; i < rank; i++) {
    const size = view.getUint32(4 + 4 * i, false);
    shape.push(size);
    payloadBytes *= size;
    // Checked at every step, so the product never grows past what a double holds exactly.
    if (payloadBytes > maxBytes) {
      throw new Error(
        `IDX: the header's shape [${shape.join(', ')}${i < rank - 1 ? ', ...' : ''}] of ` +
          `${type.dtype} needs more than the limit of ${maxBytes} bytes`,
      );
    }
  }
  return { dtype: type.dtype, shape, headerBytes, payloadBytes };
}

/** Parses a whole IDX file held in memory, gzip-compressed or not. */
export function parseIdx(bytes: Uint8Array, options: IdxOptions = {}): IdxArray {
  let raw = bytes;
  if (isGzip(bytes)) {
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    try {
      // The largest header plus the largest payload: a bomb stops there.
      raw = gunzipSync(bytes, { maxOutputLength: 4 + 4 * MAX_RANK + maxBytes + 1 });
    } catch (e) {
      throw new Error(`IDX: gzip data does not inflate within the limit: ${message(e)}`, {
        cause: e,
      });
    }
  }
  const header = parseIdxHeader(raw, options);
  if (header === null) throw new Error(`IDX: truncated header (${raw.length} bytes)`);
  const payload = raw.subarray(header.headerBytes);
  if (payload.length !== header.payloadBytes) {
    throw new Error(
      `IDX: the header's shape [${header.shape.join(', ')}] of ${header.dtype} needs ` +
        `${header.payloadBytes} bytes of elements, the file has ${payload.length}`,
    );
  }
  // A copy, so the result owns its buffer whatever `bytes` was a view of.
  return { dtype: header.dtype, shape: header.shape, data: decode(header, payload.slice()) };
}

/**
 * Reads an IDX file, gzip-compressed or not (told by its first two bytes, not by its name),
 * streaming: the header is checked before the element buffer is allocated.
 */
export async function readIdx(path: string, options: IdxOptions = {}): Promise<IdxArray> {
  const gz = await startsWithGzipMagic(path);
  let header: IdxHeader | null = null;
  let pending: Uint8Array = new Uint8Array(0);
  let payload = new Uint8Array(0);
  let filled = 0;
  /** Bytes of IDX data (after gunzip) that reached the sink: where a broken file ends. */
  let received = 0;
  // The sink's own error, which pipeline may report as an abort of the streams before it.
  let failure: Error | undefined;
  const sink = async (source: AsyncIterable<Buffer>): Promise<void> => {
    for await (const chunk of source) {
      received += chunk.length;
      let bytes: Uint8Array = chunk;
      if (header === null) {
        pending = concat(pending, bytes);
        try {
          header = parseIdxHeader(pending, options);
        } catch (e) {
          failure = e instanceof Error ? e : new Error(String(e));
          throw failure;
        }
        if (header === null) continue;
        payload = new Uint8Array(header.payloadBytes);
        bytes = pending.subarray(header.headerBytes);
      }
      if (filled + bytes.length > payload.length) {
        failure = new Error(
          `${path}: more data than the header's shape [${header.shape.join(', ')}] of ` +
            `${header.dtype} (${header.payloadBytes} bytes of elements)`,
        );
        throw failure;
      }
      payload.set(bytes, filled);
      filled += bytes.length;
    }
  };
  const read = createReadStream(path);
  try {
    if (gz) await pipeline(read, createGunzip(), sink);
    else await pipeline(read, sink);
  } catch (e) {
    if (failure !== undefined) throw failure;
    // zlib's own words ("unexpected end of file") name neither the file nor the place.
    throw new Error(
      `${path}: ${gz ? 'gzip data ends early or is corrupt after' : 'cannot read past'} ` +
        `${received} bytes of IDX data: ${message(e)}`,
      { cause: e },
    );
  }
  // TypeScript cannot see that the sink assigns `header`.
  const done = header as IdxHeader | null;
  if (done === null) throw new Error(`${path}: truncated IDX header (${pending.length} bytes)`);
  if (filled !== done.payloadBytes) {
    throw new Error(
      `${path}: truncated: the header's shape [${done.shape.join(', ')}] of ${done.dtype} ` +
        `needs ${done.payloadBytes} bytes of elements, the file has ${filled}`,
    );
  }
  return { dtype: done.dtype, shape: done.shape, data: decode(done, payload) };
}

export interface IdxImages {
  /** uint8 pixels, n × rows × cols, row-major. */
  images: Uint8Array;
  /** uint8 labels, n. */
  labels: Uint8Array;
  n: number;
  rows: number;
  cols: number;
}

/**
 * An MNIST-style pair: a rank-3 uint8 image file and a rank-1 uint8 label file of the same
 * length (Fashion-MNIST: train-images-idx3-ubyte.gz with train-labels-idx1-ubyte.gz).
 */
export async function readIdxImages(
  imagesPath: string,
  labelsPath: string,
  options: IdxOptions = {},
): Promise<IdxImages> {
  const [images, labels] = await Promise.all([
    readIdx(imagesPath, options),
    readIdx(labelsPath, options),
  ]);
  if (
    images.dtype !== 'uint8' ||
    images.shape.length !== 3 ||
    !(images.data instanceof Uint8Array)
  ) {
    throw new Error(
      `${imagesPath}: expected uint8 images [n, rows, cols], got ${images.dtype} ` +
        `[${images.shape.join(', ')}]`,
    );
  }
  if (
    labels.dtype !== 'uint8' ||
    labels.shape.length !== 1 ||
    !(labels.data instanceof Uint8Array)
  ) {
    throw new Error(
      `${labelsPath}: expected uint8 labels [n], got ${labels.dtype} [${labels.shape.join(', ')}]`,
    );
  }
  const [n = 0, rows = 0, cols = 0] = images.shape;
  if (labels.shape[0] !== n) {
    throw new Error(
      `${imagesPath} has ${n} images but ${labelsPath} has ${labels.shape[0]} labels`,
    );
  }
  return { images: images.data, labels: labels.data, n, rows, cols };
}

/** The elements in native order (IDX stores multi-byte elements big-endian). */
function decode(header: IdxHeader, payload: Uint8Array): IdxData {
  const count = header.shape.reduce((a, b) => a * b, 1);
  if (header.dtype === 'uint8') return payload;
  if (header.dtype === 'int8') return new Int8Array(payload.buffer, payload.byteOffset, count);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  switch (header.dtype) {
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, false);
      return out;
    }
  }
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

async function startsWithGzipMagic(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const head = new Uint8Array(2);
    const { bytesRead } = await file.read(head, 0, 2, 0);
    return bytesRead === 2 && isGzip(head);
  } finally {
    await file.close();
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function hex(byte: number | undefined): string {
  return `0x${(byte ?? 0).toString(16).padStart(2, '0')}`;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
