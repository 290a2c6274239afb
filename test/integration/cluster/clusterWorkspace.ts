import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { EventFileWriter } from '../../../src-main/cluster/eventFile';
import { openCore } from '../../../src-main/core/core';
import { eventFilePath, type IngestContext } from '../../../src-main/core/eventIngest';
import { EventBus } from '../../../src-main/core/events';
import type { TrainerToParent } from '../../../src-main/engine/protocol';
import { openDb, type Db } from '../../../src-main/store/db';
import type { AppEvent } from '../../../src-shared/rpc/events';
import { tinySpec } from '../../helpers/tinySpec';

/**
 * A workspace planned by the core (tiny spec, queue 'none': nothing trains it) for the tests of
 * runs handed to a cluster (issue 16), with the messages a worker streams.
 */

export interface PlannedWorkspace {
  dir: string;
  db: Db;
  experimentId: number;
  /** The source run, and the transfer runs: scratch (needs no source) and fine-tune (needs it). */
  source: number;
  scratch: number;
  fineTune: number;
  ctx: IngestContext;
  events: AppEvent[];
}

export async function plannedWorkspace(dir: string): Promise<PlannedWorkspace> {
  const core = await openCore({ workspaceDir: dir, transport: 'in-process', queue: 'none' });
  await core.handlers['experiments.create']({ spec: tinySpec('on a cluster') });
  await core.close();
  const db = openDb(join(dir, 'transferlab.sqlite'));
  const rows = db
    .prepare('SELECT id, experiment_id, depends_on, config FROM runs ORDER BY id')
    .all() as { id: number; experiment_id: number; depends_on: number | null; config: string }[];
  const strategy = (row: { config: string }): unknown =>
    (JSON.parse(row.config) as { strategy: unknown }).strategy;
  const find = (name: string): number => {
    const row = rows.find((r) => strategy(r) === name);
    if (!row) throw new Error(`no ${name} run in ${JSON.stringify(rows.map(strategy))}`);
    return row.id;
  };
  const source = find('source');
  const fineTune = find('fine-tune');
  expect(rows.find((r) => r.id === fineTune)?.depends_on).toBe(source);
  const bus = new EventBus();
  const events: AppEvent[] = [];
  bus.on((e) => events.push(e));
  return {
    dir,
    db,
    experimentId: rows[0]?.experiment_id ?? 0,
    source,
    scratch: find('scratch'),
    fineTune,
    ctx: { db, workspaceDir: dir, events: bus },
    events,
  };
}

export const STARTED: TrainerToParent = {
  type: 'started',
  environment: {
    backend: 'cpu',
    versions: {},
    platform: 'linux',
    arch: 'x64',
    cpus: 2,
    node: process.version,
  },
  dataHash: 'data-hash',
};

export const epoch = (n: number): TrainerToParent => ({
  type: 'epoch',
  epoch: n,
  values: { loss: 1 / n, val_acc: 0.5 + n / 10 },
  elapsedS: n / 10,
});

export const COMPLETED: TrainerToParent = {
  type: 'completed',
  finalMetrics: { test_acc: 0.9, test_loss: 0.1 },
};

export const CANCELLED: TrainerToParent = { type: 'cancelled' };

/** Writes an attempt's event file where the ingester looks for it, as a Slurm worker would. */
export function writeEventFile(
  dir: string,
  runId: number,
  attempt: number,
  messages: readonly TrainerToParent[],
  startedAt = '2026-12-06T21:00:00.000Z',
): string {
  const file = eventFilePath(dir, runId, attempt);
  mkdirSync(dirname(file), { recursive: true });
  const writer = EventFileWriter.create(file, {
    runId,
    attempt,
    executor: { kind: 'slurm', jobId: '4321', taskId: '0', host: 'node-1', pid: 77 },
    startedAt,
  });
  for (const m of messages) writer.append(m);
  writer.close();
  return file;
}

export interface RunRow {
  status: string;
  owner: string | null;
  attempts: number;
  epochs_done: number;
  error: string | null;
  started_at: string | null;
  cancel_requested: number;
}

export function runRow(db: Db, runId: number): RunRow {
  return db
    .prepare(
      `SELECT status, owner, attempts, epochs_done, error, started_at, cancel_requested
       FROM runs WHERE id = ?`,
    )
    .get(runId) as RunRow;
}
