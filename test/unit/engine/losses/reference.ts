import { Rng } from '../../../../src-main/engine/random';

/**
 * Float64 reference computations for the loss tests, written from the papers' formulas with
 * plain loops and no tfjs, and seeded samples whose values are float32 numbers, so the tfjs
 * (float32) and reference (float64) computations see exactly the same inputs.
 */

export type Matrix = number[][];

/** n rows of d standard normals, plus `shift` on the first coordinate, rounded to float32. */
export function gaussianSample(seed: number, n: number, d: number, shift = 0): Matrix {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () =>
    Array.from({ length: d }, (_, j) => Math.fround(rng.normal() + (j === 0 ? shift : 0))),
  );
}

export function squaredDistance(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += ((a[k] ?? 0) - (b[k] ?? 0)) ** 2;
  return s;
}

function row(x: Matrix, i: number): number[] {
  const r = x[i];
  if (r === undefined) throw new Error(`no row ${i}`);
  return r;
}

/** Median (or mean) of ‖z_i − z_j‖², i ≠ j, over the pooled rows. */
export function baseBandwidth64(pooled: Matrix, statistic: 'median' | 'mean'): number {
  const values: number[] = [];
  for (let i = 0; i < pooled.length; i++) {
    for (let j = 0; j < pooled.length; j++) {
      if (i !== j) values.push(squaredDistance(row(pooled, i), row(pooled, j)));
    }
  }
  if (statistic === 'mean') return values.reduce((a, b) => a + b, 0) / values.length;
  values.sort((a, b) => a - b);
  const half = values.length / 2;
  return ((values[half - 1] ?? 0) + (values[half] ?? 0)) / 2;
}

export interface Mmd64Options {
  bandwidth: 'median' | 'mean' | number;
  multipliers: readonly number[];
  estimator: 'biased' | 'unbiased';
}

/** MMD² with k(x, y) = Σ_u exp(−‖x − y‖²/(2·m_u·σ₀²)) (Gretton et al. 2012; DAN). */
export function mmd2Reference(s: Matrix, t: Matrix, options: Mmd64Options): number {
  const base =
    typeof options.bandwidth === 'number'
      ? options.bandwidth
      : baseBandwidth64([...s, ...t], options.bandwidth);
  const k = (a: readonly number[], b: readonly number[]): number => {
    const d2 = squaredDistance(a, b);
    return options.multipliers.reduce((sum, mu) => sum + Math.exp(-d2 / (2 * mu * base)), 0);
  };
  const unbiased = options.estimator === 'unbiased';
  const within = (x: Matrix): number => {
    let sum = 0;
    for (let i = 0; i < x.length; i++) {
      for (let j = 0; j < x.length; j++) {
        if (!unbiased || i !== j) sum += k(row(x, i), row(x, j));
      }
    }
    return sum / (unbiased ? x.length * (x.length - 1) : x.length ** 2);
  };
  let cross = 0;
  for (const a of s) for (const b of t) cross += k(a, b);
  return within(s) + within(t) - (2 * cross) / (s.length * t.length);
}

/** The unbiased covariance by the two-pass (centred) formula. */
export function covariance64(x: Matrix): Matrix {
  const n = x.length;
  const d = row(x, 0).length;
  const mean = Array.from({ length: d }, (_, j) => x.reduce((s, r) => s + (r[j] ?? 0), 0) / n);
  return Array.from({ length: d }, (_, a) =>
    Array.from(
      { length: d },
      (_, b) =>
        x.reduce((s, r) => s + ((r[a] ?? 0) - (mean[a] ?? 0)) * ((r[b] ?? 0) - (mean[b] ?? 0)), 0) /
        (n - 1),
    ),
  );
}

/** ‖C_S − C_T‖²_F / (4d²) (Sun and Saenko 2016, eq. 1). */
export function coralReference(s: Matrix, t: Matrix): number {
  const cs = covariance64(s);
  const ct = covariance64(t);
  const d = cs.length;
  let sum = 0;
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < d; b++) sum += ((cs[a]?.[b] ?? 0) - (ct[a]?.[b] ?? 0)) ** 2;
  }
  return sum / (4 * d * d);
}

/** |a − b| ≤ rel·|b| (+ abs). */
export function relativeError(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), Number.MIN_VALUE);
}

/** A copy of x with x[i][j] += h. */
export function nudged(x: Matrix, i: number, j: number, h: number): Matrix {
  return x.map((r, ri) => r.map((v, rj) => (ri === i && rj === j ? v + h : v)));
}

/** m[i][j], or NaN where there is no such entry. */
export function entry(m: readonly (readonly number[])[] | undefined, i: number, j: number): number {
  return m?.[i]?.[j] ?? Number.NaN;
}
