import type { SyntheticDataset } from '../../../src-shared/domain/experimentSpec';
import { deriveSeed, Rng } from '../random';
import type { NumericTable } from './csv';

/**
 * The 'linear-binary' generator: x ~ N(0, I_d), y = 1[w_θ·x + noise·ε > 0], ε ~ N(0, 1).
 *
 * Related tasks share `taskSeed`, hence the unit vector w and a unit direction u orthogonal to it;
 * a task with angle θ uses w_θ = cos θ·w + sin θ·u, so the angle between two tasks' boundaries is
 * exactly the difference of their angles. For Gaussian x two boundaries at angle θ label a sample
 * differently with probability θ/π (before noise), which is what makes θ a dial for how related
 * a target is to its source.
 */

/** The unit weight vectors of a task: `base` (angle 0) and the task's own, rotated one. */
export function syntheticWeights(params: SyntheticDataset): {
  base: Float64Array;
  task: Float64Array;
} {
  const d = params.features;
  const rng = new Rng(deriveSeed(params.taskSeed, 'linear-binary:weights'));
  const w = normalize(Float64Array.from({ length: d }, () => rng.normal()));
  const u = Float64Array.from({ length: d }, () => rng.normal());
  // Gram–Schmidt: remove u's component along w, so u ⟂ w.
  const along = dot(u, w);
  for (let i = 0; i < d; i++) u[i] = (u[i] ?? 0) - along * (w[i] ?? 0);
  normalize(u);
  const theta = (params.angleDeg * Math.PI) / 180;
  const task = w.map((wi, i) => Math.cos(theta) * wi + Math.sin(theta) * (u[i] ?? 0));
  return { base: w, task };
}

export function generateLinearBinary(params: SyntheticDataset): NumericTable {
  const d = params.features;
  const n = params.samples;
  const { task } = syntheticWeights(params);
  // The samples' seed includes the angle: a source and a target of one task family then get
  // different samples (as two real domains would), while the same spec always gives the same data.
  const rng = new Rng(
    deriveSeed(params.taskSeed, `linear-binary:samples:angle=${params.angleDeg}`),
  );
  const features = new Float32Array(n * d);
  const labels = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    let z = 0;
    for (let i = 0; i < d; i++) {
      const value = rng.normal();
      features[s * d + i] = value;
      z += (task[i] ?? 0) * value;
    }
    z += params.noise * rng.normal();
    labels[s] = z > 0 ? 1 : 0;
  }
  return { features, labels, rows: n, featureCount: d };
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] ?? 0) * (b[i] ?? 0);
  return sum;
}

function normalize(v: Float64Array): Float64Array {
  const norm = Math.sqrt(dot(v, v));
  for (let i = 0; i < v.length; i++) v[i] = (v[i] ?? 0) / norm;
  return v;
}
