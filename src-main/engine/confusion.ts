import type { Tensor } from '@tensorflow/tfjs';
import { predictedClasses } from './head';
import type { Tf } from './backend';

/** Rows per forward pass, as the loop's evaluation. */
const CHUNK = 4096;

/**
 * The confusion matrix of a classifier on one split: counts[true][predicted], k × k. Computed
 * once when a run completes, on the test split, so the Compare view can show where a transfer
 * helps or hurts per class without keeping every prediction.
 */
export async function confusionMatrix(
  tf: Tf,
  evalLogits: (x: Tensor) => Tensor,
  split: { x: Tensor; y: Tensor; n: number },
  numClasses: number,
): Promise<number[][]> {
  const counts = emptyConfusion(numClasses);
  for (let start = 0; start < split.n; start += CHUNK) {
    const size = Math.min(CHUNK, split.n - start);
    const [y, predicted] = tf.tidy(() => {
      const x = tf.slice(split.x, start, size);
      return [tf.slice(split.y, start, size), predictedClasses(tf, evalLogits(x))];
    });
    try {
      // Read back asynchronously: a GPU backend has no synchronous read (issue 15).
      const [truth, classes] = await Promise.all([y.data(), predicted.data()]);
      countInto(counts, truth, classes);
    } finally {
      tf.dispose([y, predicted]);
    }
  }
  return counts;
}

/** k × k zeros: counts[true][predicted]. */
export function emptyConfusion(numClasses: number): number[][] {
  return Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
}

/** Adds one chunk's predictions (the training loop's final evaluation counts as it measures). */
export function countInto(
  counts: number[][],
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
): void {
  const k = counts.length;
  for (let i = 0; i < truth.length; i++) {
    const row = counts[truth[i] ?? -1];
    const p = predicted[i] ?? -1;
    if (row !== undefined && p >= 0 && p < k) row[p] = (row[p] ?? 0) + 1;
  }
}
