import { describe, expect, it } from 'vitest';
import type { SlurmTaskState } from '../../../src-main/cluster/slurm/status';
import { CANCELLED_BY_USER } from '../../../src-main/core/runRecorder';
import { slurmEnding, type EndingFacts } from '../../../src-main/core/slurmEnding';

/**
 * Issue 16, point 4: a task that ended without the workspace having its outcome ends its run with
 * the status and the words that Slurm's state calls for.
 */

const LOG = '/shared/ws/jobs/exp-7/logs/1234_3.err';
const facts: EndingFacts = { cancelRequested: false, workerCancelled: false, logFile: LOG };

function task(state: SlurmTaskState['state'], more: Partial<SlurmTaskState> = {}): SlurmTaskState {
  return { jobId: '1234', taskId: 3, state, ...more };
}

describe('slurmEnding', () => {
  it('fails a task stopped at its time limit and says to ask for more time', () => {
    expect(slurmEnding(task('TIMEOUT', { reason: 'TimeLimit' }), facts)).toEqual({
      status: 'failed',
      error:
        'Slurm stopped task 1234_3 at its time limit (TIMEOUT, TimeLimit); ask for more time with --time.',
    });
    // Without a reason the state alone is named.
    expect(slurmEnding(task('TIMEOUT'), facts).error).toContain('(TIMEOUT)');
  });

  it('fails a task stopped at its deadline', () => {
    expect(slurmEnding(task('DEADLINE'), facts)).toEqual({
      status: 'failed',
      error: 'Slurm stopped task 1234_3 at its deadline (DEADLINE).',
    });
  });

  it('crashes a task out of memory, pointing at --mem and its log', () => {
    const ending = slurmEnding(task('OUT_OF_MEMORY', { reason: 'OutOfMemory' }), facts);
    expect(ending.status).toBe('crashed');
    expect(ending.error).toBe(
      `Slurm killed task 1234_3: out of memory (OUT_OF_MEMORY, OutOfMemory); ask for more with --mem. Its log: ${LOG}`,
    );
  });

  it('crashes a task whose node failed or did not boot, with its log', () => {
    for (const state of ['NODE_FAIL', 'BOOT_FAIL'] as const) {
      expect(slurmEnding(task(state), facts), state).toEqual({
        status: 'crashed',
        error: `The node of task 1234_3 failed (${state}). Its log: ${LOG}`,
      });
    }
  });

  it('crashes a preempted task that was not requeued', () => {
    expect(slurmEnding(task('PREEMPTED'), facts)).toEqual({
      status: 'crashed',
      error: 'Slurm preempted task 1234_3 and did not requeue it (PREEMPTED).',
    });
  });

  it('fails a task Slurm cancelled because its dependency failed', () => {
    for (const reason of ['Dependency', 'DependencyNeverSatisfied', 'dependency']) {
      expect(slurmEnding(task('CANCELLED', { reason }), facts), reason).toEqual({
        status: 'failed',
        error: `Slurm cancelled task 1234_3: the task it waited for did not succeed (CANCELLED, ${reason}).`,
      });
    }
  });

  it('cancels a task cancelled in Slurm for any other reason, saying it was outside Transferlab', () => {
    expect(slurmEnding(task('CANCELLED', { reason: 'None' }), facts)).toEqual({
      status: 'cancelled',
      error: 'Task 1234_3 was cancelled in Slurm, outside Transferlab (CANCELLED, None).',
    });
    expect(slurmEnding(task('CANCELLED'), facts)).toEqual({
      status: 'cancelled',
      error: 'Task 1234_3 was cancelled in Slurm, outside Transferlab (CANCELLED).',
    });
  });

  it('crashes a task Slurm no longer knows, with its log', () => {
    const ending = slurmEnding(task('VANISHED'), facts);
    expect(ending.status).toBe('crashed');
    expect(ending.error).toMatch(
      /^Slurm no longer knows task 1234_3 and its worker wrote no outcome/,
    );
    expect(ending.error).toMatch(/MinJobAge/);
    expect(ending.error.endsWith(`Its log: ${LOG}`)).toBe(true);
  });

  it('crashes a failed task with its exit code and log', () => {
    expect(
      slurmEnding(
        task('FAILED', { reason: 'NonZeroExitCode', exit: { code: 1, signal: 0 } }),
        facts,
      ),
    ).toEqual({
      status: 'crashed',
      error: `Task 1234_3 ended (FAILED, NonZeroExitCode, exit code 1) without an outcome. Its log: ${LOG}`,
    });
    // No exit code known (squeue only): none is made up.
    expect(slurmEnding(task('FAILED'), facts).error).toBe(
      `Task 1234_3 ended (FAILED) without an outcome. Its log: ${LOG}`,
    );
  });

  it('cancels a completed task whose worker was sent SIGTERM from outside', () => {
    expect(slurmEnding(task('COMPLETED'), { ...facts, workerCancelled: true })).toEqual({
      status: 'cancelled',
      error: 'Task 1234_3 was stopped by a signal from outside Transferlab (COMPLETED).',
    });
    // The same state without the worker's word: it ended with no outcome at all.
    expect(slurmEnding(task('COMPLETED'), facts)).toEqual({
      status: 'crashed',
      error: `Task 1234_3 ended (COMPLETED) without an outcome. Its log: ${LOG}`,
    });
  });

  it('lets a cancel asked for in Transferlab win over every state', () => {
    const states: SlurmTaskState['state'][] = [
      'TIMEOUT',
      'DEADLINE',
      'OUT_OF_MEMORY',
      'NODE_FAIL',
      'BOOT_FAIL',
      'PREEMPTED',
      'CANCELLED',
      'VANISHED',
      'FAILED',
      'COMPLETED',
      'UNKNOWN',
    ];
    for (const state of states) {
      expect(
        slurmEnding(task(state, { reason: 'Dependency' }), {
          ...facts,
          cancelRequested: true,
          workerCancelled: true,
        }),
        state,
      ).toEqual({ status: 'cancelled', error: CANCELLED_BY_USER });
    }
  });
});
