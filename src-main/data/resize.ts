import type { InputAdapter } from '../../src-shared/domain/runs';
import { imageShapeOf } from './imageShape';

/**
 * The fixed image adapter (adapterShapes.ts): every row of [h, w] or [h, w, c] pixels resized to
 * the model's height and width, bilinearly with half-pixel centres, then converted grey ↔ RGB when
 * the channels differ. Plain arithmetic rather than tf.image.resizeBilinear, like transform.ts's
 * rotation: the data layer has no backend, and the bytes (and so the run's data hash) must be the
 * same on every backend. The formula is tfjs's own (tfjs-backend-cpu ResizeBilinear with
 * halfPixelCenters = true, TensorFlow 2's tf.image.resize): output pixel (r, c) samples the input
 * at ((r + ½)·H/H' − ½, (c + ½)·W/W' − ½), clamped to the image, and interpolates its four
 * neighbours. Downscaling samples without averaging (no antialiasing), as that kernel does.
 */
export function resizeRows(
  x: Float32Array,
  n: number,
  adapter: Extract<InputAdapter, { kind: 'resize' }>,
): Float32Array {
  const from = imageShapeOf(adapter.from);
  const to = imageShapeOf(adapter.to);
  if (from === undefined || to === undefined)
    throw new Error(`A resize needs image shapes, not ${JSON.stringify(adapter)}`);
  const [inH, inW, inC] = from;
  const [outH, outW, outC] = to;
  const inSize = inH * inW * inC;
  if (x.length !== n * inSize)
    throw new Error(`${x.length} values are not ${n} rows of [${adapter.from.join(', ')}]`);
  const resized = new Float32Array(n * outH * outW * inC);
  const rows = axisSamples(inH, outH);
  const cols = axisSamples(inW, outW);
  let out = 0;
  for (let row = 0; row < n; row++) {
    const base = row * inSize;
    for (const r of rows) {
      const top = base + r.low * inW * inC;
      const bottom = base + r.high * inW * inC;
      for (const c of cols) {
        for (let d = 0; d < inC; d++) {
          const topLeft = x[top + c.low * inC + d] ?? 0;
          const topRight = x[top + c.high * inC + d] ?? 0;
          const bottomLeft = x[bottom + c.low * inC + d] ?? 0;
          const bottomRight = x[bottom + c.high * inC + d] ?? 0;
          const upper = topLeft + (topRight - topLeft) * c.frac;
          const lower = bottomLeft + (bottomRight - bottomLeft) * c.frac;
          resized[out++] = upper + (lower - upper) * r.frac;
        }
      }
    }
  }
  return convertChannels(resized, n * outH * outW, inC, outC);
}

interface Sample {
  low: number;
  high: number;
  frac: number;
}

/** Where each output index samples its axis: the two neighbours and the weight of the second. */
function axisSamples(inSize: number, outSize: number): Sample[] {
  const ratio = inSize / outSize;
  return Array.from({ length: outSize }, (_, i) => {
    const at = ratio * (i + 0.5) - 0.5;
    const low = Math.max(0, Math.floor(at));
    return { low, high: Math.min(inSize - 1, Math.ceil(at)), frac: at - low };
  });
}

/**
 * Grey → RGB repeats the value in the three channels (tf.image.grayscaleToRGB); RGB → grey takes
 * the ITU-R BT.601 luma 0.2989·R + 0.5870·G + 0.1140·B (tf.image.rgbToGrayscale's weights).
 */
function convertChannels(x: Float32Array, pixels: number, from: number, to: number): Float32Array {
  if (from === to) return x;
  const out = new Float32Array(pixels * to);
  for (let p = 0; p < pixels; p++) {
    if (from === 1 && to === 3) {
      const v = x[p] ?? 0;
      out[3 * p] = v;
      out[3 * p + 1] = v;
      out[3 * p + 2] = v;
    } else if (from === 3 && to === 1) {
      out[p] = 0.2989 * (x[3 * p] ?? 0) + 0.587 * (x[3 * p + 1] ?? 0) + 0.114 * (x[3 * p + 2] ?? 0);
    } else {
      throw new Error(`No channel conversion from ${from} to ${to} channels`);
    }
  }
  return out;
}
