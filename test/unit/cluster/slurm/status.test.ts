import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  expandTaskIds,
  parseScontrolJobs,
  parseSqueue,
  slurmPhase,
  SlurmOutputError,
  type SlurmTaskState,
} from '../../../../src-main/cluster/slurm/status';

/** Real outputs of Slurm 22.05, captured by scripts/slurm/capture-fixtures.sh. */
function fixture(name: string): string {
  return readFileSync(join(import.meta.dirname, '../../../fixtures/slurm', name), 'utf8');
}

/** Task id -> [state, reason, exit "code:signal"], for compact expectations. */
function summary(tasks: readonly SlurmTaskState[]): Record<string, string[]> {
  const byTask: Record<string, string[]> = {};
  for (const t of [...tasks].sort((a, b) => a.taskId - b.taskId)) {
    byTask[`${t.jobId}_${String(t.taskId)}`] = [
      t.state,
      t.reason ?? '-',
      t.exit === undefined ? '-' : `${String(t.exit.code)}:${String(t.exit.signal)}`,
    ];
  }
  return byTask;
}

describe('parseSqueue', () => {
  it('reads running tasks and pending ones with their reasons, one line per task (--array)', () => {
    expect(summary(parseSqueue(fixture('squeue-array.txt')))).toEqual({
      '55_0': ['RUNNING', '-', '-'],
      '55_1': ['PENDING', 'JobArrayTaskLimit', '-'],
      '55_2': ['PENDING', 'JobArrayTaskLimit', '-'],
      '55_3': ['PENDING', 'JobArrayTaskLimit', '-'],
      '56_0': ['PENDING', 'Dependency', '-'],
      '56_1': ['PENDING', 'Dependency', '-'],
      '56_2': ['PENDING', 'Dependency', '-'],
      '56_3': ['PENDING', 'Dependency', '-'],
      '57_0': ['PENDING', 'Resources', '-'],
      '57_1': ['PENDING', 'Resources', '-'],
      '57_2': ['PENDING', 'Resources', '-'],
    });
  });

  it('expands grouped pending tasks such as 55_[1-3%1] (without --array)', () => {
    const grouped = parseSqueue(fixture('squeue-grouped.txt'));
    expect(summary(grouped)).toEqual(summary(parseSqueue(fixture('squeue-array.txt'))));
  });

  it('reads reasons with spaces, leaves out jobs that are not arrays, refuses anything else', () => {
    expect(parseSqueue('7_2|PENDING|launch failed requeued held\n8|RUNNING|None\n')).toEqual([
      { jobId: '7', taskId: 2, state: 'PENDING', reason: 'launch failed requeued held' },
    ]);
    expect(parseSqueue('7_1|SOMETHING_NEW|None\n')).toEqual([
      { jobId: '7', taskId: 1, state: 'UNKNOWN' },
    ]);
    expect(() => parseSqueue('slurm_load_jobs error: Invalid job id specified\n')).toThrow(
      SlurmOutputError,
    );
    expect(() => parseSqueue('7_[1-3,...]|PENDING|None\n')).toThrow(SlurmOutputError);
  });
});

describe('parseScontrolJobs', () => {
  it('reads running tasks and a grouped record of throttled ones (ArrayTaskId=1-3%1)', () => {
    expect(summary(parseScontrolJobs(fixture('scontrol-running-and-pending-limit.txt')))).toEqual({
      '55_0': ['RUNNING', '-', '0:0'],
      '55_1': ['PENDING', 'JobArrayTaskLimit', '0:0'],
      '55_2': ['PENDING', 'JobArrayTaskLimit', '0:0'],
      '55_3': ['PENDING', 'JobArrayTaskLimit', '0:0'],
    });
  });

  it('reads tasks waiting on their source task (aftercorr)', () => {
    const tasks = parseScontrolJobs(fixture('scontrol-pending-dependency.txt'));
    expect(tasks.map((t) => t.taskId).sort()).toEqual([0, 1, 2, 3]);
    for (const task of tasks)
      expect(task).toMatchObject({ state: 'PENDING', reason: 'Dependency' });
  });

  it('reads a time limit, a failure with its exit code, and completed tasks', () => {
    expect(summary(parseScontrolJobs(fixture('scontrol-timeout.txt')))).toEqual({
      '48_0': ['TIMEOUT', 'TimeLimit', '0:15'],
    });
    expect(summary(parseScontrolJobs(fixture('scontrol-failed.txt')))).toEqual({
      '49_0': ['COMPLETED', '-', '0:0'],
      '49_1': ['FAILED', 'NonZeroExitCode', '3:0'],
      '49_2': ['COMPLETED', '-', '0:0'],
    });
  });

  it('reads dependents of a failed task, cancelled by --kill-on-invalid-dep', () => {
    expect(summary(parseScontrolJobs(fixture('scontrol-dependency-never-satisfied.txt')))).toEqual({
      '50_0': ['COMPLETED', '-', '0:0'],
      '50_1': ['CANCELLED', 'DependencyNeverSatisfied', '0:0'],
      '50_2': ['COMPLETED', '-', '0:0'],
    });
    const all = parseScontrolJobs(fixture('scontrol-dependency-cancelled.txt'));
    expect(all).toHaveLength(4);
    for (const t of all)
      expect(t).toMatchObject({ state: 'CANCELLED', reason: 'DependencyNeverSatisfied' });
  });

  it('reads a requeued task (Restarts=1) waiting to start again', () => {
    const tasks = parseScontrolJobs(fixture('scontrol-requeued.txt'));
    expect(tasks.find((t) => t.taskId === 0)).toEqual({
      jobId: '55',
      taskId: 0,
      state: 'PENDING',
      reason: 'BeginTime',
      exit: { code: 0, signal: 0 },
      restarts: 1,
    });
    expect(tasks.find((t) => t.taskId === 1)).toMatchObject({ state: 'RUNNING', restarts: 0 });
  });

  it('reads cancelled tasks: running (SIGTERM, 0:15) and a grouped pending record', () => {
    expect(summary(parseScontrolJobs(fixture('scontrol-cancelled.txt')))).toEqual({
      '55_0': ['CANCELLED', 'BeginTime', '0:0'],
      '55_1': ['CANCELLED', '-', '0:15'],
      '55_2': ['CANCELLED', 'JobArrayTaskLimit', '0:0'],
      '55_3': ['CANCELLED', 'JobArrayTaskLimit', '0:0'],
    });
  });

  it('has no record of a task cancelled while pending inside its grouped record', () => {
    // Task 1 was cancelled before it was split off the grouped record: Slurm keeps no trace.
    expect(summary(parseScontrolJobs(fixture('scontrol-cancelled-pending-vanished.txt')))).toEqual({
      '57_0': ['CANCELLED', '-', '0:15'],
      '57_2': ['RUNNING', '-', '0:0'],
    });
  });

  it('is not misled by a job name or comment that a user chose', () => {
    expect(summary(parseScontrolJobs(fixture('scontrol-job-name-with-space.txt')))).toEqual({
      '12_0': ['COMPLETED', '-', '0:0'],
    });
  });

  it('refuses a record it cannot read', () => {
    expect(() =>
      parseScontrolJobs('JobId=5 ArrayJobId=5 ArrayTaskId=0 JobName=x\n   Oops\n'),
    ).toThrow(SlurmOutputError);
  });
});

describe('expandTaskIds', () => {
  it("reads Slurm's task lists: single ids, ranges, steps, lists and a parallelism limit", () => {
    expect(expandTaskIds('7')).toEqual([7]);
    expect(expandTaskIds('3-5%2')).toEqual([3, 4, 5]);
    expect(expandTaskIds('0,2,4-6')).toEqual([0, 2, 4, 5, 6]);
    expect(expandTaskIds('1-9:4')).toEqual([1, 5, 9]);
    expect(() => expandTaskIds('5-3')).toThrow(SlurmOutputError);
    expect(() => expandTaskIds('1,...')).toThrow(SlurmOutputError);
  });
});

describe('slurmPhase', () => {
  it('tells waiting, running and ended states apart', () => {
    expect(slurmPhase('PENDING')).toBe('waiting');
    expect(slurmPhase('REQUEUED')).toBe('waiting');
    expect(slurmPhase('RUNNING')).toBe('running');
    expect(slurmPhase('COMPLETING')).toBe('running');
    expect(slurmPhase('UNKNOWN')).toBe('running');
    for (const state of [
      'COMPLETED',
      'TIMEOUT',
      'CANCELLED',
      'OUT_OF_MEMORY',
      'NODE_FAIL',
      'VANISHED',
    ] as const) {
      expect(slurmPhase(state), state).toBe('ended');
    }
  });
});
