import type { RunLogEntry, RunLogLevel } from '../../src-shared/domain/runs';
import type { Db } from './db';
import { nowIso } from './json';

/**
 * Lines kept per run: a run logs a few lines per epoch at most (TrAdaBoost's rounds), but an
 * epoch count of 10,000 must not grow the workspace without bound. The line that reaches the
 * cap says so.
 */
export const RUN_LOG_CAP = 1000;

/**
 * Appends one line of a run's log, numbered after the last (one statement: the sequence number
 * and the insert cannot interleave with another writer's). Returns the line as stored, to be sent
 * to clients, or null once the cap is reached.
 */
export function appendRunLog(
  db: Db,
  runId: number,
  level: RunLogLevel,
  message: string,
): RunLogEntry | null {
  const row = db
    .prepare(
      `INSERT INTO run_logs (run_id, seq, attempt, level, message, at)
       SELECT @runId, COALESCE(MAX(seq), 0) + 1, (SELECT attempts FROM runs WHERE id = @runId),
              CASE WHEN COUNT(*) = @cap - 1 THEN 'warn' ELSE @level END,
              CASE WHEN COUNT(*) = @cap - 1
                   THEN 'Log truncated: further lines of this run are not kept'
                   ELSE @message END,
              @at
       FROM run_logs WHERE run_id = @runId
       HAVING COUNT(*) < @cap
       RETURNING seq, attempt, level, message, at`,
    )
    .get({ runId, cap: RUN_LOG_CAP, level, message, at: nowIso() }) as RunLogEntry | undefined;
  return row ?? null;
}

/** A run's log, or its lines after `afterSeq` (what a client has not seen yet). */
export function readRunLog(db: Db, runId: number, afterSeq = 0): RunLogEntry[] {
  const rows = db
    .prepare(
      'SELECT seq, attempt, level, message, at FROM run_logs WHERE run_id = ? AND seq > ? ORDER BY seq',
    )
    .all(runId, afterSeq) as {
    seq: number;
    attempt: number;
    level: RunLogLevel;
    message: string;
    at: string;
  }[];
  return rows;
}
