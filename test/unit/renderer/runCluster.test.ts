import { describe, expect, it } from 'vitest';
import type { RunClusterTask } from '../../../src-shared/domain/cluster';
import type { PlanEstimate } from '../../../src-shared/rpc/plan';
import {
  clusterStatusLabel,
  clusterTaskText,
  queuedMetricsText,
  summaryStatusLabel,
  taskStateMayChange,
  waitsInSlurm,
} from '../../../src-renderer/lib/runCluster';
import {
  footerTimeLine,
  SLURM_TIME_NOTE,
  SLURM_TIME_SENTENCE,
} from '../../../src-renderer/lib/planView';

const task: RunClusterTask = {
  executor: 'slurm',
  attempt: 1,
  jobId: '123',
  taskId: 4,
  state: 'PENDING',
  reason: 'Dependency',
  submittedAt: '2026-12-06T10:00:02.000Z',
};

describe('a Slurm run on its page (issue 16)', () => {
  it('names the task as squeue does, with its state and why it waits', () => {
    expect(clusterTaskText(task, 'queued')).toBe('Slurm task 123_4 · PENDING (Dependency)');
    expect(clusterTaskText({ ...task, state: 'RUNNING', reason: 'None' }, 'running')).toBe(
      'Slurm task 123_4 · RUNNING',
    );
    expect(clusterTaskText({ ...task, state: 'COMPLETED', reason: null }, 'completed')).toBe(
      'Slurm task 123_4 · COMPLETED',
    );
    expect(clusterTaskText({ ...task, state: 'TIMEOUT', reason: 'TimeLimit' }, 'failed')).toBe(
      'Slurm task 123_4 · TIMEOUT (TimeLimit)',
    );
  });

  it('gives the attempt only once the run was restarted', () => {
    expect(
      clusterTaskText({ ...task, attempt: 2, state: 'RUNNING', reason: null }, 'running'),
    ).toBe('Slurm task 123_4 · RUNNING · attempt 2');
  });

  it('says what it knows before sbatch and squeue have answered', () => {
    const unsubmitted = { ...task, jobId: null, taskId: null, state: null, reason: null };
    expect(clusterTaskText(unsubmitted, 'queued')).toBe('Slurm task (being submitted)');
    expect(clusterTaskText({ ...task, state: null, reason: null }, 'queued')).toBe(
      'Slurm task 123_4 · submitted',
    );
  });

  it('does not show an ended run’s task as still waiting or running, and asks until it has ended', () => {
    const running = { ...task, state: 'RUNNING', reason: null };
    // The worker wrote its outcome; squeue has not yet seen its process exit.
    expect(clusterTaskText(running, 'completed')).toBe('Slurm task 123_4');
    expect(clusterTaskText(task, 'cancelled')).toBe('Slurm task 123_4');
    expect(taskStateMayChange('completed', running)).toBe(true);
    expect(taskStateMayChange('completed', { ...task, state: 'COMPLETED' })).toBe(false);
    expect(taskStateMayChange('failed', { ...task, state: 'OUT_OF_MEMORY' })).toBe(false);
    // An active run's task changes whatever squeue said last.
    expect(taskStateMayChange('running', { ...task, state: 'COMPLETED' })).toBe(true);
  });

  it('says a queued run waits in Slurm, and a run trained here as before', () => {
    expect(waitsInSlurm('queued', task)).toBe(true);
    expect(clusterStatusLabel('queued', task)).toBe('waiting in Slurm');
    expect(queuedMetricsText(task)).toMatch(/^Waiting in Slurm/);
    // Running or ended, the status says it all; a local queued run waits for this machine.
    expect(clusterStatusLabel('running', task)).toBeUndefined();
    expect(clusterStatusLabel('completed', task)).toBeUndefined();
    expect(clusterStatusLabel('queued', undefined)).toBeUndefined();
    expect(queuedMetricsText(undefined)).toBe('Queued: metrics appear after the first epoch.');
  });
});

describe('the designer footer when the runs go to Slurm (issue 16)', () => {
  const estimate: PlanEstimate = {
    wallSeconds: 725,
    runSeconds: 1400,
    concurrency: 2,
    basis: { measured: 8, calibrated: 2, unknown: 0 },
    upperBound: false,
    method: 'From completed runs.',
  };

  it('gives this machine’s estimate only for this machine', () => {
    expect(footerTimeLine(estimate, false)).toBe('≈ 12 min on 2 trainers');
    expect(footerTimeLine(estimate, true)).toBe(SLURM_TIME_NOTE);
    expect(footerTimeLine(null, true)).toBe(SLURM_TIME_NOTE);
    for (const words of [SLURM_TIME_NOTE, SLURM_TIME_SENTENCE]) {
      expect(words).not.toMatch(/trainer|≈/);
      expect(words).toMatch(/Slurm/);
    }
  });
});

describe('a list’s status chip for a Slurm run (issue 16)', () => {
  it('says "in Slurm" for a queued run of Slurm, and nothing new otherwise', () => {
    expect(summaryStatusLabel({ status: 'queued', executor: 'slurm' })).toBe('in Slurm');
    expect(summaryStatusLabel({ status: 'queued' })).toBeUndefined();
    expect(summaryStatusLabel({ status: 'running', executor: 'slurm' })).toBeUndefined();
    expect(summaryStatusLabel({ status: 'completed', executor: 'slurm' })).toBeUndefined();
  });
});
