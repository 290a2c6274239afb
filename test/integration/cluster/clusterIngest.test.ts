import { describe, expect, it } from 'vitest';
import { readEventsFrom } from '../../../src-main/cluster/eventFile';
import {
  eventFilePath,
  ingestEventFile,
  ingestPending,
  IngestRefused,
} from '../../../src-main/core/eventIngest';
import { CANCELLED_BY_USER } from '../../../src-main/core/runRecorder';
import { holdForCluster, startClusterAttempts } from '../../../src-main/store/clusterTasks';
import type { Db } from '../../../src-main/store/db';
import { markClusterRunStarted, readEventCursor } from '../../../src-main/store/eventCursors';
import { claimNextRun, requestCancel } from '../../../src-main/store/runs';
import { useTempDirs } from '../../helpers/tempDir';
import {
  CANCELLED,
  COMPLETED,
  epoch,
  plannedWorkspace,
  runRow,
  STARTED,
  writeEventFile,
  type PlannedWorkspace,
} from './clusterWorkspace';

/**
 * Issue 16, point 3, for runs a cluster holds: such a run waits (queued) until its worker's event
 * file starts, and a 'cancelled' its worker wrote is held back unless a cancel was asked for in
 * Transferlab (SIGTERM comes from a person's scancel and from the time limit alike; the cluster
 * monitor ends the run with Slurm's reason). Real SQLite, event files by the real writer.
 */

const tempDir = useTempDirs();
const STARTED_AT = '2026-12-06T21:00:00.000Z';

/** The source run held for Slurm and its first attempt started (attempts = 1, still queued). */
async function heldSource(): Promise<PlannedWorkspace> {
  const w = await plannedWorkspace(tempDir());
  holdForCluster(w.db, [w.source], 'slurm');
  expect(startClusterAttempts(w.db, [w.source], 'slurm').map((r) => r.attempt)).toEqual([1]);
  return w;
}

function metricCount(db: Db, runId: number): number {
  return (
    db.prepare('SELECT COUNT(*) AS n FROM metrics WHERE run_id = ?').get(runId) as { n: number }
  ).n;
}

const source = (w: PlannedWorkspace, attempt = 1) => ({
  runId: w.source,
  attempt,
  file: eventFilePath(w.dir, w.source, attempt),
});

describe('a cluster-held run’s event file', () => {
  it('starts the queued run at its worker’s start time and takes its events', async () => {
    const w = await heldSource();
    expect(runRow(w.db, w.source)).toMatchObject({ status: 'queued', started_at: null });
    writeEventFile(w.dir, w.source, 1, [STARTED, epoch(1)], STARTED_AT);

    // ingestPending follows held runs while they are still queued.
    const pending = ingestPending(w.ctx);
    expect(pending.failed).toEqual([]);
    expect(pending.ingested).toEqual([
      expect.objectContaining({ runId: w.source, attempt: 1, events: 2, epochs: 1 }),
    ]);
    expect(runRow(w.db, w.source)).toMatchObject({
      status: 'running',
      owner: 'cluster:slurm',
      started_at: STARTED_AT,
      epochs_done: 1,
    });
    expect(w.events).toContainEqual(
      expect.objectContaining({ type: 'run.status', runId: w.source, status: 'running' }),
    );
  });

  it('starts the run when only the header is written', async () => {
    const w = await heldSource();
    writeEventFile(w.dir, w.source, 1, [], STARTED_AT);
    expect(ingestEventFile(w.ctx, source(w))).toMatchObject({ events: 0 });
    expect(runRow(w.db, w.source)).toMatchObject({ status: 'running', started_at: STARTED_AT });
  });

  it('is refused for another attempt than the run’s, and for a queued run no cluster holds', async () => {
    const w = await heldSource();
    writeEventFile(w.dir, w.source, 2, [STARTED]);
    expect(() => ingestEventFile(w.ctx, source(w, 2))).toThrow(IngestRefused);
    expect(runRow(w.db, w.source)).toMatchObject({ status: 'queued', started_at: null });

    // The scratch run waits in the local queue: a file for it must not start it.
    w.db.prepare('UPDATE runs SET attempts = 1 WHERE id = ?').run(w.scratch);
    writeEventFile(w.dir, w.scratch, 1, [STARTED]);
    expect(() =>
      ingestEventFile(w.ctx, {
        runId: w.scratch,
        attempt: 1,
        file: eventFilePath(w.dir, w.scratch, 1),
      }),
    ).toThrow(/run #\d+ is queued at attempt 1, not running attempt 1/);
    expect(runRow(w.db, w.scratch).status).toBe('queued');
  });

  it('holds back a cancelled outcome no one in Transferlab asked for', async () => {
    const w = await heldSource();
    const file = writeEventFile(w.dir, w.source, 1, [STARTED, epoch(1), CANCELLED]);
    const whole = readEventsFrom(file);

    const first = ingestEventFile(w.ctx, source(w));
    expect(first).toMatchObject({ events: 2, epochs: 1 });
    expect(first.outcome).toBeUndefined();
    expect(first.cursor).toEqual(whole.beforeOutcome);
    expect(runRow(w.db, w.source)).toMatchObject({ status: 'running', error: null });
    // The cursor stays before the outcome's line.
    expect(readEventCursor(w.db, w.source, 1)).toEqual({ file, ...whole.beforeOutcome });

    // Reading again adds nothing, and still holds it back.
    const again = ingestEventFile(w.ctx, source(w));
    expect(again).toMatchObject({ events: 0, epochs: 0, logs: 0 });
    expect(again.outcome).toBeUndefined();
    expect(metricCount(w.db, w.source)).toBe(2);
    expect(runRow(w.db, w.source).status).toBe('running');

    // Once a cancel is asked for in Transferlab, the outcome is the user's.
    expect(requestCancel(w.db, w.source)).toBe(true);
    const cancelled = ingestEventFile(w.ctx, source(w));
    expect(cancelled).toMatchObject({ events: 1, outcome: 'cancelled' });
    expect(cancelled.cursor).toEqual(whole.cursor);
    expect(runRow(w.db, w.source)).toMatchObject({ status: 'cancelled', error: CANCELLED_BY_USER });
    expect(metricCount(w.db, w.source)).toBe(2);
  });

  it('applies a cancelled outcome at once when the cancel was asked for first', async () => {
    const w = await heldSource();
    writeEventFile(w.dir, w.source, 1, [STARTED, epoch(1), CANCELLED]);
    // Its worker had started (as ingesting its header does) and a person cancelled it.
    expect(markClusterRunStarted(w.db, w.source, STARTED_AT)).toBe(true);
    expect(requestCancel(w.db, w.source)).toBe(true);
    expect(ingestEventFile(w.ctx, source(w))).toMatchObject({
      events: 3,
      epochs: 1,
      outcome: 'cancelled',
    });
    expect(runRow(w.db, w.source)).toMatchObject({ status: 'cancelled', error: CANCELLED_BY_USER });
  });

  it('applies other outcomes of a held run as they come', async () => {
    const w = await heldSource();
    writeEventFile(w.dir, w.source, 1, [STARTED, epoch(1), epoch(2), COMPLETED]);
    expect(ingestEventFile(w.ctx, source(w))).toMatchObject({
      events: 4,
      epochs: 2,
      outcome: 'completed',
    });
    expect(runRow(w.db, w.source)).toMatchObject({ status: 'completed', started_at: STARTED_AT });
  });
});

describe('a local run’s event file', () => {
  it('applies its cancelled outcome as before', async () => {
    const w = await plannedWorkspace(tempDir());
    const claim = claimNextRun(w.db, 'slurm:4321_0', { limit: 10 });
    if (!claim) throw new Error('nothing to claim');
    writeEventFile(w.dir, claim.id, claim.attempt, [STARTED, epoch(1), CANCELLED]);
    const result = ingestEventFile(w.ctx, {
      runId: claim.id,
      attempt: claim.attempt,
      file: eventFilePath(w.dir, claim.id, claim.attempt),
    });
    expect(result).toMatchObject({ events: 3, epochs: 1, outcome: 'cancelled' });
    expect(result.cursor.ended).toBe(true);
    expect(runRow(w.db, claim.id).status).toBe('cancelled');
  });
});
