import {
  ResolvedRunConfigSchema,
  type ResolvedRunConfig,
  type RunStatus,
} from '../../src-shared/domain/runs';
import { NOT_CLUSTER_HELD } from './clusterOwner';
import type { Db } from './db';
import { nowIso, readJson } from './json';

/**
 * How far each run attempt's event file has been ingested (migration 013), and what the ingester
 * needs to know of a run. The cursor is saved in the same transaction as what its events wrote
 * (core/eventIngest.ts): this module never opens one of its own.
 */

export interface StoredCursor {
  file: string;
  offset: number;
  seq: number;
  ended: boolean;
}

export function readEventCursor(db: Db, runId: number, attempt: number): StoredCursor | undefined {
  const row = db
    .prepare(
      'SELECT file, offset, seq, ended FROM run_event_cursors WHERE run_id = ? AND attempt = ?',
    )
    .get(runId, attempt) as
    { file: string; offset: number; seq: number; ended: number } | undefined;
  return row
    ? { file: row.file, offset: row.offset, seq: row.seq, ended: row.ended === 1 }
    : undefined;
}

export function saveEventCursor(
  db: Db,
  runId: number,
  attempt: number,
  cursor: StoredCursor,
): void {
  db.prepare(
    `INSERT INTO run_event_cursors (run_id, attempt, file, offset, seq, ended, updated_at)
     VALUES (@runId, @attempt, @file, @offset, @seq, @ended, @at)
     ON CONFLICT (run_id, attempt) DO UPDATE SET file = excluded.file, offset = excluded.offset,
       seq = excluded.seq, ended = excluded.ended, updated_at = excluded.updated_at`,
  ).run({
    runId,
    attempt,
    file: cursor.file,
    offset: cursor.offset,
    seq: cursor.seq,
    ended: cursor.ended ? 1 : 0,
    at: nowIso(),
  });
}

/** A run as the ingester sees it: whether it may take events, and what recording them needs. */
export interface IngestTarget {
  id: number;
  experimentId: number;
  domainId: number;
  config: ResolvedRunConfig;
  status: RunStatus;
  /** Starts so far (runs.attempts): the attempt whose events are taken. */
  attempt: number;
  /** 'cluster:slurm' while a cluster holds it (clusterOwner.ts). */
  owner: string | null;
  cancelRequested: boolean;
}

export function readIngestTarget(db: Db, runId: number): IngestTarget | undefined {
  const row = db
    .prepare(
      `SELECT id, experiment_id, domain_id, config, status, attempts, owner, cancel_requested
       FROM runs WHERE id = ?`,
    )
    .get(runId) as
    | {
        id: number;
        experiment_id: number;
        domain_id: number;
        config: string;
        status: RunStatus;
        attempts: number;
        owner: string | null;
        cancel_requested: number;
      }
    | undefined;
  if (!row) return undefined;
  return {
    id: row.id,
    experimentId: row.experiment_id,
    domainId: row.domain_id,
    config: readJson(ResolvedRunConfigSchema, row.config, `config of run #${row.id}`),
    status: row.status,
    attempt: row.attempts,
    owner: row.owner,
    cancelRequested: row.cancel_requested === 1,
  };
}

/**
 * Every running run, and every run a cluster holds (queued until its worker starts), with its
 * current attempt: those whose event files may have news.
 */
export function runningAttempts(db: Db): { runId: number; attempt: number }[] {
  return db
    .prepare(
      `SELECT id AS runId, attempts AS attempt FROM runs
       WHERE status = 'running' OR (status = 'queued' AND NOT ${NOT_CLUSTER_HELD('owner')})
       ORDER BY id`,
    )
    .all() as { runId: number; attempt: number }[];
}

/** A cluster-held run whose worker wrote its header: it waits no more, it trains. */
export function markClusterRunStarted(db: Db, runId: number, startedAt: string): boolean {
  return (
    db
      .prepare(
        `UPDATE runs SET status = 'running', started_at = ?, heartbeat_at = ?
         WHERE id = ? AND status = 'queued' AND NOT ${NOT_CLUSTER_HELD('owner')}`,
      )
      .run(startedAt, nowIso(), runId).changes > 0
  );
}
