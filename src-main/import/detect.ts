import { open, stat } from 'node:fs/promises';
import type { ImportFormat } from '../../src-shared/rpc/datasets';

/**
 * Guesses a file's format: a folder is an image folder; otherwise the first bytes (NPY's magic,
 * IDX's two zero bytes, gzip wrapping either IDX or CSV, JSON's opening bracket), then the name.
 */
export async function detectFormat(path: string, name: string): Promise<ImportFormat> {
  if ((await stat(path)).isDirectory()) return 'image-folder';
  const lower = name.toLowerCase();
  const head = new Uint8Array(8);
  const file = await open(path, 'r');
  try {
    await file.read(head, 0, 8, 0);
  } finally {
    await file.close();
  }
  if (head[0] === 0x93 && String.fromCharCode(...head.subarray(1, 6)) === 'NUMPY') return 'npy';
  if (head[0] === 0 && head[1] === 0 && (head[2] ?? 0) >= 0x08 && (head[2] ?? 0) <= 0x0e)
    return 'idx';
  if (/idx\d-ubyte|\.idx\d?(\.gz)?$/.test(lower)) return 'idx';
  if (/\.json$/.test(lower)) return 'json';
  if (/\.npy$/.test(lower)) return 'npy';
  const first = String.fromCharCode(...head).trimStart()[0];
  if (head[0] !== 0x1f && (first === '[' || first === '{')) return 'json';
  return 'csv';
}
