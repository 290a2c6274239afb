import type { Tensor } from '@tensorflow/tfjs';

/**
 * The first value of each tensor, read back asynchronously, and the tensors disposed. A GPU
 * backend has no synchronous read in Node (tfjs-backend-webgpu's readSync needs an
 * OffscreenCanvas; issue 15), so engine code that needs a number reads it this way, and reads
 * several at once where it can: one wait instead of one each.
 */
export async function readScalars(tensors: readonly Tensor[]): Promise<number[]> {
  try {
    const values = await Promise.all(tensors.map((t) => t.data()));
    return values.map((v) => v[0] ?? Number.NaN);
  } finally {
    for (const t of tensors) t.dispose();
  }
}
