import type { KernelConfig, KernelFunc, MaxPoolGradAttrs, TensorInfo } from '@tensorflow/tfjs';
import { allocate, heapF32, offsetOf, wasmBackend } from './wasmHeap';
import { tfjs } from '../tfjs';

const { backend_util, MaxPoolGrad } = tfjs;

/**
 * MaxPoolGrad for the wasm backend. The stock kernel (tfjs-backend-wasm 4.22) walks every input
 * position over every window that could contain it, about 90 ms for one 2×2 pooling of a
 * 128×26×26×32 batch here; this one visits each window once, finds its arg-max and adds the
 * window's dy there: a few ms.
 *
 * Ties go to the first maximum in row-major window order, positions outside the input (padding)
 * are never chosen, and a window whose values are all NaN or −∞ passes no gradient: the cpu
 * backend's rules (its maxPoolPositions keeps the first `value > best`, from best = −∞).
 */

type Shape4 = [number, number, number, number];

const maxPoolGrad: KernelFunc = ({ inputs, backend: anyBackend, attrs }) => {
  const backend = wasmBackend(anyBackend);
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  const info = backend_util.computePool2DInfo(
    input.shape as Shape4,
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;

  const xs = offsetOf(backend, input);
  const dys = offsetOf(backend, dy);
  const rowStride = inWidth * channels;
  if (fh === 2 && fw === 2 && sh === 2 && sw === 2 && top === 0 && left === 0) {
    // The common 2×2 pooling: windows tile the input without overlap, so each dx element is
    // written once (zero or its window's dy) and only rows or columns left over need a fill.
    const exact = inHeight === 2 * outHeight && inWidth === 2 * outWidth;
    const dx = allocate(backend, input.shape, !exact);
    const heap = heapF32(backend);
    const toDx = offsetOf(backend, dx) - xs;
    let g = dys;
    for (let n = 0; n < batchSize; n++) {
      const image = xs + n * inHeight * rowStride;
      for (let y = 0; y < outHeight; y++) {
        for (let xo = 0; xo < outWidth; xo++, g += channels) {
          const corner = image + 2 * y * rowStride + 2 * xo * channels;
          for (let ch = 0; ch < channels; ch++) {
            const p0 = corner + ch;
            const p1 = p0 + channels;
            const p2 = p0 + rowStride;
            const p3 = p2 + channels;
            let best = -Infinity;
            let at = -1;
            const v0 = heap[p0] ?? NaN;
            if (v0 > best) {
              best = v0;
              at = p0;
            }
            const v1 = heap[p1] ?? NaN;
            if (v1 > best) {
              best = v1;
              at = p1;
            }
            const v2 = heap[p2] ?? NaN;
            if (v2 > best) {
              best = v2;
              at = p2;
            }
            const v3 = heap[p3] ?? NaN;
            if (v3 > best) at = p3;
            heap[toDx + p0] = 0;
            heap[toDx + p1] = 0;
            heap[toDx + p2] = 0;
            heap[toDx + p3] = 0;
            if (at >= 0) heap[toDx + at] = heap[g + ch] ?? 0;
          }
        }
      }
    }
    return dx;
  }

  // Any window: dx starts at zero and each window adds its dy at its arg-max.
  const dx = allocate(backend, input.shape, true);
  const heap = heapF32(backend);
  const dxs = offsetOf(backend, dx);
  let g = dys;
  for (let n = 0; n < batchSize; n++) {
    const image = xs + n * inHeight * rowStride;
    for (let y = 0; y < outHeight; y++) {
      const r0 = Math.max(0, y * sh - top);
      const r1 = Math.min(inHeight, y * sh - top + fh);
      for (let xo = 0; xo < outWidth; xo++, g += channels) {
        const c0 = Math.max(0, xo * sw - left);
        const c1 = Math.min(inWidth, xo * sw - left + fw);
        const corner = image + r0 * rowStride + c0 * channels;
        for (let ch = 0; ch < channels; ch++) {
          let best = -Infinity;
          let at = -1;
          for (let r = r0, row = corner + ch; r < r1; r++, row += rowStride) {
            for (let c = c0, i = row; c < c1; c++, i += channels) {
              const v = heap[i] ?? NaN;
              if (v > best) {
                best = v;
                at = i;
              }
            }
          }
          if (at >= 0) {
            const to = at - xs + dxs;
            heap[to] = (heap[to] ?? 0) + (heap[g + ch] ?? 0);
          }
        }
      }
    }
  }
  return dx;
};

export const maxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad,
};
