import { isAccuracy, type Difference } from './differences';
import type { RunRecord } from './parity';

/**
 * How far a run on webgpu may depart from the same job on wasm (issue 15, point 2), and why.
 *
 * Both backends compute in float32 (unit roundoff u = 2⁻²⁴ ≈ 6e-8) but not the same way: webgpu
 * sums a matmul, a convolution or a mean in another order (workgroup tiles, tree reductions) than
 * wasm's XNNPACK and the engine's kernels, may contract a·b + c into one FMA, and evaluates exp
 * and log with WGSL's built-ins (exp within 3 + 2|x| ULP, log within 3 ULP) rather than libm's; the
 * engine's fused Adam (kernels/adam.ts) runs on wasm only, tf.train.adam's ops elsewhere.
 *
 * - One op: a reordered sum of n terms differs by about √n·u (n·u at worst). The longest sums
 *   here are the CNN's filter gradient (16 rows × 36 positions = 576 terms, ≈ 24u), a split's
 *   mean loss (≤ 120 rows, ≈ 11u) and a Dense layer's dot products (≤ 36 terms), plus a few u
 *   per transcendental.
 * - One step (forward, loss, backward through ≤ 3 layers, ~10 ops in a chain): some tens of u,
 *   δ ≈ 40u ≈ 2.5e-6 relative on a gradient.
 * - Training: Adam divides the gradient by its running RMS, so a relative gradient error δ moves
 *   an update by about 2δ·lr per weight and step. Over T ≤ 42 steps (2 epochs of ≤ 21 batches) at
 *   lr 0.01 the weights part by ≲ 2e-6, the losses by ≲ 1e-5 relative: the estimate.
 * - KMM is the exception the estimate misses: its weights solve a quadratic program whose Gram
 *   matrix has eigenvalues of 1e-4 and less (losses/kmm.ts), so float32 rounding of the Gram
 *   matrix moves them by up to residual/λ. Measured on the MLP pair: both backends' solvers
 *   converge in 710 iterations to the same objective (within 3e-9 relative), yet the weights
 *   (mean 0.98) differ by up to 7e-4, and the weighted losses by 1.2e-5.
 * - So LOSS_RELATIVE is 1e-4, about ten times the estimate and the KMM case: other adapters (a
 *   real GPU's reduction tree, FMA) round otherwise than lavapipe, and the estimate ignores
 *   feedback through later gradients.
 * - What it still sees (bench/webgpuParity.ts --sensitivity, on wasm): scaling every update by
 *   1 + 1e-3 moves these runs' losses by 4.5e-5 (fine-tune with a frozen layer) to 3.7e-4, and
 *   by 1 + 1e-4 those of DANN on the CNN by 9.4e-4 (adversarial training amplifies): a kernel
 *   that errs systematically by 1e-3 in the updates fails this tolerance in every case but one.
 * - An accuracy is a count of rows on the right side of a decision boundary: it is exact unless a
 *   row lies within the logits' difference of the boundary, so ACCURACY_ROWS allows one row of
 *   the smallest split measured.
 *
 * Measured on lavapipe (llvmpipe, LLVM 15, 256 bits), every strategy and the CNN cases, 2 epochs
 * (npx tsx bench/webgpuParity.ts): the largest loss difference 1.2e-5 relative (KMM), 6.2e-7
 * (≈ 10u) without KMM, and no accuracy difference at all.
 */
export const TOLERANCE = { LOSS_RELATIVE: 1e-4, ACCURACY_ROWS: 1 } as const;

/** Every difference beyond TOLERANCE, NaN on one side included. */
export function outsideTolerance(diffs: readonly Difference[], run: RunRecord): Difference[] {
  const sizes = run.splitSizes;
  const measured = [sizes?.train, sizes?.val, sizes?.test, sizes?.source].filter(
    (n): n is number => n !== undefined && n > 0,
  );
  const oneRow = measured.length > 0 ? 1 / Math.min(...measured) : 0;
  return diffs.filter((d) =>
    isAccuracy(d.key)
      ? !(d.abs <= TOLERANCE.ACCURACY_ROWS * oneRow + Number.EPSILON)
      : !(d.rel <= TOLERANCE.LOSS_RELATIVE),
  );
}

/**
 * Whether a run's tf.memory() stayed flat: the same tensor count and bytes (and bytes of GPU
 * buffers held by tensors) at every epoch, unless `growsPerEpoch` (TrAdaBoost keeps the learners
 * of the rounds that may still vote), and the tensor count and bytes back where they started
 * once train() returned. The GPU bytes are not compared across the run's ends: the
 * webgpu backend releases a disposed tensor's buffer only when its queue is next submitted, so a
 * previous run's last buffers may still count when this one starts. A message naming what moved
 * otherwise.
 */
export function flatMemory(
  run: RunRecord,
  { growsPerEpoch = false }: { growsPerEpoch?: boolean } = {},
): { problem: string | undefined } {
  const { before, perEpoch, after } = run.memory;
  const problems: string[] = [];
  for (const key of growsPerEpoch ? [] : (['numTensors', 'numBytes', 'numBytesInGPU'] as const)) {
    const values = perEpoch.map((m) => m[key]);
    if (new Set(values).size > 1) problems.push(`${key} per epoch ${values.join(' → ')}`);
  }
  if (after.numTensors !== before.numTensors)
    problems.push(`${after.numTensors - before.numTensors} tensors left after the run`);
  if (after.numBytes !== before.numBytes)
    problems.push(`${after.numBytes - before.numBytes} bytes left after the run`);
  return { problem: problems.length > 0 ? problems.join('; ') : undefined };
}
