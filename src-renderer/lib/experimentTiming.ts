import { formatSeconds } from '../../src-shared/duration';
import type { ExperimentPlanRecord, ExperimentTiming } from '../../src-shared/rpc/plan';

/**
 * An experiment's planned time beside the time it took (issue 10): `Estimated 4 min 10 s (upper
 * bound: early stopping) · took 3 min 52 s`. Pure, so the wording is tested without a DOM.
 */

export interface TimingView {
  /** The plan's half: `Estimated 4 min 10 s (upper bound: early stopping)`, or that there is none. */
  estimate: string;
  /** The real half: `took 3 min 52 s`, `running…`, or `queued…`. */
  actual: string;
  /** How the estimate was made, for a tooltip. */
  method: string | null;
  /** Whether the estimate is missing (old experiments, or nothing to estimate from). */
  noEstimate: boolean;
}

export function timingView(
  plan: ExperimentPlanRecord | null,
  timing: ExperimentTiming,
): TimingView {
  const estimate = plan?.estimate ?? null;
  let estimateText: string;
  let method: string | null = null;
  if (plan === null) {
    estimateText = 'No estimate recorded';
  } else if (estimate === null) {
    estimateText = 'No estimate recorded (nothing comparable had run yet)';
  } else if (estimate.basis.measured + estimate.basis.calibrated === 0) {
    // Every planned run's speed was unknown: the sums hold nothing, and 0 s would mislead.
    estimateText = 'No estimate recorded (no comparable run had been timed)';
  } else {
    const { measured, calibrated, unknown } = estimate.basis;
    estimateText =
      `Estimated ${formatSeconds(estimate.wallSeconds)}` +
      (estimate.upperBound ? ' (upper bound: early stopping)' : '') +
      (unknown > 0
        ? ` for ${measured + calibrated} of ${measured + calibrated + unknown} runs (the others' speed unknown)`
        : '');
    method =
      `${estimate.method} ${estimate.basis.measured} runs measured, ` +
      `${estimate.basis.calibrated} calibrated, ${estimate.basis.unknown} unknown; ` +
      `${estimate.concurrency} trainer${estimate.concurrency === 1 ? '' : 's'} at once.`;
  }
  let actual: string;
  if (timing.wallSeconds !== null) actual = `took ${formatSeconds(timing.wallSeconds)}`;
  else if (timing.unfinished > 0) actual = timing.startedAt === null ? 'queued…' : 'running…';
  else actual = 'no run started';
  const noEstimate = estimate === null || estimate.basis.measured + estimate.basis.calibrated === 0;
  return { estimate: estimateText, actual, method, noEstimate };
}
