import type { KernelConfig, KernelFunc, SumAttrs, TensorInfo } from '@tensorflow/tfjs';
import { allocate, heapF32, offsetOf, runStock, size, wasmBackend } from './wasmHeap';
import { tfjs } from '../tfjs';

const { Sum, util } = tfjs;

/**
 * Sum over leading axes for the wasm backend: the bias gradient of every Dense and Conv2D layer
 * (dy summed over the batch, and over the image for a convolution, leaving the channels). The
 * stock kernel (tfjs-backend-wasm 4.22) only reduces innermost axes, so it first transposes the
 * whole of dy to move the channels out of the way (≈ 10 ms for a 128×26×26×32 dy here); this
 * one adds the rows of the [rows, channels] matrix into float64 accumulators in one pass
 * (float64, like the cpu backend's running sum). Every other Sum goes to the stock kernel.
 */

/** Below this many elements the stock kernel's transpose costs nothing worth avoiding. */
const SMALL = 16 * 1024;

const sum: KernelFunc = ({ inputs, backend: anyBackend, attrs }) => {
  const backend = wasmBackend(anyBackend);
  const { x } = inputs as { x: TensorInfo };
  const { axis, keepDims } = attrs as unknown as SumAttrs;
  const rank = x.shape.length;
  const axes = [...new Set(util.parseAxisParam(axis, x.shape))].sort((a, b) => a - b);
  const leading = axes.every((a, i) => a === i);
  const total = size(x.shape);
  if (
    x.dtype !== 'float32' ||
    !leading ||
    axes.length === 0 ||
    axes.length === rank ||
    total < SMALL
  ) {
    return runStock(backend, Sum, { x }, { axis, keepDims });
  }
  const kept = x.shape.slice(axes.length);
  const cols = size(kept);
  const rows = total / cols;
  const acc = new Float64Array(cols);
  const out = allocate(backend, kept);
  const heap = heapF32(backend);
  let at = offsetOf(backend, x);
  let r = 0;
  // Four rows per pass: a quarter of the accumulator loads and stores.
  for (; r + 4 <= rows; r += 4, at += 4 * cols) {
    for (let c = 0; c < cols; c++) {
      const i = at + c;
      acc[c] =
        (acc[c] ?? 0) +
        (heap[i] ?? 0) +
        (heap[i + cols] ?? 0) +
        (heap[i + 2 * cols] ?? 0) +
        (heap[i + 3 * cols] ?? 0);
    }
  }
  for (; r < rows; r++, at += cols) {
    for (let c = 0; c < cols; c++) acc[c] = (acc[c] ?? 0) + (heap[at + c] ?? 0);
  }
  heap.set(acc, offsetOf(backend, out));
  return keepDims ? { ...out, shape: [...axes.map(() => 1), ...kept] } : out;
};

export const sumConfig: KernelConfig = {
  kernelName: Sum,
  backendName: 'wasm',
  kernelFunc: sum,
};
