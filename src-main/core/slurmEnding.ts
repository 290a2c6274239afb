import type { SlurmTaskState } from '../cluster/slurm/status';
import type { EndStatus } from '../store/runs';
import { CANCELLED_BY_USER } from './runRecorder';

/**
 * How a run ends when its Slurm task ended without the workspace having its outcome (issue 16,
 * point 4): the scheduler's state says why, and the run's error says it in words a person can act
 * on. A task whose worker wrote 'cancelled' (SIGTERM) ends here too, since only the scheduler
 * knows whether the signal was a person's scancel or the time limit.
 */

export interface SlurmEnding {
  status: Extract<EndStatus, 'failed' | 'cancelled' | 'crashed'>;
  error: string;
}

export interface EndingFacts {
  /** A cancel was asked for in Transferlab (UI, CLI). */
  cancelRequested: boolean;
  /** Its worker wrote 'cancelled': it was sent SIGTERM. */
  workerCancelled: boolean;
  /** The task's log (stderr), where a crash's story is. */
  logFile: string;
}

export function slurmEnding(task: SlurmTaskState, facts: EndingFacts): SlurmEnding {
  const label = `${task.jobId}_${String(task.taskId)}`;
  const why = task.reason === undefined ? task.state : `${task.state}, ${task.reason}`;
  const seeLog = ` Its log: ${facts.logFile}`;
  if (facts.cancelRequested) return { status: 'cancelled', error: CANCELLED_BY_USER };
  switch (task.state) {
    case 'TIMEOUT':
      return {
        status: 'failed',
        error: `Slurm stopped task ${label} at its time limit (${why}); ask for more time with --time.`,
      };
    case 'DEADLINE':
      return { status: 'failed', error: `Slurm stopped task ${label} at its deadline (${why}).` };
    case 'OUT_OF_MEMORY':
      return {
        status: 'crashed',
        error: `Slurm killed task ${label}: out of memory (${why}); ask for more with --mem.${seeLog}`,
      };
    case 'NODE_FAIL':
    case 'BOOT_FAIL':
      return { status: 'crashed', error: `The node of task ${label} failed (${why}).${seeLog}` };
    case 'PREEMPTED':
      return {
        status: 'crashed',
        error: `Slurm preempted task ${label} and did not requeue it (${why}).`,
      };
    case 'CANCELLED':
      if (task.reason !== undefined && /Dependency/i.test(task.reason)) {
        return {
          status: 'failed',
          error: `Slurm cancelled task ${label}: the task it waited for did not succeed (${why}).`,
        };
      }
      return {
        status: 'cancelled',
        error: `Task ${label} was cancelled in Slurm, outside Transferlab (${why}).`,
      };
    case 'VANISHED':
      return {
        status: 'crashed',
        error:
          `Slurm no longer knows task ${label} and its worker wrote no outcome (it ended more than ` +
          `MinJobAge seconds ago, or was cancelled while it waited).${seeLog}`,
      };
    default:
      if (facts.workerCancelled) {
        return {
          status: 'cancelled',
          error: `Task ${label} was stopped by a signal from outside Transferlab (${why}).`,
        };
      }
      return {
        status: 'crashed',
        error:
          `Task ${label} ended (${why}${task.exit ? `, exit code ${String(task.exit.code)}` : ''}) ` +
          `without an outcome.${seeLog}`,
      };
  }
}
