import type { RunStatus } from '../../src-shared/domain/runs';
import { NOT_CLUSTER_HELD } from './clusterOwner';
import { inTransaction, type Db } from './db';
import { nowIso } from './json';

/**
 * The queue's bookkeeping across processes (migration 008): which processes execute runs of this
 * workspace, the trainer limit they share, and the repairs that keep the queue moving when one of
 * them dies. Which owner counts as dead is the caller's decision (core/liveness.ts); this file
 * only reads and writes.
 */

export interface ProcessRecord {
  owner: string;
  host: string;
  pid: number;
  transport: string;
}

export function registerProcess(db: Db, p: ProcessRecord): void {
  const now = nowIso();
  db.prepare(
    `INSERT OR REPLACE INTO processes (owner, host, pid, transport, started_at, heartbeat_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  ).run(p.owner, p.host, p.pid, p.transport, now, now);
}

export function unregisterProcess(db: Db, owner: string): void {
  db.prepare('DELETE FROM processes WHERE owner = ?').run(owner);
}

/**
 * Marks this process and its running runs alive, in one transaction, and returns the runs whose
 * cancel another process requested. A process whose row was removed (another process took it for
 * dead) registers again: its runs were requeued, and it learns so from `lostRuns`.
 */
export function beat(
  db: Db,
  p: ProcessRecord,
  activeRunIds: readonly number[],
): { cancelRequested: number[]; lostRuns: number[] } {
  return inTransaction(db, () => {
    const now = nowIso();
    const updated = db
      .prepare('UPDATE processes SET heartbeat_at = ? WHERE owner = ?')
      .run(now, p.owner).changes;
    if (updated === 0) registerProcess(db, p);
    db.prepare(`UPDATE runs SET heartbeat_at = ? WHERE owner = ? AND status = 'running'`).run(
      now,
      p.owner,
    );
    const cancelRequested = (
      db
        .prepare(
          `SELECT id FROM runs WHERE owner = ? AND status = 'running' AND cancel_requested = 1`,
        )
        .all(p.owner) as { id: number }[]
    ).map((r) => r.id);
    const held = new Set(
      (
        db.prepare(`SELECT id FROM runs WHERE owner = ? AND status = 'running'`).all(p.owner) as {
          id: number;
        }[]
      ).map((r) => r.id),
    );
    return { cancelRequested, lostRuns: activeRunIds.filter((id) => !held.has(id)) };
  });
}

/** An owner of running runs, with what is known of its process (null: it never registered). */
export interface RunOwner {
  owner: string | null;
  runs: number;
  /** The newest heartbeat of its runs. */
  runHeartbeatAt: string | null;
  process: (ProcessRecord & { heartbeatAt: string }) | null;
}

/** Owners of running runs; a cluster's runs are not among them (no process heartbeats those). */
export function runOwners(db: Db): RunOwner[] {
  const rows = db
    .prepare(
      `SELECT r.owner, COUNT(*) AS runs, MAX(r.heartbeat_at) AS run_heartbeat_at,
              p.host, p.pid, p.transport, p.heartbeat_at
       FROM runs r LEFT JOIN processes p ON p.owner = r.owner
       WHERE r.status = 'running' AND ${NOT_CLUSTER_HELD('r.owner')} GROUP BY r.owner`,
    )
    .all() as {
    owner: string | null;
    runs: number;
    run_heartbeat_at: string | null;
    host: string | null;
    pid: number | null;
    transport: string | null;
    heartbeat_at: string | null;
  }[];
  return rows.map((r) => ({
    owner: r.owner,
    runs: r.runs,
    runHeartbeatAt: r.run_heartbeat_at,
    process:
      r.owner !== null &&
      r.host !== null &&
      r.pid !== null &&
      r.transport !== null &&
      r.heartbeat_at !== null
        ? {
            owner: r.owner,
            host: r.host,
            pid: r.pid,
            transport: r.transport,
            heartbeatAt: r.heartbeat_at,
          }
        : null,
  }));
}

/** Registered processes that hold no running run (their rows are removed once they are dead). */
export function listProcesses(db: Db): (ProcessRecord & { heartbeatAt: string })[] {
  const rows = db
    .prepare('SELECT owner, host, pid, transport, heartbeat_at FROM processes ORDER BY started_at')
    .all() as {
    owner: string;
    host: string;
    pid: number;
    transport: string;
    heartbeat_at: string;
  }[];
  return rows.map((r) => ({
    owner: r.owner,
    host: r.host,
    pid: r.pid,
    transport: r.transport,
    heartbeatAt: r.heartbeat_at,
  }));
}

export const MAX_ATTEMPTS = 3;

export interface Recovery {
  /** Back in the queue: the next claim resumes or restarts them. */
  requeued: number[];
  /** Started MAX_ATTEMPTS times without finishing. */
  crashed: number[];
  /** Queued runs whose source run can no longer complete, now ended. */
  ended: EndedDependant[];
}

export interface EndedDependant {
  id: number;
  status: 'failed' | 'cancelled';
  error: string;
}

/**
 * Takes back the running runs of owners that are gone (or of this owner after a graceful stop).
 * Their committed epochs stay: the next start resumes from the last one when it can, else clears
 * them and says so (runQueue.ts). After MAX_ATTEMPTS starts a run is marked crashed, and what
 * waited for it ends with it. The process rows of the dead owners go in the same transaction.
 */
export function requeueRuns(db: Db, owners: readonly (string | null)[]): Recovery {
  return inTransaction(db, () => {
    const requeued: number[] = [];
    const crashed: number[] = [];
    const select = db.prepare(
      `SELECT id, attempts FROM runs WHERE status = 'running' AND owner IS ?`,
    );
    const crash = db.prepare(
      `UPDATE runs SET status = 'crashed', error = ?, finished_at = ?, owner = NULL, heartbeat_at = NULL
       WHERE id = ?`,
    );
    const requeue = db.prepare(
      `UPDATE runs SET status = 'queued', owner = NULL, heartbeat_at = NULL, cancel_requested = 0
       WHERE id = ?`,
    );
    for (const owner of owners) {
      const rows = select.all(owner) as { id: number; attempts: number }[];
      for (const row of rows) {
        if (row.attempts >= MAX_ATTEMPTS) {
          crash.run(
            `The process running it stopped ${row.attempts} times before it finished.`,
            nowIso(),
            row.id,
          );
          crashed.push(row.id);
        } else {
          requeue.run(row.id);
          requeued.push(row.id);
        }
      }
      if (owner !== null) unregisterProcess(db, owner);
    }
    return { requeued, crashed, ended: endOrphanedDependants(db) };
  });
}

/** Puts one running run back in the queue (its trainer refused to resume it). */
export function requeueRun(db: Db, id: number): void {
  db.prepare(
    `UPDATE runs SET status = 'queued', owner = NULL, heartbeat_at = NULL, cancel_requested = 0
     WHERE id = ? AND status = 'running'`,
  ).run(id);
}

/**
 * Ends queued runs that can never start: their source run ended without completing (a crash, a
 * failure, a cancel, in this process or another, now or in an older version). Cancelled sources
 * cancel what waited for them; any other ending fails it, with the reason.
 */
export function endOrphanedDependants(db: Db): EndedDependant[] {
  return inTransaction(db, () => {
    const rows = db
      .prepare(
        `SELECT r.id, dep.id AS dep_id, dep.status AS dep_status FROM runs r
         JOIN runs dep ON dep.id = r.depends_on
         WHERE r.status = 'queued'
           AND dep.status IN ('failed', 'cancelled', 'crashed', 'diverged')`,
      )
      .all() as { id: number; dep_id: number; dep_status: RunStatus }[];
    const end = db.prepare(
      `UPDATE runs SET status = ?, error = ?, finished_at = ? WHERE id = ? AND status = 'queued'`,
    );
    return rows.map((row) => {
      const status = row.dep_status === 'cancelled' ? 'cancelled' : 'failed';
      const error = `Its source run #${row.dep_id} ended ${row.dep_status}; no source model to start from.`;
      end.run(status, error, nowIso(), row.id);
      return { id: row.id, status, error };
    });
  });
}

/** The epochs a run has stored (its epochs_done, kept equal to them). */
export function storedEpochs(db: Db, runId: number): number {
  const row = db
    .prepare('SELECT COALESCE(MAX(epoch), 0) AS n FROM metrics WHERE run_id = ?')
    .get(runId) as { n: number };
  return row.n;
}

/** Forgets a run's partial epochs before it trains again from the start. */
export function clearProgress(db: Db, runId: number): void {
  inTransaction(db, () => {
    db.prepare('DELETE FROM metrics WHERE run_id = ?').run(runId);
    db.prepare('DELETE FROM run_metric_summary WHERE run_id = ?').run(runId);
    db.prepare('UPDATE runs SET epochs_done = 0 WHERE id = ?').run(runId);
  });
}

const TRAINER_LIMIT = 'trainer_limit';

/** The trainers all processes on this workspace may run at once; `fallback` until one is set. */
export function trainerLimit(db: Db, fallback: number): number {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(TRAINER_LIMIT) as
    { value: string } | undefined;
  if (!row) return fallback;
  const value: unknown = JSON.parse(row.value);
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : fallback;
}

export function setTrainerLimit(db: Db, limit: number): void {
  db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)').run(
    TRAINER_LIMIT,
    JSON.stringify(limit),
  );
}

/** Running runs per owner, for saying who holds the trainer slots. */
export function slotHolders(db: Db): { owner: string | null; runs: number }[] {
  return db
    .prepare(
      `SELECT owner, COUNT(*) AS runs FROM runs
       WHERE status = 'running' AND ${NOT_CLUSTER_HELD('owner')} GROUP BY owner`,
    )
    .all() as { owner: string | null; runs: number }[];
}

/**
 * Queued runs of these experiments waiting for a source run that another owner is running, or
 * that a cluster holds (waiting or training there).
 */
export function waitingOnOthers(
  db: Db,
  experimentIds: readonly number[],
  owner: string,
): { runId: number; dependsOn: number; owner: string | null }[] {
  if (experimentIds.length === 0) return [];
  return db
    .prepare(
      `SELECT DISTINCT dep.id AS dependsOn, dep.owner AS owner, MIN(r.id) AS runId FROM runs r
       JOIN runs dep ON dep.id = r.depends_on
       WHERE r.status = 'queued' AND dep.owner IS NOT ?
         AND (dep.status = 'running' OR (dep.status = 'queued' AND NOT ${NOT_CLUSTER_HELD('dep.owner')}))
         AND r.experiment_id IN (SELECT value FROM json_each(?))
       GROUP BY dep.id`,
    )
    .all(owner, JSON.stringify(experimentIds)) as {
    runId: number;
    dependsOn: number;
    owner: string | null;
  }[];
}

export function queuedCount(db: Db): number {
  return (
    db.prepare(`SELECT COUNT(*) AS n FROM runs WHERE status = 'queued'`).get() as { n: number }
  ).n;
}

/** Queued runs of an experiment that could start now if a trainer slot were free. */
export function startableCount(db: Db, experimentId: number): number {
  return (
    db
      .prepare(
        `SELECT COUNT(*) AS n FROM runs r LEFT JOIN runs dep ON dep.id = r.depends_on
         WHERE r.experiment_id = ? AND r.status = 'queued'
           AND (r.depends_on IS NULL OR dep.status IN ('completed', 'queued'))`,
      )
      .get(experimentId) as { n: number }
  ).n;
}
