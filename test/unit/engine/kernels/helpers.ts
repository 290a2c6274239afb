import type { Tensor } from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { selectBackend, type Tf } from '../../../../src-main/engine/backend';
import { Rng } from '../../../../src-main/engine/random';

/**
 * Runs the same computation on the cpu backend (the reference: plain JavaScript loops) and on
 * wasm with the engine's kernels (selectBackend('wasm') registers them), each time from the same
 * inputs, and returns both results as plain arrays.
 */
export async function onCpuAndWasm(
  compute: (tf: Tf) => Tensor | Tensor[],
): Promise<{ cpu: Float32Array[]; wasm: Float32Array[] }> {
  const { tf } = await selectBackend('wasm');
  const wasm = run(tf, compute);
  await tf.setBackend('cpu');
  const cpu = run(tf, compute);
  await tf.setBackend('wasm');
  return { cpu, wasm };
}

function run(tf: Tf, compute: (tf: Tf) => Tensor | Tensor[]): Float32Array[] {
  const out = compute(tf);
  const list = Array.isArray(out) ? out : [out];
  const values = list.map((t) => Float32Array.from(t.dataSync()));
  tf.dispose(list);
  return values;
}

/** Seeded values in [-1, 1): the same inputs on both backends and in every run. */
export function values(shape: number[], seed: number): Float32Array {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = 2 * rng.next() - 1;
  return out;
}

/**
 * Equal within `rtol` of the reference's largest magnitude, element by element: float32 sums
 * taken in another order (XNNPACK's blocking against the cpu backend's loops) differ by a few
 * ulps of the largest terms, not of each result.
 */
export function expectClose(actual: Float32Array, expected: Float32Array, rtol = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  let scale = 0;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  expect(scale).toBeGreaterThan(0);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs((actual[i] ?? NaN) - (expected[i] ?? NaN));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  expect(
    worst / scale,
    `element ${at}: ${actual[at]} against ${expected[at]} (scale ${scale})`,
  ).toBeLessThanOrEqual(rtol);
}

export function expectAllClose(
  result: { cpu: Float32Array[]; wasm: Float32Array[] },
  rtol = 1e-4,
): void {
  expect(result.wasm.length).toBe(result.cpu.length);
  result.cpu.forEach((expected, i) => {
    expectClose(result.wasm[i] ?? new Float32Array(), expected, rtol);
  });
}

/**
 * Tensors the engine tracks and data blocks the wasm backend holds. A kernel's intermediates
 * live on the backend only (the engine never sees them), so a leak there shows in
 * `dataIds` and not in tf.memory().
 */
export function wasmFootprint(tf: Tf): { tensors: number; bytes: number; dataIds: number } {
  const memory = tf.memory();
  return {
    tensors: memory.numTensors,
    bytes: memory.numBytes,
    dataIds: tf.engine().backend.numDataIds(),
  };
}

/** Calls `f` repeatedly on wasm and checks that nothing accumulates. */
export async function expectNoLeak(f: (tf: Tf) => void, repeats = 5): Promise<void> {
  const { tf } = await selectBackend('wasm');
  f(tf); // first call: lazily created state (XNNPACK operators, optimizer slots) is allowed
  const before = wasmFootprint(tf);
  for (let i = 0; i < repeats; i++) f(tf);
  expect(wasmFootprint(tf)).toEqual(before);
}
