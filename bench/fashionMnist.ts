import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readIdxImages } from '../src-main/data/idx';

/** Where Debian's dataset-fashion-mnist package puts the IDX files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export interface ImageSet {
  /** Pixels scaled to [0, 1], n × 28 × 28 (one channel). */
  x: Float32Array;
  /** Class labels 0–9. */
  y: Int32Array;
  n: number;
}

export function fashionMnistAvailable(dir = FASHION_MNIST_DIR): boolean {
  return ['train', 't10k'].every(
    (split) =>
      existsSync(join(dir, `${split}-images-idx3-ubyte.gz`)) &&
      existsSync(join(dir, `${split}-labels-idx1-ubyte.gz`)),
  );
}

/** One split of Fashion-MNIST, optionally only its first `limit` images. */
export async function loadFashionMnist(
  split: 'train' | 't10k',
  limit = Infinity,
  dir = FASHION_MNIST_DIR,
): Promise<ImageSet> {
  if (!fashionMnistAvailable(dir)) {
    throw new Error(
      `Fashion-MNIST is not in ${dir}: install Debian's dataset-fashion-mnist ` +
        '(apt-get install -y dataset-fashion-mnist)',
    );
  }
  const data = await readIdxImages(
    join(dir, `${split}-images-idx3-ubyte.gz`),
    join(dir, `${split}-labels-idx1-ubyte.gz`),
  );
  if (data.rows !== 28 || data.cols !== 28) {
    throw new Error(`Expected 28×28 images, got ${data.rows}×${data.cols}`);
  }
  const n = Math.min(data.n, limit);
  const pixels = 28 * 28;
  const x = new Float32Array(n * pixels);
  for (let i = 0; i < n * pixels; i++) x[i] = (data.images[i] ?? 0) / 255;
  const y = Int32Array.from(data.labels.subarray(0, n));
  return { x, y, n };
}
