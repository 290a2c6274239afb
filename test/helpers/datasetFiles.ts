import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** Test fixtures in the formats the importer reads, written by hand or by the same libraries. */

/** An .npy file (version 1.0, C order) holding `values` of `descr` ('<f4', '|u1', '<i8', ...). */
export function npyBytes(descr: string, shape: number[], values: ArrayLike<number>): Buffer {
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  // Magic (6) + version (2) + length (2) + header, padded with spaces to a multiple of 64.
  const unpadded = 10 + dict.length + 1;
  const header = dict + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const prefix = Buffer.alloc(10);
  prefix.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  prefix.writeUInt16LE(header.length, 8);
  const kind = descr.slice(1);
  const item = Number(kind.slice(1));
  const data = Buffer.alloc(values.length * item);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? 0;
    if (kind === 'f4') data.writeFloatLE(v, 4 * i);
    else if (kind === 'f8') data.writeDoubleLE(v, 8 * i);
    else if (kind === 'u1') data.writeUInt8(v, i);
    else if (kind === 'i4') data.writeInt32LE(v, 4 * i);
    else if (kind === 'i8') data.writeBigInt64LE(BigInt(v), 8 * i);
    else throw new Error(`npyBytes: ${descr} not supported`);
  }
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), data]);
}

/** An uncompressed IDX file of uint8 elements. */
export function idxBytes(shape: number[], values: ArrayLike<number>): Buffer {
  const header = Buffer.alloc(4 + 4 * shape.length);
  header.set([0, 0, 0x08, shape.length]);
  shape.forEach((s, i) => header.writeUInt32BE(s, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(Array.from(values))]);
}

/** A solid-colour RGB(A) image as PNG or JPEG bytes. */
export function imageBytes(
  kind: 'png' | 'jpeg',
  width: number,
  height: number,
  rgb: [number, number, number],
): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let p = 0; p < width * height; p++) data.set([...rgb, 255], 4 * p);
  if (kind === 'jpeg') return jpeg.encode({ data, width, height }, 95).data;
  const png = new PNG({ width, height });
  data.copy(png.data);
  return PNG.sync.write(png);
}

/** An image folder: one subfolder per class, `perClass` images each (PNG and JPEG mixed). */
export function writeImageFolder(
  root: string,
  classes: Record<string, [number, number, number]>,
  perClass: number,
): void {
  for (const [name, rgb] of Object.entries(classes)) {
    mkdirSync(join(root, name), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      const kind = i % 2 === 0 ? 'png' : 'jpeg';
      writeFileSync(
        join(root, name, `${i}.${kind === 'png' ? 'png' : 'jpg'}`),
        imageBytes(kind, 10 + i, 12, rgb),
      );
    }
  }
}
