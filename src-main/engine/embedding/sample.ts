import type { Split } from '../data/domain';
import { Rng } from '../random';

/** Rows drawn from a split, with their original labels (the dataset's, not 0..k-1). */
export interface DrawnRows {
  x: Float32Array;
  labels: number[];
  n: number;
}

/**
 * Up to `count` rows of `split`, without replacement, in a seeded order: the same split, count and
 * seed draw the same rows, so an embedding recomputed later shows the same points.
 */
export function drawRows(
  split: Split,
  featureSize: number,
  classes: readonly number[],
  count: number,
  seed: number,
): DrawnRows {
  const order = new Rng(seed).shuffle(Array.from({ length: split.n }, (_, i) => i));
  const picked = order.slice(0, Math.min(count, split.n)).sort((a, b) => a - b);
  const x = new Float32Array(picked.length * featureSize);
  picked.forEach((r, i) => {
    x.set(split.x.subarray(r * featureSize, (r + 1) * featureSize), i * featureSize);
  });
  const labels = picked.map((r) => {
    const c = split.y[r] ?? -1;
    return classes[c] ?? c;
  });
  return { x, labels, n: picked.length };
}
