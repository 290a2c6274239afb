import type { Hash } from 'node:crypto';
import { endianness } from 'node:os';

/**
 * Content hashes over typed arrays. The bytes hashed are the arrays' own memory, which is
 * little-endian on every platform Transferlab ships for (x86-64, arm64); a big-endian machine
 * would compute other hashes, so it is refused rather than silently disagreeing.
 */
if (endianness() !== 'LE') throw new Error('Transferlab hashes data as little-endian bytes');

function bytes(array: Float32Array | Int32Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

/** One named array block: its name and length go into the hash so blocks cannot run together. */
export function updateWithArray(hash: Hash, name: string, array: Float32Array | Int32Array): void {
  hash.update(`${name}:${array.constructor.name}:${array.length}\n`);
  hash.update(bytes(array));
}
