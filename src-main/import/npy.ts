import { open, type FileHandle } from 'node:fs/promises';
import { MAX_ARRAY_BYTES, MAX_FEATURES, MAX_ROWS, WRITE_CHUNK_BYTES } from './limits';
import { labelMapping } from './labels';
import { plainReport, type ReadOutcome } from './types';
import type { ArraysWriter } from './writer';

/**
 * NumPy's .npy format (numpy.lib.format, "A Simple File Format for NumPy Arrays", NEP 1):
 *   bytes 0–5  \x93NUMPY;  byte 6 major version (1, 2 or 3);  byte 7 minor
 *   then the header's length: uint16 LE (version 1) or uint32 LE (versions 2 and 3)
 *   then the header, a Python dict literal such as
 *     {'descr': '<f4', 'fortran_order': False, 'shape': (60000, 28, 28), }
 *   then the elements, C order unless fortran_order.
 * The header is checked in full (type, order, every size, the bytes they need against the
 * limit and against the file's size) before anything is allocated.
 */

type Kind = 'f' | 'i' | 'u' | 'b';

export interface NpyHeader {
  kind: Kind;
  itemBytes: number;
  littleEndian: boolean;
  shape: number[];
  /** Where the elements start. */
  dataOffset: number;
  dataBytes: number;
  descr: string;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
const MAX_HEADER_BYTES = 65_536;

export async function readNpyHeader(file: FileHandle, path: string): Promise<NpyHeader> {
  const { size } = await file.stat();
  const prefix = new Uint8Array(12);
  const { bytesRead } = await file.read(prefix, 0, 12, 0);
  if (bytesRead < 10 || MAGIC.some((b, i) => prefix[i] !== b)) {
    throw new Error(`${path}: not an NPY file (byte 0: expected the magic string \\x93NUMPY)`);
  }
  const major = prefix[6] ?? 0;
  if (major < 1 || major > 3) throw new Error(`${path}: byte 6: unknown NPY version ${major}`);
  const view = new DataView(prefix.buffer);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytesRead < 8 + lengthBytes)
    throw new Error(`${path}: truncated NPY header (${bytesRead} bytes)`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + lengthBytes;
  if (headerLength > MAX_HEADER_BYTES) {
    throw new Error(
      `${path}: byte 8: a header of ${headerLength} bytes (at most ${MAX_HEADER_BYTES})`,
    );
  }
  if (headerStart + headerLength > size) {
    throw new Error(
      `${path}: truncated: the header needs ${headerStart + headerLength} bytes, the file has ${size}`,
    );
  }
  const headerBytes = new Uint8Array(headerLength);
  await file.read(headerBytes, 0, headerLength, headerStart);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(headerBytes);
  const where = `${path}: header at byte ${headerStart}`;
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(text)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new Error(
      `${where}: expected 'descr', 'fortran_order' and 'shape' in ${JSON.stringify(text.slice(0, 200))}`,
    );
  }
  if (fortran === 'True') {
    throw new Error(
      `${where}: Fortran-order arrays are not supported; save with np.ascontiguousarray`,
    );
  }
  const type = /^([<>|=]?)([fiub])(\d+)$/.exec(descr);
  const kind = type?.[2] as Kind | undefined;
  const itemBytes = Number(type?.[3] ?? 0);
  const supported =
    kind !== undefined &&
    ((kind === 'f' && (itemBytes === 4 || itemBytes === 8)) ||
      ((kind === 'i' || kind === 'u') && [1, 2, 4, 8].includes(itemBytes)) ||
      (kind === 'b' && itemBytes === 1));
  if (!supported) {
    throw new Error(
      `${where}: element type '${descr}' is not supported (floats f4/f8, integers i1–i8/u1–u8, bool)`,
    );
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim().replace(/L$/, ''))
    .filter((s) => s !== '')
    .map((s) => {
      if (!/^\d+$/.test(s)) throw new Error(`${where}: shape entry "${s}" is not a size`);
      return Number(s);
    });
  let dataBytes = itemBytes;
  for (const dim of shape) {
    dataBytes *= dim;
    if (dataBytes > MAX_ARRAY_BYTES * 8) {
      throw new Error(
        `${where}: the shape (${shape.join(', ')}) of '${descr}' needs more than ${MAX_ARRAY_BYTES * 8} bytes`,
      );
    }
  }
  const dataOffset = headerStart + headerLength;
  if (size !== dataOffset + dataBytes) {
    throw new Error(
      `${path}: ${size < dataOffset + dataBytes ? 'truncated' : 'trailing bytes'}: the shape ` +
        `(${shape.join(', ')}) of '${descr}' needs ${dataBytes} bytes from byte ${dataOffset}, the file has ${size - dataOffset}`,
    );
  }
  return { kind, itemBytes, littleEndian: type?.[1] !== '>', shape, dataOffset, dataBytes, descr };
}

/** Element i of a chunk as a number (int64 values beyond 2^53 lose precision, as in JS). */
function element(view: DataView, header: NpyHeader, i: number): number {
  const at = i * header.itemBytes;
  const le = header.littleEndian;
  switch (header.kind) {
    case 'f':
      return header.itemBytes === 4 ? view.getFloat32(at, le) : view.getFloat64(at, le);
    case 'b':
      return view.getUint8(at) === 0 ? 0 : 1;
    case 'i':
      if (header.itemBytes === 1) return view.getInt8(at);
      if (header.itemBytes === 2) return view.getInt16(at, le);
      if (header.itemBytes === 4) return view.getInt32(at, le);
      return Number(view.getBigInt64(at, le));
    case 'u':
      if (header.itemBytes === 1) return view.getUint8(at);
      if (header.itemBytes === 2) return view.getUint16(at, le);
      if (header.itemBytes === 4) return view.getUint32(at, le);
      return Number(view.getBigUint64(at, le));
  }
}

/**
 * Imports a features .npy [n, ...shape] with its labels .npy [n] (integers, or floats holding
 * integers). Features are streamed to the dataset in chunks; a NaN or infinite value is refused
 * with its row and byte offset.
 */
export async function readNpyDataset(
  featuresPath: string,
  labelsPath: string,
  newWriter: (featureShape: number[]) => ArraysWriter,
): Promise<ReadOutcome> {
  const labels = await readNpyLabels(labelsPath);
  const file = await open(featuresPath, 'r');
  try {
    const header = await readNpyHeader(file, featuresPath);
    const [n = 0, ...featureShape] = header.shape;
    if (featureShape.length === 0) {
      throw new Error(
        `${featuresPath}: a 1-D array (${n}) holds no rows of features; is it the labels file?`,
      );
    }
    const featureSize = featureShape.reduce((a, b) => a * b, 1);
    if (featureSize > MAX_FEATURES || n > MAX_ROWS) {
      throw new Error(
        `${featuresPath}: shape (${header.shape.join(', ')}) exceeds ${MAX_ROWS} rows or ${MAX_FEATURES} features`,
      );
    }
    if (labels.values.length !== n) {
      throw new Error(
        `${featuresPath} has ${n} rows but ${labelsPath} has ${labels.values.length} labels`,
      );
    }
    const writer = newWriter(featureShape);
    const rowBytes = featureSize * header.itemBytes;
    const rowsPerChunk = Math.max(1, Math.floor(WRITE_CHUNK_BYTES / rowBytes));
    const chunk = new Uint8Array(rowsPerChunk * rowBytes);
    const row = new Float32Array(featureSize);
    for (let start = 0; start < n; start += rowsPerChunk) {
      const count = Math.min(rowsPerChunk, n - start);
      const offset = header.dataOffset + start * rowBytes;
      const { bytesRead } = await file.read(chunk, 0, count * rowBytes, offset);
      if (bytesRead !== count * rowBytes) {
        throw new Error(
          `${featuresPath}: byte ${offset + bytesRead}: the file ended early (did it change?)`,
        );
      }
      const view = new DataView(chunk.buffer, 0, count * rowBytes);
      for (let r = 0; r < count; r++) {
        for (let j = 0; j < featureSize; j++) {
          const v = element(view, header, r * featureSize + j);
          if (!Number.isFinite(v)) {
            const at = offset + (r * featureSize + j) * header.itemBytes;
            throw new Error(
              `${featuresPath}: row ${start + r}, byte ${at}: ${v} is not a finite number`,
            );
          }
          row[j] = v;
        }
        writer.push(row, labels.classOf(start + r));
      }
    }
    const images = featureShape.length >= 2;
    return {
      report: {
        ...plainReport(n),
        ...(labels.labelMap ? { labelMap: labels.labelMap } : {}),
      },
      scale: header.kind === 'u' && header.itemBytes === 1 ? 255 : 1,
      standardize: !images,
    };
  } finally {
    await file.close();
  }
}

async function readNpyLabels(path: string): Promise<{
  values: Float64Array;
  classOf: (row: number) => number;
  labelMap?: { original: string; label: number }[];
}> {
  const file = await open(path, 'r');
  try {
    const header = await readNpyHeader(file, path);
    if (header.shape.length !== 1) {
      throw new Error(`${path}: labels must be 1-D, not shape (${header.shape.join(', ')})`);
    }
    const n = header.shape[0] ?? 0;
    if (n > MAX_ROWS) throw new Error(`${path}: ${n} labels; at most ${MAX_ROWS}`);
    const bytes = new Uint8Array(header.dataBytes);
    await file.read(bytes, 0, bytes.length, header.dataOffset);
    const view = new DataView(bytes.buffer);
    const values = new Float64Array(n);
    const distinct = new Set<string>();
    for (let i = 0; i < n; i++) {
      const v = element(view, header, i);
      if (!Number.isInteger(v)) {
        throw new Error(
          `${path}: label ${i} (byte ${header.dataOffset + i * header.itemBytes}) is ${v}, not an integer`,
        );
      }
      values[i] = v;
      distinct.add(String(v));
    }
    const mapping = labelMapping(distinct);
    return {
      values,
      classOf: (row) => mapping.classOf(String(values[row] ?? 0)),
      ...(mapping.labelMap ? { labelMap: mapping.labelMap } : {}),
    };
  } finally {
    await file.close();
  }
}
