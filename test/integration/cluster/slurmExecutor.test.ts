import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunDetail } from '../../../src-shared/domain/runs';
import { arrayTaskStates, slurmPhase } from '../../../src-main/cluster/slurm/status';
import { runSlurmCommand } from '../../../src-main/cluster/slurm/command';
import { cancelJob } from '../../../src-main/cluster/slurm/submit';
import { openCore } from '../../../src-main/core/core';
import type { Core } from '../../../src-main/core/types';
import { useTempDirs } from '../../helpers/tempDir';
import { describeOnSlurm } from '../../helpers/slurm';

/**
 * Issue 16 end to end on a real one-node Slurm cluster (CI starts it): experiments submitted with
 * `executor: slurm` run as array jobs of real `transferlab worker` tasks, and the core that
 * submitted them follows them (ingesting event files, asking squeue/scontrol):
 *  - a grid (2 sources × 2 seeds, scratch and fine-tune): source runs in one array, each source's
 *    transfer runs in an array after that source's task; every run completes with exactly the
 *    per-epoch metrics of the same spec run on this machine;
 *  - a run that reaches its time limit ends failed with Slurm's reason, and so does what waited;
 *  - a transfer run cancelled while its task waits, and a source run cancelled while it trains;
 *  - a worker killed with SIGKILL (no outcome written) ends crashed, with its log's path;
 *  - a task requeued by `scontrol requeue` (what preemption does) restarts its run as attempt 2.
 *
 * Time: Slurm counts time limits in minutes and checks them every 30 s, so the time-limited run
 * (--time=1) ends 60 to 90 s after it starts; it is submitted first and the rest runs meanwhile.
 * Waits are long (minutes) because a loaded CI machine or another test's tasks may hold the node.
 */

const tempDir = useTempDirs();
const WAIT_MS = 300_000;
/** A test waits at most twice (its runs, then a local twin or a second end). */
const TEST_MS = 2 * WAIT_MS + 60_000;

/** A grid that trains in seconds (the workers' start-up, loading tfjs, is most of it). */
function gridSpec(): Record<string, unknown> {
  const domain = (taskSeed: number, angleDeg = 0): Record<string, unknown> => ({
    generator: 'linear-binary',
    features: 8,
    samples: 200,
    taskSeed,
    angleDeg,
  });
  return {
    name: 'slurm grid',
    sources: [
      { name: 'A', dataset: domain(3) },
      { name: 'A2', dataset: domain(4) },
    ],
    targets: [{ name: 'B', dataset: domain(3, 20) }],
    strategies: [{ id: 'scratch' }, { id: 'fine-tune' }],
    budgets: [10],
    seeds: [0, 1],
    model: { type: 'mlp', hidden: [4] },
    training: { epochs: 3, learningRate: 0.01, batchSize: 32, backend: 'cpu' },
  };
}

/** About half a second an epoch on 20,000 rows: 10,000 epochs outlast every test here. */
const LONG_SOURCE = { epochs: 10_000, learningRate: 0.01, batchSize: 32, backend: 'cpu' };

/** One source run that trains for many minutes, and a fine-tune that waits for it. */
function longSpec(name: string, taskSeed: number): Record<string, unknown> {
  return {
    name,
    sources: [
      {
        name: 'S',
        // Its own task seed: a source run of the same domain would be reused, not trained again.
        dataset: { generator: 'linear-binary', features: 8, samples: 20_000, taskSeed },
      },
    ],
    targets: [
      {
        name: 'T',
        dataset: {
          generator: 'linear-binary',
          features: 8,
          samples: 200,
          taskSeed: 5,
          angleDeg: 10,
        },
      },
    ],
    strategies: [{ id: 'fine-tune' }],
    budgets: [10],
    seeds: [0],
    model: { type: 'mlp', hidden: [4] },
    sourceTraining: LONG_SOURCE,
    training: { epochs: 2, learningRate: 0.01, batchSize: 32, backend: 'cpu' },
  };
}

async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`waited ${String(WAIT_MS)} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function withTimeout<T>(what: string, promise: Promise<T>): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => {
        reject(new Error(`waited ${String(WAIT_MS)} ms for ${what}`));
      }, WAIT_MS),
    ),
  ]);
}

/** A run's identity across two workspaces: what it trains, not its id. */
function key(run: RunDetail, sourceNames: ReadonlyMap<number, string>): string {
  const source = run.dependsOn === null ? '' : (sourceNames.get(run.dependsOn) ?? '?');
  return `${run.kind}/${run.strategy}/${run.config.domain.name}/${source}/${String(run.seed)}`;
}

async function runsOf(core: Core, experimentId: number): Promise<RunDetail[]> {
  const runs: RunDetail[] = [];
  for (const { id } of await core.handlers['runs.list']({ experimentId })) {
    runs.push(await core.handlers['runs.get']({ id }));
  }
  return runs;
}

await describeOnSlurm('transferlab on Slurm: submit, follow, end (issue 16)', () => {
  let core: Core;
  let timeLimited: { experimentId: number; runIds: number[] };
  const jobIds = new Set<string>();

  beforeAll(async () => {
    core = await openCore(
      { workspaceDir: tempDir(), transport: 'in-process', queue: 'own' },
      { pollMs: 200, cluster: { schedulerPollMs: 500 } },
    );
    // First: its time limit takes the longest to come.
    timeLimited = await core.handlers['experiments.create']({
      spec: longSpec('time limit', 5),
      executor: { kind: 'slurm', slurm: { time: '1' } },
    });
  });

  afterAll(async () => {
    // Nothing of this file keeps running on the cluster, whatever failed.
    for (const jobId of jobIds) await cancelJob({ jobId });
    await core.close();
  });

  const remember = (runs: readonly RunDetail[]): void => {
    for (const run of runs) if (run.cluster?.jobId) jobIds.add(run.cluster.jobId);
  };

  it(
    'runs a grid as array jobs, transfer tasks after their own source task, with the metrics of a local run',
    async () => {
      const created = await core.handlers['experiments.create']({
        spec: gridSpec(),
        executor: { kind: 'slurm', slurm: { time: '00:10:00' } },
      });
      const submitted = await runsOf(core, created.experimentId);
      remember(submitted);
      expect(submitted).toHaveLength(10);
      const sources = submitted.filter((r) => r.kind === 'source');
      expect(new Set(sources.map((r) => r.cluster?.jobId)).size).toBe(1);
      expect(sources.map((r) => r.cluster?.taskId).sort()).toEqual([0, 1, 2, 3]);
      // Each fine-tune's array waits for its own source's task, named in its batch script.
      for (const run of submitted.filter((r) => r.strategy === 'fine-tune')) {
        const source = sources.find((s) => s.id === run.dependsOn);
        const log = run.log.map((l) => l.message).join('\n');
        const script = /script (\S+job\.sbatch)/.exec(log)?.[1];
        expect(script, log).toBeDefined();
        expect(readFileSync(script ?? '', 'utf8')).toContain(
          `#SBATCH --dependency="afterok:${source?.cluster?.jobId ?? ''}_${String(source?.cluster?.taskId)}"`,
        );
      }

      await withTimeout('the grid', core.waitForExperiment(created.experimentId));
      const onSlurm = await runsOf(core, created.experimentId);
      expect(onSlurm.map((r) => [r.id, r.status, r.error])).toEqual(
        onSlurm.map((r) => [r.id, 'completed', null]),
      );
      for (const run of onSlurm) {
        expect(run.cluster).toMatchObject({ executor: 'slurm', attempt: 1 });
        expect(run.metrics).toHaveLength(3);
      }

      // The same spec on this machine: the same runs, the same numbers, epoch by epoch.
      const local = await openCore(
        { workspaceDir: tempDir(), transport: 'in-process', queue: 'own', concurrency: 1 },
        { pollMs: 200 },
      );
      try {
        const here = await local.handlers['experiments.create']({ spec: gridSpec() });
        await withTimeout('the local grid', local.waitForExperiment(here.experimentId));
        const localRuns = await runsOf(local, here.experimentId);
        const names = (runs: readonly RunDetail[]): Map<number, string> =>
          new Map(
            runs
              .filter((r) => r.kind === 'source')
              .map((r) => [r.id, `${r.config.domain.name}:${String(r.seed)}`]),
          );
        const byKey = (runs: readonly RunDetail[]): Map<string, RunDetail> => {
          const sourceNames = names(runs);
          return new Map(runs.map((r) => [key(r, sourceNames), r]));
        };
        const slurmByKey = byKey(onSlurm);
        const localByKey = byKey(localRuns);
        expect([...slurmByKey.keys()].sort()).toEqual([...localByKey.keys()].sort());
        for (const [k, run] of slurmByKey) {
          const twin = localByKey.get(k);
          // Every value of every epoch (the wall time each epoch took aside).
          const values = (r: RunDetail | undefined): unknown =>
            r?.metrics.map(({ epoch, values: v }) => ({ epoch, values: v }));
          expect(values(run), k).toEqual(values(twin));
          expect(run.finalMetrics, k).toEqual(twin?.finalMetrics);
          expect(run.dataHash, k).toBe(twin?.dataHash);
        }
      } finally {
        await local.close();
      }
    },
    TEST_MS,
  );

  it(
    'cancels a waiting transfer task with scancel, and a training source run at its next batch',
    async () => {
      const created = await core.handlers['experiments.create']({
        spec: longSpec('cancel', 6),
        executor: { kind: 'slurm', slurm: { time: '00:10:00' } },
      });
      const [source, transfer] = await runsOf(core, created.experimentId);
      remember([source, transfer].filter((r): r is RunDetail => r !== undefined));
      if (!source || !transfer) throw new Error('expected a source and a transfer run');
      const transferTask = transfer.cluster;
      if (transferTask?.jobId == null || transferTask.taskId === null)
        throw new Error('not submitted');

      // Waiting for its source (Dependency): cancelled here, its task goes from Slurm's queue.
      expect(await core.handlers['runs.cancel']({ id: transfer.id })).toEqual({ cancelled: true });
      expect((await core.handlers['runs.get']({ id: transfer.id })).status).toBe('cancelled');
      const taskId = transferTask.taskId;
      await until('the waiting task to leave Slurm’s queue', async () => {
        const [state] = await arrayTaskStates(transferTask.jobId ?? '', taskId + 1).then((s) =>
          s.slice(taskId),
        );
        return state && slurmPhase(state.state) === 'ended' ? state : undefined;
      });

      // Training: the worker is told (SIGTERM from scancel) and writes 'cancelled'.
      await until('a source epoch', async () => {
        const run = await core.handlers['runs.get']({ id: source.id });
        return run.metrics.length > 0 ? run : undefined;
      });
      expect(await core.handlers['runs.cancel']({ id: source.id })).toEqual({ cancelled: true });
      await withTimeout('the cancel', core.waitForRuns([source.id]));
      const cancelled = await core.handlers['runs.get']({ id: source.id });
      expect([cancelled.status, cancelled.error]).toEqual(['cancelled', 'Cancelled by the user.']);
      expect(cancelled.metrics.length).toBeLessThan(10_000);
    },
    TEST_MS,
  );

  it(
    'ends a worker killed without an outcome as crashed, naming its log',
    async () => {
      const created = await core.handlers['experiments.create']({
        spec: longSpec('killed', 7),
        executor: { kind: 'slurm', slurm: { time: '00:10:00' } },
      });
      const [source, transfer] = await runsOf(core, created.experimentId);
      if (!source || !transfer) throw new Error('expected a source and a transfer run');
      remember([source, transfer]);
      await until('a source epoch', async () => {
        const run = await core.handlers['runs.get']({ id: source.id });
        return run.metrics.length > 0 ? run : undefined;
      });
      // The worker's pid is in its event file's header.
      const header = JSON.parse(
        readFileSync(
          join(core.workspaceDir, 'cluster', String(source.id), '1', 'events.jsonl'),
          'utf8',
        ).split('\n')[0] ?? '',
      ) as { executor: { pid: number } };
      process.kill(header.executor.pid, 'SIGKILL');
      await withTimeout('the crash', core.waitForRuns([source.id, transfer.id]));
      const crashed = await core.handlers['runs.get']({ id: source.id });
      expect(crashed.status).toBe('crashed');
      expect(crashed.error).toMatch(/ended \(FAILED.*\) without an outcome\. Its log: .*\.err$/);
      const after = await core.handlers['runs.get']({ id: transfer.id });
      expect([after.status, after.error]).toEqual([
        'failed',
        `Its source run #${String(source.id)} ended crashed; no source model to start from.`,
      ]);
    },
    TEST_MS,
  );

  it(
    'restarts a requeued task’s run as a new attempt, which completes with each epoch once',
    async () => {
      const created = await core.handlers['experiments.create']({
        spec: { ...longSpec('requeued', 8), sourceTraining: { ...LONG_SOURCE, epochs: 12 } },
        executor: { kind: 'slurm', slurm: { time: '00:10:00' } },
      });
      const [source, transfer] = await runsOf(core, created.experimentId);
      if (!source || !transfer) throw new Error('expected a source and a transfer run');
      remember([source, transfer]);
      const task = `${source.cluster?.jobId ?? ''}_${String(source.cluster?.taskId)}`;
      await until('a source epoch', async () => {
        const run = await core.handlers['runs.get']({ id: source.id });
        return run.metrics.length > 0 ? run : undefined;
      });
      // What preemption or a node failure does: Slurm stops the task and queues it again.
      await runSlurmCommand('scontrol', ['requeue', task]);
      const waiting = await until('the run to wait again as attempt 2', async () => {
        const run = await core.handlers['runs.get']({ id: source.id });
        return run.status === 'queued' && run.attempts === 2 ? run : undefined;
      });
      expect(waiting.metrics).toEqual([]);
      // Slurm holds a requeued job back for a while (BeginTime); start it now.
      await runSlurmCommand('scontrol', ['update', `JobId=${task}`, 'StartTime=now']);
      await withTimeout('the restarted run', core.waitForRuns([source.id, transfer.id]));
      const done = await core.handlers['runs.get']({ id: source.id });
      expect([done.status, done.attempts, done.cluster?.attempt]).toEqual(['completed', 2, 2]);
      expect(done.metrics.map((m) => m.epoch)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect(done.log.map((l) => l.message)).toContainEqual(
        expect.stringMatching(/^Slurm requeued task \d+_0 \(restart 1/),
      );
      expect((await core.handlers['runs.get']({ id: transfer.id })).status).toBe('completed');
    },
    TEST_MS,
  );

  it(
    'ends a run at its time limit as failed with Slurm’s reason, and what waited for it',
    async () => {
      await withTimeout('the time limit', core.waitForRuns(timeLimited.runIds));
      const [source, transfer] = await runsOf(core, timeLimited.experimentId);
      if (!source || !transfer) throw new Error('expected a source and a transfer run');
      remember([source, transfer]);
      expect(source.status).toBe('failed');
      expect(source.error).toMatch(/^Slurm stopped task \d+_0 at its time limit \(TIMEOUT/);
      expect(source.metrics.length).toBeGreaterThan(0);
      expect(transfer.status).toBe('failed');
      expect(transfer.error).toBe(
        `Its source run #${String(source.id)} ended failed; no source model to start from.`,
      );
    },
    TEST_MS,
  );
});
