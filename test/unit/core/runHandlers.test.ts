import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppEvent } from '../../../src-shared/rpc/events';
import { AppFailure } from '../../../src-shared/result';
import { createBackendService } from '../../../src-main/core/backendService';
import { builtinDatasets } from '../../../src-main/core/builtinDatasets';
import type { CoreContext } from '../../../src-main/core/context';
import { EventBus } from '../../../src-main/core/events';
import { createExperiment } from '../../../src-main/core/experimentService';
import { experimentHandlers } from '../../../src-main/core/experimentHandlers';
import { resourcesDir } from '../../../src-main/core/paths';
import { cancelRun, runHandlers } from '../../../src-main/core/runHandlers';
import { ProbeQueue } from '../../../src-main/core/transferabilityEstimateProbes';
import { allEnded, waitUntil } from '../../../src-main/core/waits';
import { upsertDatasets } from '../../../src-main/store/datasets';
import { openDb, type Db } from '../../../src-main/store/db';
import { useTempDirs } from '../../helpers/tempDir';

/**
 * The run and experiment handlers on a real workspace database, without a queue (a process that
 * executes nothing, beside one that does): cancelling queued runs, runs another process trains,
 * and finished ones; and the waits the CLI relies on.
 */
const tempDir = useTempDirs();
afterEach(() => {
  vi.useRealTimers();
});

function workspace(): { ctx: CoreContext; events: AppEvent[]; runIds: number[]; db: Db } {
  const dir = tempDir();
  const db = openDb(join(dir, 'transferlab.sqlite'));
  upsertDatasets(db, builtinDatasets());
  const spec = JSON.parse(
    readFileSync(join(resourcesDir(), 'examples', 'digits-0-4-to-5-9.json'), 'utf8'),
  ) as Record<string, unknown>;
  const { runIds } = createExperiment(db, { ...spec, seeds: [0] }, 'in-process', 1);
  const bus = new EventBus();
  const events: AppEvent[] = [];
  bus.on((e) => events.push(e));
  const ctx: CoreContext = {
    db,
    workspaceDir: dir,
    transport: 'in-process',
    events: bus,
    queue: null,
    launch: () => {
      throw new Error('nothing is launched here');
    },
    limit: () => 1,
  };
  return { ctx, events, runIds, db };
}

describe('cancelling runs', () => {
  it('cancels a queued source run with the runs waiting for it, and says so to every client', async () => {
    const { ctx, events, runIds, db } = workspace();
    const [source] = runIds;
    expect(cancelRun(ctx, source ?? 0)).toBe(true);
    const statuses = await runHandlers(ctx)['runs.list']({});
    const dependants = statuses.filter((r) => r.dependsOn === source);
    expect(dependants.length).toBeGreaterThan(0);
    for (const r of [...dependants, ...statuses.filter((s) => s.id === source)])
      expect(r.status).toBe('cancelled');
    const said = events.flatMap((e) => (e.type === 'run.status' ? [[e.runId, e.status]] : []));
    expect(said).toEqual(
      expect.arrayContaining([
        [source, 'cancelled'],
        ...dependants.map((d) => [d.id, 'cancelled']),
      ]),
    );
    // Ended runs are not cancelled again.
    expect(cancelRun(ctx, source ?? 0)).toBe(false);
    db.close();
  });

  it('asks another process to stop a run it trains, and refuses an unknown run', () => {
    const { ctx, runIds, db } = workspace();
    const [source] = runIds;
    db.prepare(`UPDATE runs SET status = 'running', owner = 'server:elsewhere' WHERE id = ?`).run(
      source,
    );
    expect(cancelRun(ctx, source ?? 0)).toBe(true);
    expect(db.prepare('SELECT cancel_requested AS c FROM runs WHERE id = ?').get(source)).toEqual({
      c: 1,
    });
    expect(() => cancelRun(ctx, 999)).toThrow(AppFailure);
    db.close();
  });

  it('cancels an experiment’s runs, counting those its source run took with it', async () => {
    const { ctx, runIds, db } = workspace();
    const handlers = experimentHandlers(
      ctx,
      new ProbeQueue(() => ({ kill: () => undefined, done: Promise.resolve([]) })),
      createBackendService(() => Promise.reject(new Error('no backend is probed here'))),
    );
    const result = await handlers['experiments.cancel']({ id: 1 });
    expect(result).toEqual({ cancelled: runIds.length });
    db.close();
  });
});

describe('waits', () => {
  it('resolves at once, on a terminal status event that concerns it, or at the next poll', async () => {
    vi.useFakeTimers();
    const bus = new EventBus();
    let ended = true;
    await waitUntil(
      bus,
      () => ended,
      () => true,
    );
    ended = false;
    let resolved = false;
    const byEvent = waitUntil(
      bus,
      () => ended,
      (e) => e.runId === 7,
    ).then(() => {
      resolved = true;
    });
    ended = true;
    bus.emit({
      type: 'run.status',
      runId: 8,
      experimentId: 1,
      status: 'completed',
      backend: null,
      error: null,
    });
    await Promise.resolve();
    expect(resolved).toBe(false);
    bus.emit({
      type: 'run.status',
      runId: 7,
      experimentId: 1,
      status: 'completed',
      backend: null,
      error: null,
    });
    await byEvent;
    // Another process's run: no event here, the poll sees it.
    ended = false;
    let polled = false;
    const byPoll = waitUntil(
      bus,
      () => ended,
      () => false,
    ).then(() => {
      polled = true;
    });
    ended = true;
    await vi.advanceTimersByTimeAsync(999);
    expect(polled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await byPoll;
    expect(polled).toBe(true);
    expect(allEnded(['completed', undefined, 'crashed'])).toBe(true);
    expect(allEnded(['completed', 'queued'])).toBe(false);
  });
});
