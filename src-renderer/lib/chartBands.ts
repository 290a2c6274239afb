import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import type { Band } from '../../src-shared/rpc/compare';

/**
 * Mean and band of a few values, as the server's epoch curves compute them
 * (src-main/analysis/summary.ts): ± 1 sample standard deviation, ± 1 standard error, or the
 * Student t 95 % interval of the mean. One value has a mean and no band. The view computes them
 * itself because it regroups and smooths runs as the user switches facets, without a round trip.
 */
export function meanBand(
  values: readonly number[],
  band: Band,
): { mean: number; lower: number | null; upper: number | null } | null {
  const xs = values.filter((x) => Number.isFinite(x));
  const n = xs.length;
  if (n === 0) return null;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, lower: null, upper: null };
  const std = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  const se = std / Math.sqrt(n);
  const half = band === 'std' ? std : band === 'se' ? se : tQuantile(0.975, n - 1) * se;
  return { mean, lower: mean - half, upper: mean + half };
}
