/**
 * Preview images arrive as row-major pixels in [0, 1] (DatasetPreview): [h, w, 1] grayscale or
 * [h, w, 3] RGB. This turns one into the RGBA bytes of an ImageData. Values outside [0, 1] (noise
 * is not clipped) are clamped for display only.
 */
export function toRgba(
  pixels: readonly number[],
  shape: readonly [number, number, number],
): Uint8ClampedArray<ArrayBuffer> {
  const [h, w, c] = shape;
  const out = new Uint8ClampedArray(h * w * 4);
  for (let p = 0; p < h * w; p++) {
    const at = (k: number): number => Math.round((pixels[p * c + k] ?? 0) * 255);
    const r = at(0);
    out[p * 4] = r;
    out[p * 4 + 1] = c >= 3 ? at(1) : r;
    out[p * 4 + 2] = c >= 3 ? at(2) : r;
    out[p * 4 + 3] = 255;
  }
  return out;
}
