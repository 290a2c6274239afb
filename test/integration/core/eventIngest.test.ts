import { appendFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventFileWriter } from '../../../src-main/cluster/eventFile';
import { openCore } from '../../../src-main/core/core';
import {
  eventFilePath,
  ingestEventFile,
  ingestPending,
  IngestRefused,
  type IngestContext,
} from '../../../src-main/core/eventIngest';
import { EventBus } from '../../../src-main/core/events';
import type { TrainerToParent } from '../../../src-main/engine/protocol';
import { openDb, type Db } from '../../../src-main/store/db';
import { readEventCursor } from '../../../src-main/store/eventCursors';
import { requeueRun } from '../../../src-main/store/queue';
import { claimNextRun } from '../../../src-main/store/runs';
import type { AppEvent } from '../../../src-shared/rpc/events';
import { useTempDirs } from '../../helpers/tempDir';
import { STARTED } from '../cluster/clusterWorkspace';
import { tinySpec } from '../../helpers/tinySpec';

/**
 * Issue 16, point 3: a worker's event file ingested into the workspace with the run recorder
 * (what records a local trainer's messages), its cursor stored in the same transaction as the
 * writes it caused. Real SQLite in a temporary workspace, event files written by the real
 * EventFileWriter; the runs are planned by the core (tiny spec) and claimed for a "worker" as
 * the submitter does, while no local queue trains them.
 */

const tempDir = useTempDirs();

interface Workspace {
  dir: string;
  db: Db;
  ctx: IngestContext;
  events: AppEvent[];
  /** The source run, claimed (running, attempt 1). */
  runId: number;
  attempt: number;
  file: string;
}

/** A workspace with the tiny spec planned and its source run claimed for a worker. */
async function workspace(): Promise<Workspace> {
  const dir = tempDir();
  const core = await openCore({ workspaceDir: dir, transport: 'in-process', queue: 'none' });
  await core.handlers['experiments.create']({ spec: tinySpec('ingest') });
  await core.close();
  const db = openDb(join(dir, 'transferlab.sqlite'));
  const claim = claimNextRun(db, 'slurm:4321_0', { limit: 10 });
  if (!claim) throw new Error('nothing to claim');
  expect(claim.config.kind).toBe('source');
  const bus = new EventBus();
  const events: AppEvent[] = [];
  bus.on((e) => events.push(e));
  const file = eventFilePath(dir, claim.id, claim.attempt);
  mkdirSync(dirname(file), { recursive: true });
  return {
    dir,
    db,
    ctx: { db, workspaceDir: dir, events: bus },
    events,
    runId: claim.id,
    attempt: claim.attempt,
    file,
  };
}

const epoch = (n: number, loss: number): TrainerToParent => ({
  type: 'epoch',
  epoch: n,
  values: { loss, val_acc: 0.5 + n / 10 },
  elapsedS: n / 10,
});
const progress = (e: number, batch: number): TrainerToParent => ({
  type: 'progress',
  epoch: e,
  epochs: 2,
  batch,
  batches: 4,
});
const log = (message: string): TrainerToParent => ({ type: 'log', level: 'info', message });
const completed = (runId: number): TrainerToParent => ({
  type: 'completed',
  finalMetrics: { test_acc: 0.9, test_loss: 0.1 },
  confusion: [
    [9, 1],
    [2, 8],
  ],
  model: { dir: `/models/hash-${runId}`, hash: `hash-${runId}` },
});

/** A whole run as a worker streams it: STARTED, progress, two epochs (one diverging), logs. */
function runMessages(runId: number): TrainerToParent[] {
  return [
    STARTED,
    progress(1, 2),
    progress(1, 4),
    epoch(1, 0.7),
    log('epoch one done'),
    progress(2, 4),
    epoch(2, Number.POSITIVE_INFINITY),
    log('epoch two done'),
    completed(runId),
  ];
}

/** The worker's writer on the attempt's event file (header written). */
function openWriter(w: Workspace, runId = w.runId): EventFileWriter {
  return EventFileWriter.create(w.file, {
    runId,
    attempt: w.attempt,
    executor: { kind: 'slurm', jobId: '4321', taskId: '0', host: 'node-1', pid: 77 },
    startedAt: new Date().toISOString(),
  });
}

function writeEvents(w: Workspace, messages: TrainerToParent[], runId = w.runId): void {
  const writer = openWriter(w, runId);
  for (const m of messages) writer.append(m);
  writer.close();
}

/** What the database holds of the run: everything a second ingest must leave as it is. */
function recorded(db: Db, runId: number): Record<string, unknown> {
  const count = (table: string): unknown =>
    (db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE run_id = ?`).get(runId) as { n: number })
      .n;
  return {
    run: db
      .prepare(
        `SELECT status, backend, data_hash, epochs_done, final_metrics, confusion, error
         FROM runs WHERE id = ?`,
      )
      .get(runId),
    metrics: db
      .prepare(
        'SELECT epoch, name, value, nonfinite, elapsed_s FROM metrics WHERE run_id = ? ORDER BY epoch, name',
      )
      .all(runId),
    logs: db
      .prepare('SELECT seq, attempt, level, message FROM run_logs WHERE run_id = ? ORDER BY seq')
      .all(runId),
    summaries: count('run_metric_summary'),
    sourceModel: db.prepare('SELECT weights_hash FROM source_models WHERE run_id = ?').get(runId),
  };
}

describe('ingesting a worker’s event file', () => {
  it('records the run as a local trainer would, and reading it again adds nothing', async () => {
    const w = await workspace();
    writeEvents(w, runMessages(w.runId));

    const first = ingestEventFile(w.ctx, w);
    expect(first).toMatchObject({ events: 9, epochs: 2, logs: 2, outcome: 'completed' });
    expect(first.cursor).toMatchObject({ seq: 9, ended: true });
    const after = recorded(w.db, w.runId);
    expect(after).toMatchObject({
      run: {
        status: 'completed',
        backend: 'cpu',
        data_hash: 'data-hash',
        epochs_done: 2,
        final_metrics: JSON.stringify({ test_acc: 0.9, test_loss: 0.1 }),
        confusion: JSON.stringify([
          [9, 1],
          [2, 8],
        ]),
      },
      logs: [
        { seq: 1, attempt: 1, level: 'info', message: 'epoch one done' },
        { seq: 2, attempt: 1, level: 'info', message: 'epoch two done' },
      ],
      sourceModel: { weights_hash: `hash-${w.runId}` },
    });
    // The worker's epochs, as it sent them: a non-finite loss stays non-finite.
    expect(after.metrics).toEqual([
      { epoch: 1, name: 'loss', value: 0.7, nonfinite: null, elapsed_s: 0.1 },
      { epoch: 1, name: 'val_acc', value: 0.6, nonfinite: null, elapsed_s: 0.1 },
      { epoch: 2, name: 'loss', value: null, nonfinite: 'inf', elapsed_s: 0.2 },
      { epoch: 2, name: 'val_acc', value: 0.7, nonfinite: null, elapsed_s: 0.2 },
    ]);
    // Clients hear what a local run tells them; of the progress lines only the latest of a batch,
    // and here a later line came after every one of them.
    const types = w.events.filter((e) => 'runId' in e && e.runId === w.runId).map((e) => e.type);
    expect(types.filter((t) => t === 'run.epoch')).toHaveLength(2);
    expect(types.filter((t) => t === 'run.log')).toHaveLength(2);
    expect(types).not.toContain('run.progress');
    expect(w.events.at(-1)).toMatchObject({
      type: 'run.status',
      runId: w.runId,
      status: 'completed',
    });

    w.events.length = 0;
    const again = ingestEventFile(w.ctx, w);
    expect(again).toMatchObject({ events: 0, epochs: 0, logs: 0 });
    expect(again.outcome).toBeUndefined();
    expect(recorded(w.db, w.runId)).toEqual(after);
    expect(w.events).toEqual([]);
    // Nor does the sweep over running runs find anything: the run is no longer running.
    expect(ingestPending(w.ctx)).toEqual({ ingested: [], failed: [] });
    w.db.close();
  });

  it('gives the same result from a file cut mid-line, then completed, as from the whole file', async () => {
    const whole = await workspace();
    writeEvents(whole, runMessages(whole.runId));
    ingestEventFile(whole.ctx, whole);

    const cut = await workspace();
    expect(cut.runId).toBe(whole.runId);
    writeEvents(cut, runMessages(cut.runId));
    const bytes = readFileSync(cut.file);
    // Cut in the middle of the line of epoch 2 (line 8: header, then seven events).
    const lineStarts = [0];
    bytes.forEach((b, i) => {
      if (b === 0x0a) lineStarts.push(i + 1);
    });
    const cutAt = (lineStarts[7] ?? 0) + 10;
    writeFileSync(cut.file, bytes.subarray(0, cutAt));

    const part = ingestPending(cut.ctx);
    expect(part.failed).toEqual([]);
    expect(part.ingested).toMatchObject([{ runId: cut.runId, events: 6, epochs: 1, logs: 1 }]);
    expect(readEventCursor(cut.db, cut.runId, cut.attempt)).toEqual({
      file: cut.file,
      offset: lineStarts[7],
      seq: 6,
      ended: false,
    });
    expect(recorded(cut.db, cut.runId)).toMatchObject({
      run: { status: 'running', epochs_done: 1 },
    });
    // The live progress line (the last of its batch) is told; older ones are not.
    expect(cut.events.filter((e) => e.type === 'run.progress')).toEqual([
      expect.objectContaining({ epoch: 2, batch: 4 }),
    ]);

    appendFileSync(cut.file, bytes.subarray(cutAt));
    const rest = ingestPending(cut.ctx);
    expect(rest.ingested).toMatchObject([{ events: 3, epochs: 1, logs: 1, outcome: 'completed' }]);
    expect(recorded(cut.db, cut.runId)).toEqual(recorded(whole.db, whole.runId));
    whole.db.close();
    cut.db.close();
  });

  it('reads a long file over several transactions, each with its cursor', async () => {
    const w = await workspace();
    writeEvents(w, runMessages(w.runId));
    // At most 400 bytes per batch: one to a few lines each, several batches for the file.
    expect(statSync(w.file).size).toBeGreaterThan(3 * 400);
    const result = ingestEventFile(w.ctx, w, { maxBytes: 400 });
    expect(result).toMatchObject({ events: 9, epochs: 2, logs: 2, outcome: 'completed' });
    expect(recorded(w.db, w.runId)).toMatchObject({ run: { status: 'completed', epochs_done: 2 } });
    w.db.close();
  });

  it('keeps nothing of a batch whose transaction failed before its commit, then completes it once', async () => {
    const w = await workspace();
    const messages = runMessages(w.runId);
    const writer = openWriter(w);
    for (const m of messages.slice(0, 5)) writer.append(m);
    expect(ingestEventFile(w.ctx, w)).toMatchObject({ events: 5, epochs: 1, logs: 1 });
    const before = recorded(w.db, w.runId);
    const cursorBefore = readEventCursor(w.db, w.runId, w.attempt);
    for (const m of messages.slice(5)) writer.append(m);
    writer.close();

    // A crash after the batch's writes, before the cursor is saved and the commit: saving the
    // cursor is the transaction's last write, so a trigger that aborts it stands for a process
    // killed after applying every event of the batch.
    w.db.exec(`CREATE TEMP TRIGGER crash BEFORE UPDATE ON run_event_cursors
                BEGIN SELECT RAISE(ABORT, 'simulated crash before the commit'); END`);
    w.events.length = 0;
    expect(() => ingestEventFile(w.ctx, w)).toThrow(/simulated crash/);
    expect(recorded(w.db, w.runId)).toEqual(before);
    expect(readEventCursor(w.db, w.runId, w.attempt)).toEqual(cursorBefore);
    // Nothing of the batch was told to clients either.
    expect(w.events).toEqual([]);

    w.db.exec('DROP TRIGGER crash');
    expect(ingestEventFile(w.ctx, w)).toMatchObject({
      events: 4,
      epochs: 1,
      logs: 1,
      outcome: 'completed',
    });
    const done = recorded(w.db, w.runId);
    expect(done).toMatchObject({
      run: { status: 'completed', epochs_done: 2 },
      logs: [{ message: 'epoch one done' }, { message: 'epoch two done' }],
    });
    expect((done.metrics as unknown[]).length).toBe(4);
    expect(ingestEventFile(w.ctx, w)).toMatchObject({ events: 0 });
    expect(recorded(w.db, w.runId)).toEqual(done);
    w.db.close();
  });

  it('refuses a file whose header names another run, writing nothing', async () => {
    const w = await workspace();
    writeEvents(w, runMessages(w.runId + 100), w.runId + 100);
    const before = recorded(w.db, w.runId);
    expect(() => ingestEventFile(w.ctx, w)).toThrow(IngestRefused);
    expect(() => ingestEventFile(w.ctx, w)).toThrow(
      `its header is run #${w.runId + 100} attempt 1, not run #${w.runId} attempt 1`,
    );
    expect(recorded(w.db, w.runId)).toEqual(before);
    expect(readEventCursor(w.db, w.runId, w.attempt)).toBeUndefined();
    // The sweep reports it and goes on.
    expect(ingestPending(w.ctx).failed).toMatchObject([
      { runId: w.runId, attempt: 1, error: expect.stringContaining('its header is run') as string },
    ]);
    w.db.close();
  });

  it('refuses a stale attempt’s events after the run was requeued and started again', async () => {
    const w = await workspace();
    writeEvents(w, runMessages(w.runId).slice(0, 4));
    requeueRun(w.db, w.runId);
    const again = claimNextRun(w.db, 'slurm:4322_0', { limit: 10 });
    expect(again).toMatchObject({ id: w.runId, attempt: 2 });
    const before = recorded(w.db, w.runId);
    expect(() => ingestEventFile(w.ctx, w)).toThrow(/running at attempt 2, not running attempt 1/);
    expect(recorded(w.db, w.runId)).toEqual(before);
    // The new attempt has no event file yet: the sweep has nothing to do.
    expect(ingestPending(w.ctx)).toEqual({ ingested: [], failed: [] });
    w.db.close();
  });

  it.each([
    {
      outcome: { type: 'failed', error: 'No such backend: webgpu', diverged: false },
      status: 'failed',
      error: 'No such backend: webgpu',
    },
    {
      outcome: { type: 'failed', error: 'Loss became NaN at epoch 1', diverged: true },
      status: 'diverged',
      error: 'Loss became NaN at epoch 1',
    },
    { outcome: { type: 'cancelled' }, status: 'cancelled', error: 'Cancelled by the user.' },
  ] as const)('ends the run $status as a local trainer’s exit would', async (c) => {
    const w = await workspace();
    writeEvents(w, [STARTED, epoch(1, 0.7), c.outcome]);
    expect(ingestEventFile(w.ctx, w)).toMatchObject({ events: 3, outcome: c.status });
    expect(recorded(w.db, w.runId)).toMatchObject({
      run: { status: c.status, error: c.error, epochs_done: 1, final_metrics: null },
      sourceModel: undefined,
    });
    // A source run that did not complete fails (or cancels) the queued runs waiting for it.
    const dependants = w.db
      .prepare('SELECT status FROM runs WHERE depends_on = ?')
      .all(w.runId) as { status: string }[];
    expect(dependants.map((d) => d.status)).toEqual([
      c.status === 'cancelled' ? 'cancelled' : 'failed',
    ]);
    w.db.close();
  });
});
