import type { Tensor } from '@tensorflow/tfjs';
import { featureMatrixShape } from './mmd';

/** What the instance-weight estimators (importance.ts) share: argument checks. */

/**
 * [n_S, n_T, d] of a source [n_S, ...] and a target [n_T, ...] whose rows are weighed against
 * each other: both of the same feature size d, neither empty (`who` names the estimator in the
 * error).
 */
export function domainRows(source: Tensor, target: Tensor, who: string): [number, number, number] {
  const [ns, d] = featureMatrixShape(source, 'source');
  const [nt, dt] = featureMatrixShape(target, 'target');
  if (d !== dt) {
    throw new Error(`Source and target features differ in size: ${d} and ${dt} per sample`);
  }
  if (ns === 0 || nt === 0) throw new Error(`${who} needs rows of both domains`);
  return [ns, nt, d];
}

export function positiveInteger(value: number, name: string): number {
  if (!(Number.isInteger(value) && value > 0)) {
    throw new Error(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}
