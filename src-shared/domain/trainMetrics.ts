import type { ResolvedRunConfig, SplitSizes } from './runs';
import { strategyInfo } from './strategies';

/**
 * The rows a run's train metrics (per-epoch `loss` and `acc`, final `train_loss` and
 * `train_acc`) are measured on (issue 12). Re-measuring every training row after every epoch
 * cost a CNN on Fashion-MNIST 18 % of its epoch (60,000 rows); a fixed sample of 10,000 rows
 * measures accuracy to a standard error of at most 0.5 points (√(p(1−p)/n) ≤ √(0.25/10⁴)),
 * plenty for what the train curve is read for (under- and over-fitting against val, divergence),
 * and the same rows every epoch keep sampling noise out of the curve's changes. Validation and
 * test metrics always use every row.
 *
 * The planner records this cap in every run's config (ResolvedRunConfig.trainMetricRows) and the
 * engine honours what a run records: runs planned before it have none and measure every row, so
 * their re-runs reproduce them.
 */
export const TRAIN_METRIC_ROWS = 10_000;

/**
 * How many labelled rows a run's train metrics cover before any sample: those its strategy
 * trains its classifier on (the engine's PreparedModel.trainMetrics). The strategies that train
 * the target's classifier on the source's labelled rows too (StrategyInfo.needsSameLabels) pool
 * them with the target's; source-only without its `targetLabels` option measures the source's
 * alone; every other run, the rows it trains on (`sizes.train`).
 */
export function trainMetricPool(config: ResolvedRunConfig, sizes: SplitSizes): number {
  if (config.strategy === 'source' || !strategyInfo(config.strategy).needsSameLabels)
    return sizes.train;
  const withTarget =
    config.strategy !== 'source-only' || config.strategyParams.targetLabels === true;
  return (sizes.source ?? 0) + (withTarget ? sizes.train : 0);
}

/** A run's train metrics measured on `rows` of the `of` rows they cover. */
export interface TrainMetricSample {
  rows: number;
  of: number;
}

/**
 * The sample a run measured its train metrics on, or null when it measured every row: no cap
 * recorded (runs before issue 12), no more rows than the cap, or split sizes not known (yet).
 */
export function trainMetricSample(
  config: ResolvedRunConfig,
  sizes: SplitSizes | null,
): TrainMetricSample | null {
  const cap = config.trainMetricRows;
  if (cap === undefined || sizes === null) return null;
  const of = trainMetricPool(config, sizes);
  return of > cap ? { rows: cap, of } : null;
}

/** One phrase for the UI, the CLI and reports: `train metrics on a fixed sample of 10,000 of 60,000 rows`. */
export function trainMetricSampleText(sample: TrainMetricSample): string {
  const int = (n: number): string => n.toLocaleString('en-US');
  return `train metrics on a fixed sample of ${int(sample.rows)} of ${int(sample.of)} rows`;
}
