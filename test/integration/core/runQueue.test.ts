import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCore } from '../../../src-main/core/core';
import { resourcesDir } from '../../../src-main/core/paths';
import type { AppEvent } from '../../../src-shared/rpc/events';
import { openDb } from '../../../src-main/store/db';
import { fakeLauncher, type Behaviour } from '../../helpers/fakeTrainer';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

function smallSpec(): Record<string, unknown> {
  const spec = JSON.parse(
    readFileSync(join(resourcesDir(), 'examples', 'digits-0-4-to-5-9.json'), 'utf8'),
  ) as Record<string, unknown>;
  return { ...spec, seeds: [0], training: { epochs: 3 }, sourceTraining: { epochs: 2 } };
}

async function coreWith(workspaceDir: string, behaviour?: (strategy: string) => Behaviour) {
  const fake = fakeLauncher((job) => behaviour?.(job.config.strategy) ?? 'complete');
  const core = await openCore(
    { workspaceDir, transport: 'in-process', queue: 'all' },
    { launch: fake.launch, pollMs: 20 },
  );
  const events: AppEvent[] = [];
  core.onEvent((e) => events.push(e));
  return { core, events, jobs: fake.jobs };
}

describe('run queue', () => {
  it('runs the source run before the fine-tune that depends on it and records every epoch', async () => {
    const { core, events, jobs } = await coreWith(tempDir());
    const { experimentId } = await core.handlers['experiments.create']({ spec: smallSpec() });
    await core.waitForExperiment(experimentId);
    const runs = await core.handlers['runs.list']({ experimentId });
    expect(runs.map((r) => [r.kind, r.strategy, r.status])).toEqual([
      ['source', 'source', 'completed'],
      ['transfer', 'scratch', 'completed'],
      ['transfer', 'fine-tune', 'completed'],
    ]);
    const source = runs[0];
    const fineTune = runs[2];
    if (!source || !fineTune) throw new Error('missing runs');
    const fineTuneJob = jobs.find((j) => j.runId === fineTune.id);
    expect(fineTuneJob?.sourceModel).toEqual({
      dir: expect.stringContaining(`hash-${source.id}`) as string,
      hash: `hash-${source.id}`,
    });
    expect(jobs.findIndex((j) => j.runId === source.id)).toBeLessThan(
      jobs.findIndex((j) => j.runId === fineTune.id),
    );
    const detail = await core.handlers['runs.get']({ id: fineTune.id });
    expect(detail.metrics.map((m) => m.epoch)).toEqual([1, 2, 3]);
    expect(detail.metrics[2]?.values.loss).toBeCloseTo(1 / 3);
    expect(detail.backend).toBe('fake');
    expect(detail.dataHash).toBe('data-hash');
    expect(detail.sourceModelHash).toBe(`hash-${source.id}`);
    expect(detail.finalMetrics).toEqual({ test_acc: 0.9, test_loss: 0.1 });
    expect(events.filter((e) => e.type === 'run.epoch' && e.runId === fineTune.id)).toHaveLength(3);
    // The completion event carries the final metrics, so no list shows a completed run without them.
    const completed = events.find(
      (e) => e.type === 'run.status' && e.runId === fineTune.id && e.status === 'completed',
    );
    expect(completed).toMatchObject({ finalMetrics: { test_acc: 0.9, test_loss: 0.1 } });
    await core.close();
  });

  it('tries a crashed trainer’s run again, marks it crashed after the third start, fails what needed its model', async () => {
    const { core, jobs } = await coreWith(tempDir(), (s) =>
      s === 'source' ? 'crash' : 'complete',
    );
    const spec = { ...smallSpec(), sourceTraining: { epochs: 5 } };
    const { experimentId } = await core.handlers['experiments.create']({ spec });
    await core.waitForExperiment(experimentId);
    const runs = await core.handlers['runs.list']({ experimentId });
    expect(runs.map((r) => [r.strategy, r.status])).toEqual([
      ['source', 'crashed'],
      ['scratch', 'completed'],
      ['fine-tune', 'failed'],
    ]);
    expect(jobs.filter((j) => j.config.kind === 'source')).toHaveLength(3);
    // Each start resumed from the checkpoint of the epoch the crash before it left.
    expect(
      jobs.filter((j) => j.config.kind === 'source').map((j) => j.checkpoint?.resumeFromEpoch),
    ).toEqual([undefined, 1, 2]);
    expect(runs[0]?.error).toMatch(
      /trainer process crashed: .*SIGKILL \(start 3 of 3; not tried again\)/,
    );
    const source = await core.handlers['runs.get']({ id: runs[0]?.id ?? 0 });
    expect(source.log.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      'The trainer process crashed: exited by signal SIGKILL; trying again (start 2 of 3).',
      'The trainer process crashed: exited by signal SIGKILL; trying again (start 3 of 3).',
    ]);
    expect(runs[2]?.error).toMatch(/source run #\d+ ended crashed/);
    await core.close();
  });

  it('marks a NaN loss as diverged and keeps the NaN epoch', async () => {
    const { core } = await coreWith(tempDir(), (s) => (s === 'scratch' ? 'diverge' : 'complete'));
    const { experimentId } = await core.handlers['experiments.create']({ spec: smallSpec() });
    await core.waitForExperiment(experimentId);
    const scratch = (await core.handlers['runs.list']({ experimentId })).find(
      (r) => r.strategy === 'scratch',
    );
    expect(scratch?.status).toBe('diverged');
    const detail = await core.handlers['runs.get']({ id: scratch?.id ?? 0 });
    expect(detail.metrics.at(-1)?.values.loss).toBeNull();
    await core.close();
  });

  it('cancels a running run and the queued runs waiting for it', async () => {
    const { core, events } = await coreWith(tempDir(), (s) =>
      s === 'source' ? 'hang' : 'complete',
    );
    const { experimentId } = await core.handlers['experiments.create']({ spec: smallSpec() });
    await until(() => events.some((e) => e.type === 'run.status' && e.status === 'running'));
    const result = await core.handlers['experiments.cancel']({ id: experimentId });
    await core.waitForExperiment(experimentId);
    const runs = await core.handlers['runs.list']({ experimentId });
    expect(result.cancelled).toBeGreaterThanOrEqual(1);
    expect(runs.find((r) => r.kind === 'source')?.status).toBe('cancelled');
    expect(runs.find((r) => r.strategy === 'fine-tune')?.status).toBe('cancelled');
    await core.close();
  });

  it('puts interrupted runs back in the queue when closed, and finishes them at the next start', async () => {
    const dir = tempDir();
    const first = await coreWith(dir, () => 'hang');
    const { experimentId } = await first.core.handlers['experiments.create']({ spec: smallSpec() });
    await until(() => first.events.some((e) => e.type === 'run.status' && e.status === 'running'));
    await first.core.close();
    const db = openDb(join(dir, 'transferlab.sqlite'));
    const statuses = db
      .prepare('SELECT status FROM runs WHERE experiment_id = ?')
      .all(experimentId) as { status: string }[];
    expect(statuses.every((s) => s.status === 'queued')).toBe(true);
    db.close();

    const second = await coreWith(dir);
    await second.core.waitForExperiment(experimentId);
    const runs = await second.core.handlers['runs.list']({ experimentId });
    expect(runs.every((r) => r.status === 'completed')).toBe(true);
    await second.core.close();
  });

  it('re-queues a run whose process died without a goodbye (stale heartbeat)', async () => {
    const dir = tempDir();
    const reader = await openCore({ workspaceDir: dir, transport: 'in-process', queue: 'none' });
    const { experimentId } = await reader.handlers['experiments.create']({ spec: smallSpec() });
    await reader.close();
    const db = openDb(join(dir, 'transferlab.sqlite'));
    db.prepare(
      `UPDATE runs SET status = 'running', owner = 'dead:1', attempts = 1, heartbeat_at = '2000-01-01T00:00:00.000Z'
       WHERE experiment_id = ? AND kind = 'source'`,
    ).run(experimentId);
    db.close();
    const { core } = await coreWith(dir);
    await core.waitForExperiment(experimentId);
    const runs = await core.handlers['runs.list']({ experimentId });
    expect(runs.every((r) => r.status === 'completed')).toBe(true);
    const detail = await core.handlers['runs.get']({ id: runs[0]?.id ?? 0 });
    expect(detail.attempts).toBe(2);
    await core.close();
  });
});

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
