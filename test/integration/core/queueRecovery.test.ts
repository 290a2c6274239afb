import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkpointDir } from '../../../src-main/core/checkpoints';
import { openCore, type OpenCoreOverrides } from '../../../src-main/core/core';
import { resourcesDir } from '../../../src-main/core/paths';
import type { Core } from '../../../src-main/core/types';
import { openDb, type Db } from '../../../src-main/store/db';
import { registerProcess } from '../../../src-main/store/queue';
import type { AppEvent } from '../../../src-shared/rpc/events';
import { fakeLauncher, type Behaviour } from '../../helpers/fakeTrainer';
import { useTempDirs } from '../../helpers/tempDir';

/**
 * Issue 11: no run is ever stuck. Owners that die are found from their pid (at once) or their
 * silence; what depends on a run that can no longer complete ends with it; a process claims the
 * source runs its experiment waits for; every process sees the others' runs live; one trainer
 * limit holds for all processes on the workspace. Trainers are the scripted fake (fakeTrainer.ts):
 * this is the queue's bookkeeping, the real trainers are killed in the reliability suite.
 */

const tempDir = useTempDirs();
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

function smallSpec(strategies?: string[]): Record<string, unknown> {
  const spec = JSON.parse(
    readFileSync(join(resourcesDir(), 'examples', 'digits-0-4-to-5-9.json'), 'utf8'),
  ) as Record<string, unknown>;
  return {
    ...spec,
    seeds: [0],
    training: { epochs: 3 },
    sourceTraining: { epochs: 2 },
    ...(strategies ? { strategies: strategies.map((id) => ({ id })) } : {}),
  };
}

async function openWith(
  workspaceDir: string,
  queue: 'all' | 'own' | 'none',
  behaviour: (job: { strategy: string; kind: string }) => Behaviour = () => 'complete',
  extra: { concurrency?: number; overrides?: OpenCoreOverrides } = {},
) {
  const fake = fakeLauncher((job) =>
    behaviour({ strategy: job.config.strategy, kind: job.config.kind }),
  );
  const core = await openCore(
    {
      workspaceDir,
      transport: 'in-process',
      queue,
      ...(extra.concurrency !== undefined ? { concurrency: extra.concurrency } : {}),
    },
    { launch: fake.launch, pollMs: 20, ...extra.overrides },
  );
  const events: AppEvent[] = [];
  core.onEvent((e) => events.push(e));
  return { core, events, jobs: fake.jobs };
}

async function createQueued(dir: string, spec = smallSpec()): Promise<number> {
  const reader = await openCore({ workspaceDir: dir, transport: 'in-process', queue: 'none' });
  const { experimentId } = await reader.handlers['experiments.create']({ spec });
  await reader.close();
  return experimentId;
}

function db(dir: string): Db {
  return openDb(join(dir, 'transferlab.sqlite'));
}

/** A real process to stand for another owner: alive until killed. */
async function liveProcess(): Promise<ChildProcess & { pid: number }> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e6)'], { stdio: 'ignore' });
  children.push(child);
  await new Promise<void>((resolve) => {
    child.once('spawn', () => {
      resolve();
    });
  });
  if (child.pid === undefined) throw new Error('no pid');
  return child as ChildProcess & { pid: number };
}

/** Kills the stand-in owner and waits until it is reaped (no zombie left to look alive). */
async function killAndReap(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  child.kill('SIGKILL');
  await exited;
}

function holdSourceRun(dir: string, experimentId: number, owner: string, pid: number): number {
  const d = db(dir);
  registerProcess(d, { owner, host: hostname(), pid, transport: 'server' });
  const row = d
    .prepare(`SELECT id FROM runs WHERE experiment_id = ? AND kind = 'source'`)
    .get(experimentId) as { id: number };
  d.prepare(
    `UPDATE runs SET status = 'running', owner = ?, attempts = 1, heartbeat_at = ? WHERE id = ?`,
  ).run(owner, new Date().toISOString(), row.id);
  d.close();
  return row.id;
}

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`not reached: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function allEnded(core: Core, experimentId: number) {
  await core.waitForExperiment(experimentId);
  return core.handlers['runs.list']({ experimentId });
}

describe('a queue that always recovers', () => {
  it('takes back a run the moment its owner’s pid dies, while it is open, with no 30 s wait', async () => {
    const dir = tempDir();
    const experimentId = await createQueued(dir);
    const owner = await liveProcess();
    const sourceId = holdSourceRun(dir, experimentId, 'server:other:1', owner.pid);
    const { core, jobs } = await openWith(dir, 'all');
    // A live owner keeps its run, and what depends on it waits.
    await new Promise((r) => setTimeout(r, 200));
    expect((await core.handlers['runs.get']({ id: sourceId })).status).toBe('running');
    expect(jobs.some((j) => j.runId === sourceId)).toBe(false);

    owner.kill('SIGKILL');
    const runs = await allEnded(core, experimentId);
    expect(runs.map((r) => r.status)).toEqual(runs.map(() => 'completed'));
    const source = await core.handlers['runs.get']({ id: sourceId });
    expect(source.attempts).toBe(2);
    await core.close();
  });

  it('at start-up takes back runs of a dead pid whose heartbeat is still fresh', async () => {
    const dir = tempDir();
    const experimentId = await createQueued(dir);
    const owner = await liveProcess();
    holdSourceRun(dir, experimentId, 'cli:other:2', owner.pid);
    await killAndReap(owner);
    const { core } = await openWith(dir, 'all');
    const runs = await allEnded(core, experimentId);
    expect(runs.every((r) => r.status === 'completed')).toBe(true);
    await core.close();
  });

  it('ends queued dependants at once when their source run ends crashed (third start)', async () => {
    const dir = tempDir();
    const experimentId = await createQueued(dir);
    const owner = await liveProcess();
    const sourceId = holdSourceRun(dir, experimentId, 'server:other:3', owner.pid);
    const d = db(dir);
    d.prepare('UPDATE runs SET attempts = 3 WHERE id = ?').run(sourceId);
    d.close();
    await killAndReap(owner);
    const { core } = await openWith(dir, 'all');
    const runs = await allEnded(core, experimentId);
    const source = runs.find((r) => r.id === sourceId);
    expect(source?.status).toBe('crashed');
    const dependants = runs.filter((r) => r.dependsOn === sourceId);
    expect(dependants.length).toBeGreaterThan(0);
    for (const r of dependants) {
      expect(r.status).toBe('failed');
      expect(r.error).toBe(
        `Its source run #${sourceId} ended crashed; no source model to start from.`,
      );
    }
    await core.close();
  });

  it('ends dependants left queued behind a crashed source by an older version', async () => {
    const dir = tempDir();
    const experimentId = await createQueued(dir);
    const d = db(dir);
    d.prepare(
      `UPDATE runs SET status = 'crashed', error = 'old' WHERE experiment_id = ? AND kind = 'source'`,
    ).run(experimentId);
    d.close();
    const { core } = await openWith(dir, 'all');
    const runs = await allEnded(core, experimentId);
    const dependants = runs.filter((r) => r.dependsOn !== null);
    expect(dependants.length).toBeGreaterThan(0);
    expect(dependants.every((r) => r.status === 'failed')).toBe(true);
    await core.close();
  });

  it('claims the queued source run of another experiment that its own experiment waits for', async () => {
    const dir = tempDir();
    // The server created the experiment and stopped before its source run trained.
    const first = await createQueued(dir);
    const cli = await openWith(dir, 'own');
    const { experimentId, runIds } = await cli.core.handlers['experiments.create']({
      spec: smallSpec(),
    });
    const runs = await allEnded(cli.core, experimentId);
    expect(runs.every((r) => r.status === 'completed')).toBe(true);
    const reused = runs.find((r) => r.dependsOn !== null)?.dependsOn;
    expect(reused).toBeDefined();
    expect(runIds).not.toContain(reused);
    const source = await cli.core.handlers['runs.get']({ id: reused ?? 0 });
    expect(source.experimentId).toBe(first);
    expect(source.status).toBe('completed');
    // Only what this experiment needed: the other experiment's transfer runs stay queued.
    const others = await cli.core.handlers['runs.list']({ experimentId: first });
    expect(others.filter((r) => r.kind === 'transfer').every((r) => r.status === 'queued')).toBe(
      true,
    );
    await cli.core.close();
  });

  it('says in one line what it waits for when another live process trains its source run', async () => {
    const dir = tempDir();
    const first = await createQueued(dir);
    const owner = await liveProcess();
    const sourceId = holdSourceRun(dir, first, 'server:other:4', owner.pid);
    const cli = await openWith(dir, 'own');
    const { experimentId } = await cli.core.handlers['experiments.create']({ spec: smallSpec() });
    expect(cli.core.waitingFor(experimentId)).toBe(
      `Waiting for source run #${sourceId} (trained by server (pid ${owner.pid})).`,
    );
    owner.kill('SIGKILL');
    await allEnded(cli.core, experimentId);
    expect(cli.core.waitingFor(experimentId)).toBeNull();
    await cli.core.close();
  });

  it('keeps epochs-done equal to the epochs stored through crashes, restarts and resumes', async () => {
    const dir = tempDir();
    // Fine-tune resumes from its checkpoint; TrAdaBoost cannot and restarts (it needs the
    // source's classes on the target).
    const spec = {
      ...smallSpec(['fine-tune', 'tradaboost']),
      targets: [{ name: 'digits 0–4 target', dataset: 'digits', classes: [0, 1, 2, 3, 4] }],
    };
    const first = await openWith(dir, 'all', (job) =>
      job.kind === 'source' ? 'complete' : 'stall',
    );
    const { experimentId } = await first.core.handlers['experiments.create']({ spec });
    const transferIds = (await first.core.handlers['runs.list']({ experimentId }))
      .filter((r) => r.kind === 'transfer')
      .map((r) => r.id);
    await until(
      () =>
        transferIds.every((id) =>
          first.events.some((e) => e.type === 'run.epoch' && e.runId === id && e.epoch === 1),
        ),
      'first epochs',
    );
    await first.core.close();
    const d = db(dir);
    const mismatched = (): unknown[] =>
      d
        .prepare(
          `SELECT id, epochs_done, (SELECT COALESCE(MAX(epoch), 0) FROM metrics m WHERE m.run_id = r.id) AS stored
           FROM runs r WHERE epochs_done != stored`,
        )
        .all();
    expect(mismatched()).toEqual([]);

    const second = await openWith(dir, 'all');
    const runs = await allEnded(second.core, experimentId);
    expect(runs.every((r) => r.status === 'completed')).toBe(true);
    expect(mismatched()).toEqual([]);
    const log = async (strategy: string) => {
      const run = runs.find((r) => r.strategy === strategy);
      return (await second.core.handlers['runs.get']({ id: run?.id ?? 0 })).log.map(
        (l) => l.message,
      );
    };
    expect(await log('fine-tune')).toContain(
      'Resuming after an interruption from the checkpoint of epoch 1.',
    );
    const resumedJob = second.jobs.find((j) => j.config.strategy === 'fine-tune');
    expect(resumedJob?.checkpoint?.resumeFromEpoch).toBe(1);
    expect((await log('tradaboost')).join('\n')).toMatch(
      /Restarted from epoch 1 after an interruption \(TrAdaBoost.*\): its 1 committed epoch were cleared/,
    );
    // Checkpoints go with the finished runs.
    for (const run of runs) expect(existsSync(checkpointDir(dir, run.id))).toBe(false);
    d.close();
    await second.core.close();
  });

  it('starts a run again from epoch 1 when its trainer refuses the checkpoint', async () => {
    const dir = tempDir();
    const spec = smallSpec(['fine-tune']);
    const first = await openWith(dir, 'all', (job) =>
      job.kind === 'source' ? 'complete' : 'stall',
    );
    const { experimentId } = await first.core.handlers['experiments.create']({ spec });
    const fineTuneId = (await first.core.handlers['runs.list']({ experimentId })).find(
      (r) => r.strategy === 'fine-tune',
    )?.id;
    await until(
      () => first.events.some((e) => e.type === 'run.epoch' && e.runId === fineTuneId),
      'the fine-tune’s first epoch',
    );
    await first.core.close();
    const second = await openWith(dir, 'all', () => 'damaged-checkpoint');
    const runs = await allEnded(second.core, experimentId);
    expect(runs.map((r) => r.status)).toEqual(['completed', 'completed']);
    const fineTune = runs.find((r) => r.strategy === 'fine-tune');
    const jobs = second.jobs.filter((j) => j.runId === fineTune?.id);
    expect(jobs.map((j) => j.checkpoint?.resumeFromEpoch)).toEqual([1, undefined]);
    const detail = await second.core.handlers['runs.get']({ id: fineTune?.id ?? 0 });
    expect(detail.log.map((l) => l.message)).toContainEqual(
      expect.stringMatching(/^Restarting from epoch 1: The checkpoint of epoch 1 .* is damaged/),
    );
    expect(detail.metrics.map((m) => m.epoch)).toEqual([1, 2, 3]);
    await second.core.close();
  });

  it('holds one trainer limit across every process on the workspace', async () => {
    const dir = tempDir();
    const a = await openWith(dir, 'all', () => 'hang', { concurrency: 1 });
    const b = await openWith(dir, 'all', () => 'hang');
    const { experimentId } = await a.core.handlers['experiments.create']({
      spec: { ...smallSpec(), seeds: [0, 1, 2] },
    });
    await until(() => a.jobs.length + b.jobs.length >= 1, 'a first claim');
    await new Promise((r) => setTimeout(r, 300));
    expect(a.jobs.length + b.jobs.length).toBe(1);
    const status = await b.core.handlers['queue.status']({});
    expect(status).toMatchObject({ trainerLimit: 1, limitSet: true, running: 1 });
    expect(status.processes).toHaveLength(2);
    expect(status.processes.filter((p) => p.self)).toHaveLength(1);

    // Raised in one process, it lets the other start trainers too.
    await b.core.handlers['queue.setLimit']({ limit: 3 });
    await until(() => a.jobs.length + b.jobs.length === 3, 'three trainers');
    expect((await a.core.handlers['app.info']({})).concurrency).toBe(3);
    await a.core.handlers['experiments.cancel']({ id: experimentId });
    await allEnded(a.core, experimentId);
    await Promise.all([a.core.close(), b.core.close()]);
  });

  it('shows another process’s runs live: status, every epoch, log lines and the outcome', async () => {
    const dir = tempDir();
    const viewer = await openWith(dir, 'own');
    const worker = await openWith(dir, 'all');
    const { experimentId } = await worker.core.handlers['experiments.create']({
      spec: smallSpec(),
    });
    const runs = await allEnded(worker.core, experimentId);
    await until(
      () =>
        runs.every((run) =>
          viewer.events.some(
            (e) => e.type === 'run.status' && e.runId === run.id && e.status === 'completed',
          ),
        ),
      'the viewer to see every run complete',
    );
    expect(viewer.events.some((e) => e.type === 'experiment.created')).toBe(true);
    for (const run of runs) {
      const epochs = viewer.events.flatMap((e) =>
        e.type === 'run.epoch' && e.runId === run.id ? [e.epoch] : [],
      );
      expect(epochs).toEqual(Array.from({ length: run.epochs }, (_, i) => i + 1));
      const completed = viewer.events.find(
        (e) => e.type === 'run.status' && e.runId === run.id && e.status === 'completed',
      );
      expect(completed?.type === 'run.status' && completed.finalMetrics).toEqual(run.finalMetrics);
    }
    // No event twice: the worker's own events are not echoed back to it by its watcher.
    const epochKeys = worker.events.flatMap((e) =>
      e.type === 'run.epoch' ? [`${e.runId}:${e.epoch}`] : [],
    );
    expect(new Set(epochKeys).size).toBe(epochKeys.length);
    await Promise.all([viewer.core.close(), worker.core.close()]);
  });
});
