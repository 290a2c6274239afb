import { deriveSeed, Rng } from './random';

/**
 * The rows a run's train metrics are measured on when its config records a cap
 * (ResolvedRunConfig.trainMetricRows; src-shared/domain/trainMetrics.ts, issue 12): `cap` of the
 * `pooled` rows the strategy measures (its metric splits one after another), drawn uniformly
 * without replacement from a sub-seed of the run seed, once per run, so every epoch measures the
 * same rows; ascending. Null when every row is measured: no cap recorded (runs planned before
 * the cap, which their re-runs must reproduce) or no more rows than the cap.
 */
export function trainMetricSampleRows(
  seed: number,
  pooled: number,
  cap: number | undefined,
): Int32Array | null {
  if (cap === undefined || pooled <= cap) return null;
  const rng = new Rng(deriveSeed(seed, 'train-metric-sample'));
  return rng.permutation(pooled).slice(0, cap).sort();
}
