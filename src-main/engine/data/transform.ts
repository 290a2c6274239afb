import type { DomainTransform } from '../../../src-shared/domain/experimentSpec';
import { deriveSeed, Rng } from '../random';

/**
 * Domain transforms (DomainSpec.transform): fixed functions of each row of an image domain,
 * applied after the dataset's scaling, so that a rotated or noisy copy of a dataset can be a
 * domain of its own (covariate shift with the same labels, e.g. rotated Fashion-MNIST).
 */

/** The [height, width] of an image feature shape ([h, w] or [h, w, 1]); throws otherwise. */
export function imageSize(featureShape: readonly number[], what: string): [number, number] {
  const [h, w, c = 1] = featureShape;
  if (featureShape.length < 2 || featureShape.length > 3 || c !== 1 || !h || !w) {
    throw new Error(
      `${what}: a rotation needs single-channel images ([h, w] or [h, w, 1]), ` +
        `not features of shape [${featureShape.join(', ')}]`,
    );
  }
  return [h, w];
}

/**
 * The bilinear taps of a rotation of h × w images counter-clockwise (as displayed, row 0 at the
 * top) by `deg` degrees about the centre ((h−1)/2, (w−1)/2): output pixel p takes the input at
 * R(−θ)·(p − c) + c (inverse mapping), interpolated from its 4 neighbours; neighbours outside
 * the image count as 0 (zero fill). Computed once per shape and angle, applied to every row.
 */
export interface RotationMap {
  /** 4 input indices per output pixel (−1: outside the image). */
  index: Int32Array;
  /** The matching 4 bilinear weights. */
  weight: Float64Array;
}

export function rotationMap(h: number, w: number, deg: number): RotationMap {
  const theta = (deg * Math.PI) / 180;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const cy = (h - 1) / 2;
  const cx = (w - 1) / 2;
  const index = new Int32Array(4 * h * w).fill(-1);
  const weight = new Float64Array(4 * h * w);
  const snap = (v: number): number => (Math.abs(v - Math.round(v)) < 1e-9 ? Math.round(v) : v);
  for (let r = 0; r < h; r++) {
    // y grows downwards in row order, so a counter-clockwise turn on screen uses −dy.
    const dy = cy - r;
    for (let c = 0; c < w; c++) {
      const dx = c - cx;
      // The source point: the output point turned back by θ. Values within float error of a
      // grid point are snapped to it, so exact turns (90°, 180°) copy pixels exactly.
      const sx = snap(cos * dx + sin * dy + cx);
      const sy = snap(cy - (-sin * dx + cos * dy));
      const y0 = Math.floor(sy);
      const x0 = Math.floor(sx);
      const fy = sy - y0;
      const fx = sx - x0;
      const taps: [number, number, number][] = [
        [y0, x0, (1 - fy) * (1 - fx)],
        [y0, x0 + 1, (1 - fy) * fx],
        [y0 + 1, x0, fy * (1 - fx)],
        [y0 + 1, x0 + 1, fy * fx],
      ];
      const base = 4 * (r * w + c);
      taps.forEach(([yy, xx, wt], k) => {
        if (wt === 0 || yy < 0 || yy >= h || xx < 0 || xx >= w) return;
        index[base + k] = yy * w + xx;
        weight[base + k] = wt;
      });
    }
  }
  return { index, weight };
}

/** Applies a rotation map to one image: out[p] = Σ weight · src[index]. */
export function applyRotation(
  src: Float32Array,
  map: RotationMap,
  out: Float32Array = new Float32Array(src.length),
): Float32Array {
  const { index, weight } = map;
  const pixels = index.length / 4;
  for (let p = 0; p < pixels; p++) {
    let v = 0;
    for (let k = 4 * p; k < 4 * p + 4; k++) {
      const i = index[k] ?? -1;
      if (i >= 0) v += (weight[k] ?? 0) * (src[i] ?? 0);
    }
    out[p] = v;
  }
  return out;
}

/** Rotates one h × w image by `deg` degrees counter-clockwise (see rotationMap). */
export function rotateImage(src: Float32Array, h: number, w: number, deg: number): Float32Array {
  return applyRotation(src, rotationMap(h, w, deg));
}

/**
 * Adds N(0, std²) noise to one row in place. The noise is drawn from a stream seeded by the
 * domain's split seed and the row's index in the dataset, so a row gets the same noise in every
 * run, split and label budget of the domain.
 */
export function addRowNoise(
  row: Float32Array,
  std: number,
  splitSeed: number,
  rowIndex: number,
): void {
  const rng = new Rng(deriveSeed(splitSeed, `noise:row=${rowIndex}`));
  for (let i = 0; i < row.length; i++) row[i] = (row[i] ?? 0) + std * rng.normal();
}

/**
 * Applies a domain transform to gathered rows in place: x holds rowIndices.length rows of the
 * feature shape; rowIndices[i] is row i's index in the dataset (the noise seed).
 */
export function applyTransform(
  x: Float32Array,
  rowIndices: readonly number[],
  featureShape: readonly number[],
  transform: DomainTransform | undefined,
  splitSeed: number,
  domainName: string,
): void {
  if (transform === undefined) return;
  const rotate = transform.rotateDeg ?? 0;
  const noise = transform.noiseStd ?? 0;
  if (rotate === 0 && noise === 0) return;
  const size = featureShape.reduce((a, b) => a * b, 1);
  const [h, w] = rotate !== 0 ? imageSize(featureShape, `Domain "${domainName}"`) : [0, 0];
  const map = rotate !== 0 ? rotationMap(h, w, rotate) : null;
  const buffer = new Float32Array(size);
  rowIndices.forEach((rowIndex, i) => {
    const row = x.subarray(i * size, (i + 1) * size);
    if (map !== null) {
      buffer.set(row);
      applyRotation(buffer, map, row);
    }
    if (noise > 0) addRowNoise(row, noise, splitSeed, rowIndex);
  });
}
