import type { DomainTransform } from '../../../src-shared/domain/experimentSpec';
import { formatIssue, type Issue } from '../../../src-shared/result';
import type { Standardizer } from '../../data/arrays';
import { deriveSeed, Rng } from '../random';

/**
 * Domain transforms (DomainSpec.transform): fixed functions of each row of an image domain,
 * applied after the dataset's scaling, so that a rotated or noisy copy of a dataset can be a
 * domain of its own (covariate shift with the same labels, e.g. rotated Fashion-MNIST).
 */

/** [height, width, channels] of image features ([h, w] or [h, w, c]); undefined for other shapes. */
export function imageDims(featureShape: readonly number[]): [number, number, number] | undefined {
  const [h, w, c = 1] = featureShape;
  if (featureShape.length < 2 || featureShape.length > 3 || !h || !w || !c) return undefined;
  return [h, w, c];
}

/** The [height, width] of an image feature shape ([h, w] or [h, w, c]); throws otherwise. */
export function imageSize(featureShape: readonly number[], what: string): [number, number] {
  const dims = imageDims(featureShape);
  if (dims === undefined) {
    throw new Error(
      `${what}: a rotation or zoom needs images ([h, w] or [h, w, c]), ` +
        `not features of shape [${featureShape.join(', ')}]`,
    );
  }
  return [dims[0], dims[1]];
}

/**
 * Why `transform` does not fit a dataset of `featureShape`, one issue per problem at its field
 * (`transform.rotateDeg`; empty when it fits): image fields need image features, tabular fields
 * need rank-1 features, and a per-feature list needs one value per feature.
 */
export function transformProblems(
  transform: DomainTransform | undefined,
  featureShape: readonly number[],
): Issue[] {
  if (transform === undefined) return [];
  const problems: Issue[] = [];
  const shape = `[${featureShape.join(', ')}]`;
  const image = imageDims(featureShape) !== undefined;
  const tabular = featureShape.length === 1;
  const imageFields = (['rotateDeg', 'scale', 'invert'] as const).filter(
    (k) => transform[k] !== undefined,
  );
  for (const field of imageFields) {
    if (!image) {
      problems.push({
        path: `transform.${field}`,
        message: `applies to images only, not features ${shape}`,
      });
    }
  }
  for (const field of ['shift', 'multiply'] as const) {
    const value = transform[field];
    if (value === undefined) continue;
    if (!tabular) {
      problems.push({
        path: `transform.${field}`,
        message: `applies to tabular features [d] only, not ${shape}`,
      });
    } else if (Array.isArray(value) && value.length !== featureShape[0]) {
      problems.push({
        path: `transform.${field}`,
        message: `has ${value.length} values; the dataset has ${featureShape[0] ?? 0} features`,
      });
    }
  }
  return problems;
}

/**
 * The bilinear taps of a zoom by `zoom` and a rotation counter-clockwise (as displayed, row 0 at
 * the top) by `deg` degrees, of h × w images about the centre ((h−1)/2, (w−1)/2): output pixel p
 * takes the input at R(−θ)·(p − c)/zoom + c (inverse mapping), interpolated from its 4
 * neighbours; neighbours outside the image count as 0 (zero fill). Computed once per shape,
 * angle and zoom, applied to every row (and every channel).
 */
export interface RotationMap {
  /** 4 input pixel indices per output pixel (−1: outside the image). */
  index: Int32Array;
  /** The matching 4 bilinear weights. */
  weight: Float64Array;
}

export function rotationMap(h: number, w: number, deg: number, zoom = 1): RotationMap {
  const theta = (deg * Math.PI) / 180;
  const cos = Math.cos(theta) / zoom;
  const sin = Math.sin(theta) / zoom;
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

/**
 * Applies a rotation map to one image of `channels` interleaved channels ([h, w, c] row-major):
 * out[p, d] = Σ weight · src[index, d].
 */
export function applyRotation(
  src: Float32Array,
  map: RotationMap,
  out: Float32Array = new Float32Array(src.length),
  channels = 1,
): Float32Array {
  const { index, weight } = map;
  const pixels = index.length / 4;
  for (let p = 0; p < pixels; p++) {
    for (let d = 0; d < channels; d++) {
      let v = 0;
      for (let k = 4 * p; k < 4 * p + 4; k++) {
        const i = index[k] ?? -1;
        if (i >= 0) v += (weight[k] ?? 0) * (src[i * channels + d] ?? 0);
      }
      out[p * channels + d] = v;
    }
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
 * feature shape; rowIndices[i] is row i's index in the dataset (the noise seed). Images: zoom
 * and rotation, inversion, noise. Tabular rows arrive in the file's units when the dataset has a
 * `standardize`r: multiply, shift, standardise, noise. The trainer and the preview both call
 * this, so the preview shows what trains.
 */
export function applyTransform(
  x: Float32Array,
  rowIndices: readonly number[],
  featureShape: readonly number[],
  transform: DomainTransform | undefined,
  splitSeed: number,
  domainName: string,
  standardize?: Standardizer,
): void {
  const problems = transformProblems(transform, featureShape);
  if (problems.length > 0) {
    throw new Error(`Domain "${domainName}": ${problems.map(formatIssue).join('; ')}`);
  }
  const size = featureShape.reduce((a, b) => a * b, 1);
  const rotate = transform?.rotateDeg ?? 0;
  const zoom = transform?.scale ?? 1;
  const geometric = rotate !== 0 || zoom !== 1;
  const [h, w] = geometric ? imageSize(featureShape, `Domain "${domainName}"`) : [0, 0];
  const channels = geometric ? (featureShape[2] ?? 1) : 1;
  const map = geometric ? rotationMap(h, w, rotate, zoom) : null;
  const multiply = perFeature(transform?.multiply, size, 1);
  const shift = perFeature(transform?.shift, size, 0);
  const noise = transform?.noiseStd ?? 0;
  const invert = transform?.invert === true;
  if (!geometric && !invert && noise === 0 && !multiply && !shift && !standardize) return;
  const buffer = new Float32Array(size);
  rowIndices.forEach((rowIndex, i) => {
    const row = x.subarray(i * size, (i + 1) * size);
    if (map !== null) {
      buffer.set(row);
      applyRotation(buffer, map, row, channels);
    }
    if (invert) for (let j = 0; j < size; j++) row[j] = 1 - (row[j] ?? 0);
    if (multiply) for (let j = 0; j < size; j++) row[j] = (row[j] ?? 0) * (multiply[j] ?? 1);
    if (shift) for (let j = 0; j < size; j++) row[j] = (row[j] ?? 0) + (shift[j] ?? 0);
    if (standardize) {
      const { mean, std } = standardize;
      for (let j = 0; j < size; j++) row[j] = ((row[j] ?? 0) - (mean[j] ?? 0)) / (std[j] ?? 1);
    }
    if (noise > 0) addRowNoise(row, noise, splitSeed, rowIndex);
  });
}

/** A per-feature value list from one number or a list; undefined when it changes nothing. */
function perFeature(
  value: number | number[] | undefined,
  size: number,
  identity: number,
): Float64Array | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return Float64Array.from(value);
  return value === identity ? undefined : new Float64Array(size).fill(value);
}
