import type { BatchMatMulAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import {
  allocate,
  heapF32,
  offsetOf,
  release,
  runStock,
  size,
  view,
  wasmBackend,
  type WasmBackend,
} from './wasmHeap';
import { tfjs } from '../tfjs';

const { BatchMatMul } = tfjs;

/**
 * BatchMatMul for the wasm backend, built on the stock kernel's fast path.
 *
 * The stock kernel (tfjs-backend-wasm 4.22) hands a single plain product, A·B with no transpose
 * and no batch, to XNNPACK's fully-connected operator (≈ 30 GFLOP/s per core here). Any
 * transposeA/transposeB, or a batch of more than one matrix on both sides, falls to a naive
 * triple loop (≈ 2 GFLOP/s), and every Dense layer's backward pass asks for exactly those:
 * dx = dy·Wᵀ and dW = xᵀ·dy. So this kernel rewrites each product as plain ones:
 *   Aᵀ·B   = transpose(A)·B            or  (Bᵀ·A)ᵀ   = transpose(transpose(B)·A)
 *   A·Bᵀ   = A·transpose(B)            or  (B·Aᵀ)ᵀ   = transpose(B·transpose(A))
 *   Aᵀ·Bᵀ  = (B·A)ᵀ = transpose(B·A)   or  transpose(A)·transpose(B)
 * taking whichever moves fewer elements through the (fast, memory-bound) Transpose kernel and
 * XNNPACK's repacking of the right operand (packing() below), and splits a batch into single
 * products. Tiny products stay on the stock kernel: there the naive loop costs less than the
 * extra kernel calls and XNNPACK's per-call operator set-up.
 */

/** Below this many multiply-adds a product goes to the stock kernel as it is. */
const SMALL_PRODUCT = 32 * 1024;

interface Operand {
  info: TensorInfo;
  transposed: boolean;
}

const batchMatMul: KernelFunc = ({ inputs, backend: anyBackend, attrs }) => {
  const backend = wasmBackend(anyBackend);
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = attrs as unknown as BatchMatMulAttrs;
  const aRank = a.shape.length;
  const bRank = b.shape.length;
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || aRank < 2 || bRank < 2) {
    return runStock(backend, BatchMatMul, { a, b }, { transposeA, transposeB });
  }
  const aRows = dim(a.shape, aRank - 2);
  const aCols = dim(a.shape, aRank - 1);
  const bRows = dim(b.shape, bRank - 2);
  const bCols = dim(b.shape, bRank - 1);
  const m = transposeA ? aCols : aRows;
  const k = transposeA ? aRows : aCols;
  const n = transposeB ? bRows : bCols;
  const kB = transposeB ? bCols : bRows;
  const batchA = size(a.shape.slice(0, -2));
  const batchB = size(b.shape.slice(0, -2));
  const batch = Math.max(batchA, batchB);
  const outShape = [...broadcastOuter(a.shape.slice(0, -2), b.shape.slice(0, -2)), m, n];
  const stock = (): TensorInfo =>
    runStock(backend, BatchMatMul, { a, b }, { transposeA, transposeB });
  // Mismatched shapes: the stock kernel throws tfjs's own message.
  if (k !== kB || m * n * k === 0) return stock();

  // One product: no batch on either side.
  if (batchA === 1 && batchB === 1) {
    if (m * n * k < SMALL_PRODUCT) return stock();
    const out = product(
      backend,
      { info: view(a, [aRows, aCols]), transposed: transposeA },
      { info: view(b, [bRows, bCols]), transposed: transposeB },
    );
    return { ...out, shape: outShape };
  }
  // A batch of A's against one B: stack the A's into one tall matrix.
  if (batchB === 1 && !transposeA) {
    if (batchA * m * n * k < SMALL_PRODUCT) return stock();
    const out = product(
      backend,
      { info: view(a, [batchA * aRows, aCols]), transposed: false },
      { info: view(b, [bRows, bCols]), transposed: transposeB },
    );
    return { ...out, shape: outShape };
  }
  // Otherwise one product per batch entry, indexed as the cpu backend does (i mod batch size).
  if (m * n * k < SMALL_PRODUCT) return stock();
  const out = allocate(backend, [batch, m, n]);
  for (let i = 0; i < batch; i++) {
    const ai = copyMatrix(backend, a, i % batchA, [aRows, aCols]);
    const bi = copyMatrix(backend, b, i % batchB, [bRows, bCols]);
    const ci = product(
      backend,
      { info: ai, transposed: transposeA },
      { info: bi, transposed: transposeB },
    );
    const from = offsetOf(backend, ci);
    heapF32(backend).copyWithin(offsetOf(backend, out) + i * m * n, from, from + m * n);
    release(backend, ai, bi, ci);
  }
  return { ...out, shape: outShape };
};

/**
 * op(A)·op(B) for 2-D operands through plain products and transposes (see the file comment);
 * returns a new [m, n] tensor. The operands are not released.
 */
export function product(backend: WasmBackend, a: Operand, b: Operand): TensorInfo {
  const [aRows, aCols] = a.info.shape as [number, number];
  const [bRows, bCols] = b.info.shape as [number, number];
  const m = a.transposed ? aCols : aRows;
  const k = a.transposed ? aRows : aCols;
  const n = b.transposed ? bRows : bCols;
  if (!a.transposed && !b.transposed) return plain(backend, a.info, b.info);
  if (a.transposed && !b.transposed) {
    // Aᵀ·B: transpose A, or B and the result: (Bᵀ·A)ᵀ.
    if (k * m + packing(k, n) <= k * n + packing(k, m) + m * n) {
      return plain(backend, transpose(backend, a.info), b.info, 'a');
    }
    return transposed(plain(backend, transpose(backend, b.info), a.info, 'a'));
  }
  if (!a.transposed && b.transposed) {
    // A·Bᵀ: transpose B, or A and the result: (B·Aᵀ)ᵀ.
    if (n * k + packing(k, n) <= m * k + packing(k, m) + m * n) {
      return plain(backend, a.info, transpose(backend, b.info), 'b');
    }
    return transposed(plain(backend, b.info, transpose(backend, a.info), 'b'));
  }
  // Aᵀ·Bᵀ = (B·A)ᵀ: transpose the result, or both operands.
  if (m * n + packing(k, m) <= k * m + k * n + packing(k, n)) {
    return transposed(plain(backend, b.info, a.info));
  }
  return plain(backend, transpose(backend, a.info), transpose(backend, b.info), 'ab');

  function transposed(x: TensorInfo): TensorInfo {
    const out = transpose(backend, x);
    release(backend, x);
    return out;
  }
}

/**
 * What the fast path costs beyond its arithmetic, in elements moved: XNNPACK repacks its right
 * operand B [k, n] on every call with a new B (always, in training), reading it once per strip
 * of 8 columns. While B fits in the core's cache that is one pass from memory; past it, every
 * strip streams B again (a fresh [86528, 32] B: ≈ 12 ms of packing for 3 ms of arithmetic).
 */
function packing(k: number, n: number): number {
  const elements = k * n;
  return elements <= CACHED_ELEMENTS ? elements : elements * Math.ceil(n / 8);
}

/** 512 KB of float32: about what one core's L2 holds. */
const CACHED_ELEMENTS = 128 * 1024;

/** The stock kernel's fast path, A·B; `free` names the operands to release afterwards. */
function plain(
  backend: WasmBackend,
  a: TensorInfo,
  b: TensorInfo,
  free: '' | 'a' | 'b' | 'ab' = '',
): TensorInfo {
  const out = runStock(backend, BatchMatMul, { a, b }, { transposeA: false, transposeB: false });
  if (free.includes('a')) release(backend, a);
  if (free.includes('b')) release(backend, b);
  return out;
}

/** A new tensor holding the transpose of a 2-D one. */
export function transpose(backend: WasmBackend, x: TensorInfo): TensorInfo {
  return runStock(backend, 'Transpose', { x }, { perm: [1, 0] });
}

/** A copy of matrix `index` of a batch of matrices of the given shape. */
function copyMatrix(
  backend: WasmBackend,
  batch: TensorInfo,
  index: number,
  shape: [number, number],
): TensorInfo {
  const out = allocate(backend, shape);
  const count = shape[0] * shape[1];
  const from = offsetOf(backend, batch) + index * count;
  heapF32(backend).copyWithin(offsetOf(backend, out), from, from + count);
  return out;
}

function dim(shape: number[], axis: number): number {
  const d = shape[axis];
  if (d === undefined) throw new Error(`No axis ${axis} in [${shape.join(', ')}]`);
  return d;
}

/** Numpy-style broadcast of the outer (batch) dimensions, as tfjs's matMul defines it. */
function broadcastOuter(a: number[], b: number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(
        `Operands could not be broadcast together with shapes ${a.join(',')} and ${b.join(',')}.`,
      );
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

export const batchMatMulConfig: KernelConfig = {
  kernelName: BatchMatMul,
  backendName: 'wasm',
  kernelFunc: batchMatMul,
};
