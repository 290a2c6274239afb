import type { PlanEstimate, PlanSummary } from '../../src-shared/rpc/plan';
import { plural } from './format';

/**
 * What the designer's plan panel shows of experiments.plan (issue 10), and the rule that a large
 * launch asks first. Pure, so that the wording and the threshold are tested without a page.
 */

/** Launching more queued runs than this asks for confirmation first. */
export const CONFIRM_ABOVE_RUNS = 300;

/** Whether launching a plan that queues `queuedRuns` runs asks for confirmation first. */
export function needsLaunchConfirmation(queuedRuns: number): boolean {
  return queuedRuns > CONFIRM_ABOVE_RUNS;
}

/** `40 s`, `12 min`, `2 h 05 min`: an estimate, so rounded (never "0 min"). */
export function formatEstimateSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  return `${h} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** Whether any planned run has a time: otherwise there is no number to show. */
export function hasTime(estimate: PlanEstimate | null): estimate is PlanEstimate {
  return estimate !== null && estimate.basis.measured + estimate.basis.calibrated > 0;
}

/** `≈ 12 min on 2 trainers`, or null when nothing of the plan has a time. */
export function estimateLine(estimate: PlanEstimate | null): string | null {
  if (!hasTime(estimate)) return null;
  const partial = estimate.basis.unknown > 0 ? ' (known runs only)' : '';
  return `≈ ${formatEstimateSeconds(estimate.wallSeconds)} on ${plural(estimate.concurrency, 'trainer')}${partial}`;
}

/**
 * What the designer says of time when the runs go to Slurm (issue 16): the plan's estimate is
 * this machine's trainers', not the cluster's, whose queue and nodes decide how long runs take.
 */
export const SLURM_TIME_NOTE = 'on Slurm · no estimate: its queue decides';

/** The launch dialog's sentence for the same. */
export const SLURM_TIME_SENTENCE =
  'On Slurm: no time estimate, the cluster’s queue decides how long the runs take.';

/** The footer's words after the run counts: the estimate here, or the Slurm note. */
export function footerTimeLine(estimate: PlanEstimate | null, onSlurm: boolean): string | null {
  return onSlurm ? SLURM_TIME_NOTE : estimateLine(estimate);
}

/** `8 measured · 2 calibrated · 4 unknown`, the zero counts left out. */
export function basisLine(estimate: PlanEstimate): string {
  const { measured, calibrated, unknown } = estimate.basis;
  const parts = [
    measured > 0 ? `${measured} measured` : null,
    calibrated > 0 ? `${calibrated} calibrated` : null,
    unknown > 0 ? `${unknown} unknown` : null,
  ].filter((p): p is string => p !== null);
  return parts.length > 0 ? parts.join(' · ') : 'no runs to time';
}

/** The run counts of a plan in one sentence, for the footer and the confirmation dialog. */
export function queuedLine(plan: PlanSummary): string {
  const parts = [
    plural(plan.newSourceRuns, 'new source run'),
    plural(plan.transferRuns, 'transfer run'),
  ];
  const reused =
    plan.reusedSourceRuns.length > 0
      ? `; ${plural(plan.reusedSourceRuns.length, 'source model')} reused`
      : '';
  return `${plural(plan.queuedRuns, 'run')} queued (${parts.join(' + ')})${reused}`;
}

/**
 * Whether a plan's counts are the ones to show for `specJson`: a response for an earlier spec is
 * stale (the form changed while it was computed) and is never shown as the current plan.
 */
export function isCurrent(planFor: string | null, specJson: string | null): boolean {
  return planFor !== null && planFor === specJson;
}

/**
 * Hands out sequence numbers and tells whether a response is still the latest one asked for: a
 * slow answer to an earlier request must not overwrite a newer one (Signal's worker protocol
 * numbers its requests the same way).
 */
export class LatestOnly {
  #issued = 0;

  next(): number {
    this.#issued += 1;
    return this.#issued;
  }

  isLatest(sequence: number): boolean {
    return sequence === this.#issued;
  }
}
