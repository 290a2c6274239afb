import {
  isEndedSlurmState,
  slurmTaskLabel,
  type RunClusterTask,
} from '../../src-shared/domain/cluster';
import { isTerminal, type RunStatus, type RunSummary } from '../../src-shared/domain/runs';

/**
 * How the run page names a run handed to Slurm (issue 16). A queued run of the cluster waits in
 * Slurm's queue, not for this machine's trainers; the page says so wherever it explains a queued
 * run, so nobody waits for a trainer here that will never start it.
 */

/** squeue's reason for a task that waits for nothing (a running or ended task). */
const NO_REASON = 'None';

/**
 * Whether the scheduler's word on the task may still change: while the run is active, and after
 * it ended until the server has seen the task end too (a worker writes its outcome before its
 * process exits, so the run is completed while squeue still says RUNNING).
 */
export function taskStateMayChange(status: RunStatus, task: RunClusterTask): boolean {
  return !isTerminal(status) || task.state === null || !isEndedSlurmState(task.state);
}

/**
 * `Slurm task 123_4 · PENDING (Dependency) · attempt 2`; the attempt only once it is not the
 * first. Of a run that has ended, a state from before its end (RUNNING, PENDING) is left out
 * rather than shown as if it were still so.
 */
export function clusterTaskText(task: RunClusterTask, status: RunStatus): string {
  const label = slurmTaskLabel(task);
  const parts = [label === null ? 'Slurm task (being submitted)' : `Slurm task ${label}`];
  const ended = isTerminal(status);
  const stale = ended && taskStateMayChange(status, task);
  if (task.state !== null && !stale) {
    const reason = task.reason !== null && task.reason !== NO_REASON ? ` (${task.reason})` : '';
    parts.push(`${task.state}${reason}`);
  } else if (task.state === null && label !== null && !ended) {
    parts.push('submitted');
  }
  if (task.attempt > 1) parts.push(`attempt ${String(task.attempt)}`);
  return parts.join(' · ');
}

/** Whether the run is queued because it waits in Slurm's queue. */
export function waitsInSlurm(status: RunStatus, task: RunClusterTask | undefined): boolean {
  return status === 'queued' && task !== undefined;
}

/** The status chip's words: "waiting in Slurm" for a queued run of the cluster; else undefined. */
export function clusterStatusLabel(
  status: RunStatus,
  task: RunClusterTask | undefined,
): string | undefined {
  return waitsInSlurm(status, task) ? 'waiting in Slurm' : undefined;
}

/** What the empty per-epoch table says while a run is queued. */
export function queuedMetricsText(task: RunClusterTask | undefined): string {
  return task === undefined
    ? 'Queued: metrics appear after the first epoch.'
    : 'Waiting in Slurm: metrics appear after the task’s first epoch.';
}

/** How often an open run page asks again for a cluster task's state while it may change. */
export const CLUSTER_REFRESH_MS = 5_000;

/** How long after its run ended a page still asks for a task's end (the server's poll is ~1 s). */
export const CLUSTER_END_WAIT_MS = 60_000;

/**
 * A list's status chip for a run (runs grid, experiment page): "in Slurm" for a queued run of
 * Slurm, short enough for the status column (the chip's title says it in full).
 */
export function summaryStatusLabel(
  run: Pick<RunSummary, 'status' | 'executor'>,
): string | undefined {
  return run.status === 'queued' && run.executor === 'slurm' ? 'in Slurm' : undefined;
}

/** The chip's title for a run waiting in Slurm's queue. */
export const IN_SLURM_TITLE = 'Queued: waiting in Slurm’s queue, not for this machine';
