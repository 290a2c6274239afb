import type {
  Conv2DBackpropFilterAttrs,
  Conv2DBackpropInputAttrs,
  KernelConfig,
  KernelFunc,
  TensorInfo,
} from '@tensorflow/tfjs';
import { product } from './batchMatMul';
import {
  allocate,
  heapF32,
  offsetOf,
  release,
  runStock,
  view,
  wasmBackend,
  type WasmBackend,
} from './wasmHeap';
import { tfjs } from '../tfjs';

const { backend_util, Conv2D, Conv2DBackpropFilter, Conv2DBackpropInput } = tfjs;
type Conv2DInfo = ReturnType<typeof backend_util.computeConv2DInfo>;

/**
 * The two gradients of a 2-D convolution (NHWC, dilation 1: tfjs's conv2d gradient refuses
 * dilations), expressed through the wasm backend's fast paths.
 *
 * Conv2DBackpropFilter is not registered for wasm at all in tfjs-backend-wasm 4.22, so training
 * any CNN there throws (tensorflow/tfjs#8474). It is
 *   dW[i, j, ci, co] = Σ_{n, y, x} x_pad[n, y·sh + i, x·sw + j, ci] · dy[n, y, x, co]
 * computed in one of two ways, whichever moves less memory:
 * - im2col and one product: with P = n·y·x rows of patches (the fh·fw·ci window each output
 *   position saw), dW (as [fh·fw·ci, co]) = patchesᵀ · dy (as [P, co]), through
 *   batchMatMul.ts's transposed product on XNNPACK; for few input channels (a first layer);
 * - one forward convolution with the batch and channel axes swapped (filterGradByConvolution),
 *   on the stock Conv2D kernel; for many input channels, where the patches would be fh·fw
 *   times the size of x.
 *
 * Conv2DBackpropInput exists but is a naive loop (≈ 2 GFLOP/s). The input gradient of a
 * convolution is itself a convolution (a "full" correlation of dy with the flipped filter,
 * Dumoulin & Visin 2016, "A guide to convolution arithmetic", §4):
 *   dx = conv2d(dilate(dy, stride) padded by (fh−1−pad_top, fw−1−pad_left, ...),
 *               W flipped in both spatial axes with ci and co swapped, stride 1)
 * which runs on the stock Conv2D kernel (XNNPACK). For stride 1 XNNPACK pads by itself; for a
 * larger stride dy is first scattered into a zeroed, padded buffer.
 */

type Shape4 = [number, number, number, number];

const conv2DBackpropFilter: KernelFunc = ({ inputs, backend: anyBackend, attrs }) => {
  const backend = wasmBackend(anyBackend);
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
    attrs as unknown as Conv2DBackpropFilterAttrs;
  if (dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter on wasm supports NHWC only');
  const info = backend_util.computeConv2DInfo(
    x.shape as Shape4,
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  // im2col's patches hold fh·fw·ci values per output position, dy holds co: when the patches
  // are the larger, the convolution form moves less memory (and packs less into XNNPACK).
  return info.filterHeight * info.filterWidth * info.inChannels > info.outChannels
    ? filterGradByConvolution(backend, x, dy, info)
    : filterGradByIm2col(backend, x, dy, info);
};

/**
 * dW as im2col and one product: dW (as [fh·fw·ci, co]) = patchesᵀ · dy (as [P, co]), where
 * patches[p, (i, j, ci)] = x_pad[n, y·sh + i, x·sw + j, ci] for p = (n, y, x).
 */
function filterGradByIm2col(
  backend: WasmBackend,
  x: TensorInfo,
  dy: TensorInfo,
  info: Conv2DInfo,
): TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const rows = batchSize * outHeight * outWidth;
  const cols = fh * fw * inChannels;
  const patches = allocate(backend, [rows, cols]);
  const heap = heapF32(backend);
  const xs = offsetOf(backend, x);
  const run = fw * inChannels; // one filter row's window: contiguous in NHWC when inside x
  const rowStride = inWidth * inChannels;
  let p = offsetOf(backend, patches);
  for (let n = 0; n < batchSize; n++) {
    const image = xs + n * inHeight * rowStride;
    for (let y = 0; y < outHeight; y++) {
      const y0 = y * sh - top;
      for (let xo = 0; xo < outWidth; xo++) {
        const x0 = xo * sw - left;
        const inside = x0 >= 0 && x0 + fw <= inWidth;
        for (let i = 0; i < fh; i++, p += run) {
          const r = y0 + i;
          if (r < 0 || r >= inHeight) {
            heap.fill(0, p, p + run);
            continue;
          }
          const src = image + r * rowStride + x0 * inChannels;
          if (inside) {
            if (run >= 16) heap.copyWithin(p, src, src + run);
            else for (let e = 0; e < run; e++) heap[p + e] = heap[src + e] ?? 0;
            continue;
          }
          for (let j = 0; j < fw; j++) {
            const c = x0 + j;
            const to = p + j * inChannels;
            if (c < 0 || c >= inWidth) heap.fill(0, to, to + inChannels);
            else {
              const from = src + j * inChannels;
              for (let e = 0; e < inChannels; e++) heap[to + e] = heap[from + e] ?? 0;
            }
          }
        }
      }
    }
  }
  const dW = product(
    backend,
    { info: patches, transposed: true },
    { info: view(dy, [rows, outChannels]), transposed: false },
  );
  release(backend, patches);
  return { ...dW, shape: [fh, fw, inChannels, outChannels] };
}

/**
 * dW as one forward convolution on the stock (XNNPACK) kernel, with the batch and channel axes
 * swapped: x becomes ci images of n channels (Transpose to [ci, h, w, n]), dy an oh×ow filter
 * from n to co channels (Transpose to [oh, ow, n, co]) dilated by the stride, and
 *   conv(x', dy')[ci, i, j, co] = Σ_{y, x, n} x_pad[n, i + y·sh, j + x·sw, ci] · dy[n, y, x, co]
 * is dW[i, j, ci, co]. Rows and columns past fh×fw (input left over by a strided 'valid'
 * convolution) are computed and dropped.
 */
function filterGradByConvolution(
  backend: WasmBackend,
  x: TensorInfo,
  dy: TensorInfo,
  info: Conv2DInfo,
): TensorInfo {
  const { inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const xT = runStock(backend, 'Transpose', { x }, { perm: [3, 1, 2, 0] });
  const dyT = runStock(backend, 'Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
  const bottom = Math.max(0, fh + (outHeight - 1) * sh - inHeight - top);
  const right = Math.max(0, fw + (outWidth - 1) * sw - inWidth - left);
  const out = runStock(
    backend,
    Conv2D,
    { x: xT, filter: dyT },
    {
      strides: 1,
      dilations: [sh, sw],
      dataFormat: 'NHWC',
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
    },
  );
  release(backend, xT, dyT);
  // [ci, oH ≥ fh, oW ≥ fw, co] → [fh, fw, ci, co].
  const [, oH, oW] = out.shape as Shape4;
  const dW = allocate(backend, [fh, fw, inChannels, outChannels]);
  const heap = heapF32(backend);
  const os = offsetOf(backend, out);
  let to = offsetOf(backend, dW);
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      for (let ci = 0; ci < inChannels; ci++, to += outChannels) {
        const from = os + ((ci * oH + i) * oW + j) * outChannels;
        heap.copyWithin(to, from, from + outChannels);
      }
    }
  }
  release(backend, out);
  return dW;
}

const conv2DBackpropInput: KernelFunc = ({ inputs, backend: anyBackend, attrs }) => {
  const backend = wasmBackend(anyBackend);
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } =
    attrs as unknown as Conv2DBackpropInputAttrs;
  if (dataFormat === 'NCHW') {
    return runStock(backend, Conv2DBackpropInput, { dy, filter }, attrs);
  }
  const info = backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as Shape4,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  // Padding of the full correlation: the first input row sees filter row fh−1−top of dy row 0.
  const padTop = fh - 1 - info.padInfo.top;
  const padLeft = fw - 1 - info.padInfo.left;
  const padBottom = inHeight + fh - 1 - padTop - ((outHeight - 1) * sh + 1);
  const padRight = inWidth + fw - 1 - padLeft - ((outWidth - 1) * sw + 1);

  // W[i, j, ci, co] → flipped[fh−1−i, fw−1−j, co, ci].
  const flipped = allocate(backend, [fh, fw, outChannels, inChannels]);
  {
    const heap = heapF32(backend);
    const ws = offsetOf(backend, filter);
    const fs = offsetOf(backend, flipped);
    for (let i = 0; i < fh; i++) {
      for (let j = 0; j < fw; j++) {
        const src = ws + (i * fw + j) * inChannels * outChannels;
        const dst = fs + ((fh - 1 - i) * fw + (fw - 1 - j)) * outChannels * inChannels;
        for (let ci = 0; ci < inChannels; ci++) {
          for (let co = 0; co < outChannels; co++) {
            heap[dst + co * inChannels + ci] = heap[src + ci * outChannels + co] ?? 0;
          }
        }
      }
    }
  }

  let dx: TensorInfo;
  if (sh === 1 && sw === 1 && Math.min(padTop, padLeft, padBottom, padRight) >= 0) {
    dx = runStock(
      backend,
      Conv2D,
      { x: dy, filter: flipped },
      {
        strides: 1,
        dilations: 1,
        dataFormat: 'NHWC',
        pad: [
          [0, 0],
          [padTop, padBottom],
          [padLeft, padRight],
          [0, 0],
        ],
      },
    );
  } else {
    // dy's rows and columns spread `stride` apart in a zeroed frame of the full padded size;
    // a negative pad (only possible with explicit padding) crops instead.
    const height = inHeight + fh - 1;
    const width = inWidth + fw - 1;
    const frame = allocate(backend, [batchSize, height, width, outChannels], true);
    const heap = heapF32(backend);
    const ds = offsetOf(backend, dy);
    const fs = offsetOf(backend, frame);
    for (let n = 0; n < batchSize; n++) {
      for (let y = 0; y < outHeight; y++) {
        const r = padTop + y * sh;
        if (r < 0 || r >= height) continue;
        for (let xo = 0; xo < outWidth; xo++) {
          const c = padLeft + xo * sw;
          if (c < 0 || c >= width) continue;
          const from = ds + ((n * outHeight + y) * outWidth + xo) * outChannels;
          heap.copyWithin(
            fs + ((n * height + r) * width + c) * outChannels,
            from,
            from + outChannels,
          );
        }
      }
    }
    dx = runStock(
      backend,
      Conv2D,
      { x: frame, filter: flipped },
      { strides: 1, dilations: 1, dataFormat: 'NHWC', pad: 'valid' },
    );
    release(backend, frame);
  }
  release(backend, flipped);
  return dx;
};

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter,
};

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput,
};
