import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { slurmAvailability } from '../../../src-main/cluster/slurm/available';
import { runSlurmCommand } from '../../../src-main/cluster/slurm/command';
import { sbatchScript, type ArrayJobRequest } from '../../../src-main/cluster/slurm/sbatchScript';
import { arrayTaskStates } from '../../../src-main/cluster/slurm/status';
import {
  cancelJob,
  submitArrayJob,
  submitBatch,
  type SubmittedJob,
} from '../../../src-main/cluster/slurm/submit';
import { describeOnSlurm, waitForArrayEnd, waitForTaskState } from '../../helpers/slurm';

/**
 * The Slurm layer against a real cluster (issue 16; CI starts a one-node cluster with
 * scripts/slurm/start-one-node.sh): array jobs built by sbatchScript, aftercorr and afterok
 * dependencies, a failed source task, scancel of one task and a time limit, each task's final
 * state read back with squeue and scontrol. The tasks run a small stand-in for `transferlab
 * worker` (the worker has its own tests): it records which job file it got, when it ran and
 * whether SIGTERM reached it, which is what the layer must get right.
 *
 * Time: Slurm's time limits count in minutes and slurmctld checks them every 30 s, so the
 * time-limited task (--time=00:01:00) ends 60 to 90 s after it starts. It is submitted first and
 * the other tests run meanwhile; the file takes 65 to 95 s. It needs 2 free CPUs on the cluster.
 */

/**
 * Waits are minutes, not seconds: the node's CPUs may be held by another test file's tasks
 * (the executor's tests run beside these), and a task waits for them (Reason=Resources).
 */
const WAIT_MS = 300_000;
const TEST_MS = 2 * WAIT_MS;

/** The stand-in worker: `node task.mjs worker <jobs-dir>/<i>.json`. */
const TASK_SCRIPT = `
import { readFileSync, writeFileSync } from 'node:fs';
const [, , command, jobFile] = process.argv;
if (command !== 'worker') process.exit(64);
const plan = JSON.parse(readFileSync(jobFile, 'utf8'));
const base = jobFile.replace(/\\.json$/, '');
process.on('SIGTERM', () => {
  writeFileSync(base + '.term', String(Date.now()));
  process.exit(0);
});
const startedAt = Date.now();
writeFileSync(base + '.started', String(startedAt));
await new Promise((resolve) => setTimeout(resolve, (plan.sleepS ?? 0) * 1000));
writeFileSync(base + '.done', JSON.stringify({
  jobFile,
  arrayJobId: process.env.SLURM_ARRAY_JOB_ID,
  taskId: process.env.SLURM_ARRAY_TASK_ID,
  cwd: process.cwd(),
  startedAt,
  endedAt: Date.now(),
}));
console.log('task ' + process.env.SLURM_ARRAY_TASK_ID + ' done');
process.exit(plan.exitCode ?? 0);
`;

const DoneSchema = z.object({
  jobFile: z.string(),
  arrayJobId: z.string(),
  taskId: z.string(),
  cwd: z.string(),
  startedAt: z.number(),
  endedAt: z.number(),
});

interface TaskPlan {
  sleepS?: number;
  exitCode?: number;
}

let root = '';
const submitted: string[] = [];
let timeLimited: SubmittedJob = { jobId: '' };
let timeLimitedDir = '';

/** Writes the job files of an array (<i>.json) and returns the request for it. */
function prepareArray(name: string, plans: readonly TaskPlan[]): ArrayJobRequest {
  const jobsDir = join(root, name, 'jobs');
  // A space and a % in the logs folder's name: sbatchScript must quote and escape them.
  const logsDir = join(root, name, 'logs 100%');
  mkdirSync(jobsDir, { recursive: true });
  mkdirSync(logsDir, { recursive: true });
  plans.forEach((plan, i) => {
    writeFileSync(join(jobsDir, `${String(i)}.json`), JSON.stringify(plan));
  });
  return {
    jobName: `tl-test-${name}`,
    jobsDir,
    logsDir,
    taskCount: plans.length,
    worker: { executable: process.execPath, script: join(root, 'task.mjs') },
  };
}

async function submit(request: ArrayJobRequest): Promise<SubmittedJob> {
  const job = await submitArrayJob(request, join(request.jobsDir, 'submit.sh'));
  submitted.push(job.jobId);
  return job;
}

async function waitForFile(file: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${file} did not appear in ${String(timeoutMs)} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function done(request: ArrayJobRequest, taskId: number): z.infer<typeof DoneSchema> {
  const text = readFileSync(join(request.jobsDir, `${String(taskId)}.done`), 'utf8');
  return DoneSchema.parse(JSON.parse(text));
}

await describeOnSlurm('Slurm array jobs on a real cluster', () => {
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'transferlab-slurm-'));
    writeFileSync(join(root, 'task.mjs'), TASK_SCRIPT);
    // Submitted first, on sbatch's stdin: its time limit takes the longest to come.
    const request = prepareArray('time-limit', [{ sleepS: 300 }]);
    timeLimitedDir = request.jobsDir;
    timeLimited = await submitBatch({ text: sbatchScript({ ...request, time: '00:01:00' }) });
    submitted.push(timeLimited.jobId);
  });

  afterAll(async () => {
    // Nothing of this file keeps running on the cluster, whatever failed.
    for (const jobId of submitted) await cancelJob({ jobId });
    if (root !== '') rmSync(root, { recursive: true, force: true });
  });

  it('is reachable, with a default partition that is up', async () => {
    const availability = await slurmAvailability();
    expect(availability.available).toBe(true);
    if (!availability.available) return;
    expect(availability.version).toMatch(/^slurm/);
    expect(availability.partitions.find((p) => p.isDefault)).toMatchObject({ up: true });
  });

  it(
    'runs task i on job file i, each transfer task after its own source task (aftercorr) and a summary after both jobs (afterok)',
    async () => {
      const source = prepareArray('source', [{ sleepS: 1 }, {}, { sleepS: 0.5 }]);
      source.jobName = 'source "a" \\ b # c';
      source.arrayParallelism = 2;
      const transfer = prepareArray('transfer', [{}, {}, {}]);
      const summary = prepareArray('summary', [{}]);
      const sourceJob = await submit(source);
      const transferJob = await submit({
        ...transfer,
        dependency: { type: 'aftercorr', jobId: sourceJob.jobId },
      });
      const summaryJob = await submit({
        ...summary,
        dependency: { type: 'afterok', jobIds: [sourceJob.jobId, transferJob.jobId] },
      });

      const { stdout } = await runSlurmCommand('scontrol', ['show', 'job', sourceJob.jobId]);
      expect(stdout).toContain('JobName=source "a" \\ b # c\n');

      for (const [job, count] of [
        [sourceJob, 3],
        [transferJob, 3],
        [summaryJob, 1],
      ] as const) {
        const states = await waitForArrayEnd(job.jobId, count, WAIT_MS);
        expect(states.map((t) => [t.taskId, t.state, t.exit])).toEqual(
          Array.from({ length: count }, (_, i) => [i, 'COMPLETED', { code: 0, signal: 0 }]),
        );
      }
      for (let i = 0; i < 3; i++) {
        const ran = done(source, i);
        expect(ran).toMatchObject({
          jobFile: join(source.jobsDir, `${String(i)}.json`),
          arrayJobId: sourceJob.jobId,
          taskId: String(i),
          cwd: source.jobsDir,
        });
        expect(done(transfer, i).startedAt).toBeGreaterThanOrEqual(ran.endedAt);
        const log = join(source.logsDir, `${sourceJob.jobId}_${String(i)}.out`);
        expect(readFileSync(log, 'utf8')).toBe(`task ${String(i)} done\n`);
      }
      const lastEnd = Math.max(...[0, 1, 2].map((i) => done(transfer, i).endedAt));
      expect(done(summary, 0).startedAt).toBeGreaterThanOrEqual(lastEnd);
    },
    TEST_MS,
  );

  it(
    'cancels the transfer task of a failed source task (DependencyNeverSatisfied)',
    async () => {
      const source = prepareArray('failing-source', [{}, { exitCode: 3 }]);
      const sourceJob = await submit(source);
      const transferJob = await submit({
        ...prepareArray('orphan-transfer', [{}, {}]),
        dependency: { type: 'aftercorr', jobId: sourceJob.jobId },
      });
      expect(await waitForArrayEnd(sourceJob.jobId, 2, WAIT_MS)).toEqual([
        {
          jobId: sourceJob.jobId,
          taskId: 0,
          state: 'COMPLETED',
          exit: { code: 0, signal: 0 },
          restarts: 0,
        },
        {
          jobId: sourceJob.jobId,
          taskId: 1,
          state: 'FAILED',
          reason: 'NonZeroExitCode',
          exit: { code: 3, signal: 0 },
          restarts: 0,
        },
      ]);
      const transfer = await waitForArrayEnd(transferJob.jobId, 2, WAIT_MS);
      expect(transfer.map((t) => [t.state, t.reason])).toEqual([
        ['COMPLETED', undefined],
        ['CANCELLED', 'DependencyNeverSatisfied'],
      ]);
    },
    TEST_MS,
  );

  it(
    'ends a task cancelled with scancel as CANCELLED, after SIGTERM reached the worker',
    async () => {
      const request = prepareArray('cancel', [{ sleepS: 300 }, {}]);
      const job = await submit(request);
      await waitForTaskState(job.jobId, 2, 0, 'RUNNING', WAIT_MS);
      // RUNNING comes before Node has started the worker and it listens for SIGTERM.
      await waitForFile(join(request.jobsDir, '0.started'), WAIT_MS);
      await cancelJob({ jobId: job.jobId, taskId: 0 });
      const states = await waitForArrayEnd(job.jobId, 2, WAIT_MS);
      expect(states.map((t) => t.state)).toEqual(['CANCELLED', 'COMPLETED']);
      expect(existsSync(join(request.jobsDir, '0.term'))).toBe(true);
      expect(existsSync(join(request.jobsDir, '0.done'))).toBe(false);
      // Cancelling what has ended already is harmless.
      await cancelJob({ jobId: job.jobId, taskId: 0 });
    },
    TEST_MS,
  );

  it('reports the tasks of a job slurmctld does not know as vanished', async () => {
    expect(await arrayTaskStates('987654321', 2)).toEqual([
      { jobId: '987654321', taskId: 0, state: 'VANISHED' },
      { jobId: '987654321', taskId: 1, state: 'VANISHED' },
    ]);
  });

  it(
    'ends a task past its time limit as TIMEOUT, after SIGTERM reached the worker',
    async () => {
      const [task] = await waitForArrayEnd(timeLimited.jobId, 1, WAIT_MS);
      expect(task).toMatchObject({ state: 'TIMEOUT', reason: 'TimeLimit' });
      expect(existsSync(join(timeLimitedDir, '0.term'))).toBe(true);
    },
    TEST_MS,
  );
});
