import type { DataType, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { tfjs } from '../tfjs';

const { getKernel } = tfjs;

/**
 * The small part of tfjs-backend-wasm's BackendWasm that the engine's kernels use, typed here
 * rather than imported: the package's own declaration types `wasm` through Emscripten's global
 * `EmscriptenModule`, which is not installed, so its members would be `any`.
 *
 * The model of the wasm backend (tfjs-backend-wasm 4.22, dist/backend_wasm.js): every tensor is a
 * block malloc'd on the module's heap, recorded in `dataIdMap` as {id, memoryOffset, ...};
 * `makeOutput` allocates a new, uninitialised block; `disposeData` drops one reference and frees
 * the block (and the C++ side's bookkeeping, XNNPACK operators cached on it included) at zero. A
 * kernel that allocates an intermediate must dispose it, or the heap leaks: the engine only knows
 * about the tensor the kernel returns.
 */

interface TensorData {
  id: number;
  memoryOffset: number;
  shape: number[];
  dtype: DataType;
}

export interface WasmBackend {
  dataIdMap: { get(dataId: object): TensorData | undefined };
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
  incRef(dataId: object): void;
  wasm: { HEAPU8: Uint8Array };
}

/** The backend a kernel was called with, checked to be the wasm backend's shape. */
export function wasmBackend(backend: unknown): WasmBackend {
  if (typeof backend === 'object' && backend !== null && 'dataIdMap' in backend) {
    const b = backend as Partial<WasmBackend>;
    if (
      typeof b.makeOutput === 'function' &&
      typeof b.disposeData === 'function' &&
      typeof b.incRef === 'function' &&
      b.wasm?.HEAPU8 instanceof Uint8Array
    ) {
      return b as WasmBackend;
    }
  }
  throw new Error('The engine kernels run on the wasm backend only');
}

/**
 * A float32 view of the whole heap. Emscripten replaces the heap's buffer when memory grows (on
 * any allocation), so take a fresh view after allocating and never keep one across calls.
 */
export function heapF32(backend: WasmBackend): Float32Array {
  const { buffer } = backend.wasm.HEAPU8;
  return new Float32Array(buffer, 0, buffer.byteLength >>> 2);
}

/**
 * Where a tensor starts in heapF32, in elements: float32 data, or with `anyWord` any 4-byte
 * type (int32), for kernels that only move words around.
 */
export function offsetOf(backend: WasmBackend, info: TensorInfo, anyWord = false): number {
  const data = backend.dataIdMap.get(info.dataId);
  if (data === undefined) throw new Error('A kernel input has no data on the wasm backend');
  if (data.dtype !== 'float32' && !(anyWord && data.dtype === 'int32')) {
    throw new Error(`Expected float32 data, got ${data.dtype}`);
  }
  // malloc returns 8-byte aligned blocks, so float32 data always starts on an element.
  return data.memoryOffset >>> 2;
}

/** A new float32 tensor on the heap, uninitialised unless `zero`. */
export function allocate(backend: WasmBackend, shape: number[], zero = false): TensorInfo {
  const out = backend.makeOutput(shape, 'float32');
  if (zero) {
    const start = offsetOf(backend, out);
    heapF32(backend).fill(0, start, start + size(shape));
  }
  return out;
}

/** Frees intermediates (each created by this kernel, or an extra reference it holds). */
export function release(backend: WasmBackend, ...infos: (TensorInfo | undefined)[]): void {
  for (const info of infos) if (info !== undefined) backend.disposeData(info.dataId);
}

/**
 * The same data under another shape, without a copy or a new reference: only for passing to a
 * kernel that reads it (the stock kernels read the shape from the TensorInfo). Never release it.
 */
export function view(info: TensorInfo, shape: number[]): TensorInfo {
  if (size(shape) !== size(info.shape)) {
    throw new Error(`Cannot view [${info.shape.join(', ')}] as [${shape.join(', ')}]`);
  }
  return { dataId: info.dataId, shape, dtype: info.dtype };
}

export function size(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * The stock wasm kernels the engine's kernels build on, by name. Kernels the engine overrides
 * are kept here when they are replaced (index.ts), so a replacement can still call the original
 * (the stock BatchMatMul's fast path, for instance); the others are looked up in the registry.
 */
const replaced = new Map<string, ReturnType<typeof getKernel>>();

export function rememberStock(kernelName: string, config: ReturnType<typeof getKernel>): void {
  replaced.set(kernelName, config);
}

export function forgetStock(kernelName: string): ReturnType<typeof getKernel> | undefined {
  const config = replaced.get(kernelName);
  replaced.delete(kernelName);
  return config;
}

/** Runs a stock wasm kernel that returns one tensor. */
export function runStock(
  backend: WasmBackend,
  kernelName: string,
  inputs: Record<string, TensorInfo>,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const config = replaced.get(kernelName) ?? getKernel(kernelName, 'wasm');
  // The registry returns undefined for an unknown kernel, although its type says otherwise.
  if ((config as ReturnType<typeof getKernel> | undefined) === undefined) {
    throw new Error(`The wasm backend has no ${kernelName} kernel`);
  }
  const out = config.kernelFunc({ inputs, backend, attrs });
  if (Array.isArray(out)) throw new Error(`${kernelName} returned several tensors`);
  return out;
}
