import {
  FinalMetricsSchema,
  type FinalMetrics,
  type RunStatus,
} from '../../src-shared/domain/runs';
import type { Db } from './db';
import { readJson } from './json';

/**
 * What a process needs to see other processes' work on the same workspace (core/workspaceWatcher):
 * whether anything changed at all, then the state of the runs that can still change.
 */

/**
 * Changes whenever another connection (another process) commits to the database; this
 * connection's own commits leave it alone. One cheap pragma per tick when nothing happens.
 */
export function dataVersion(db: Db): number {
  const v: unknown = db.pragma('data_version', { simple: true });
  return typeof v === 'number' ? v : Number(v);
}

/** The parts of a run that its status events carry, and the log's last line. */
export interface RunState {
  id: number;
  experimentId: number;
  status: RunStatus;
  epochsDone: number;
  epochs: number;
  backend: string | null;
  error: string | null;
  finalMetrics: FinalMetrics | null;
  logSeq: number;
}

const STATE_SELECT = `
  SELECT r.id, r.experiment_id, r.status, r.epochs_done, r.epochs, r.backend, r.error, r.final_metrics,
         COALESCE((SELECT MAX(seq) FROM run_logs l WHERE l.run_id = r.id), 0) AS log_seq
  FROM runs r`;

interface StateRow {
  id: number;
  experiment_id: number;
  status: RunStatus;
  epochs_done: number;
  epochs: number;
  backend: string | null;
  error: string | null;
  final_metrics: string | null;
  log_seq: number;
}

function toState(row: StateRow): RunState {
  return {
    id: row.id,
    experimentId: row.experiment_id,
    status: row.status,
    epochsDone: row.epochs_done,
    epochs: row.epochs,
    backend: row.backend,
    error: row.error,
    finalMetrics:
      row.final_metrics === null
        ? null
        : readJson(FinalMetricsSchema, row.final_metrics, 'final metrics'),
    logSeq: row.log_seq,
  };
}

export function runState(db: Db, id: number): RunState | undefined {
  const row = db.prepare(`${STATE_SELECT} WHERE r.id = ?`).get(id) as StateRow | undefined;
  return row ? toState(row) : undefined;
}

/**
 * The runs that may have changed: those not finished, those the caller last saw unfinished, and
 * those created after `afterId`. Indexed by status and id, so it stays cheap at any history size.
 */
export function changeableRuns(db: Db, seenOpen: readonly number[], afterId: number): RunState[] {
  const rows = db
    .prepare(
      `${STATE_SELECT}
       WHERE r.status IN ('queued', 'running') OR r.id > ?
          OR r.id IN (SELECT value FROM json_each(?))`,
    )
    .all(afterId, JSON.stringify(seenOpen)) as StateRow[];
  return rows.map(toState);
}

export function maxRunId(db: Db): number {
  return (db.prepare('SELECT COALESCE(MAX(id), 0) AS n FROM runs').get() as { n: number }).n;
}

export function experimentsAfter(db: Db, afterId: number): number[] {
  return (
    db.prepare('SELECT id FROM experiments WHERE id > ? ORDER BY id').all(afterId) as {
      id: number;
    }[]
  ).map((r) => r.id);
}

export function maxExperimentId(db: Db): number {
  return (db.prepare('SELECT COALESCE(MAX(id), 0) AS n FROM experiments').get() as { n: number }).n;
}
