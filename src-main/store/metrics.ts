import type { EpochMetrics } from '../../src-shared/domain/runs';
import { cachedStatement, inTransaction, type Db } from './db';

export type NonFinite = 'nan' | 'inf' | '-inf';

function nonFiniteKind(v: number): NonFinite | null {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return null;
}

/**
 * Folds one value into the run's summary row (migration 005). COALESCE because SQLite's two-argument
 * MIN/MAX answer NULL when either side is NULL, and a non-finite value is stored as NULL. An epoch
 * older than the recorded last one (not sent by trainers, but possible) leaves `last` alone.
 */
const UPSERT_SUMMARY = `
  INSERT INTO run_metric_summary (run_id, name, last_epoch, last, min, max) VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT (run_id, name) DO UPDATE SET
    last = CASE WHEN excluded.last_epoch >= last_epoch THEN excluded.last ELSE last END,
    last_epoch = MAX(last_epoch, excluded.last_epoch),
    min = COALESCE(MIN(min, excluded.min), min, excluded.min),
    max = COALESCE(MAX(max, excluded.max), max, excluded.max)`;

/** One epoch's metrics, their summaries and the run's progress counter, in one transaction. */
export function insertEpoch(
  db: Db,
  runId: number,
  epoch: number,
  values: Record<string, number>,
  elapsedS: number,
): void {
  inTransaction(db, () => {
    const insert = cachedStatement(
      db,
      'INSERT OR REPLACE INTO metrics (run_id, epoch, name, value, nonfinite, elapsed_s) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const summarise = cachedStatement(db, UPSERT_SUMMARY);
    for (const [name, value] of Object.entries(values)) {
      const kind = nonFiniteKind(value);
      const stored = kind === null ? value : null;
      insert.run(runId, epoch, name, stored, kind, elapsedS);
      summarise.run(runId, name, epoch, stored, stored, stored);
    }
    cachedStatement(db, 'UPDATE runs SET epochs_done = MAX(epochs_done, ?) WHERE id = ?').run(
      epoch,
      runId,
    );
  });
}

/**
 * A finished run's final metrics (test_acc, test_loss, best_epoch, …) as one-point series in
 * run_metric_summary, so History can show, filter and sort by them like any per-epoch metric.
 * A name the run already logged per epoch (val_acc) keeps its per-epoch summary; values that are
 * not finite are left out (History shows none).
 */
export function summariseFinalMetrics(
  db: Db,
  runId: number,
  finalMetrics: Record<string, number | null>,
): void {
  const insert = db.prepare(
    `INSERT OR IGNORE INTO run_metric_summary (run_id, name, last_epoch, last, min, max)
     SELECT ?, ?, epochs_done, ?, ?, ? FROM runs WHERE id = ?`,
  );
  for (const [name, value] of Object.entries(finalMetrics)) {
    if (value === null || !Number.isFinite(value)) continue;
    insert.run(runId, name, value, value, value, runId);
  }
}

/**
 * A run's epochs in order, or those after `afterEpoch`; non-finite values come back as null (the
 * contract's "not finite").
 */
export function readMetrics(db: Db, runId: number, afterEpoch = 0): EpochMetrics[] {
  const rows = db
    .prepare(
      'SELECT epoch, name, value, elapsed_s FROM metrics WHERE run_id = ? AND epoch > ? ORDER BY epoch, name',
    )
    .all(runId, afterEpoch) as {
    epoch: number;
    name: string;
    value: number | null;
    elapsed_s: number;
  }[];
  const epochs: EpochMetrics[] = [];
  for (const row of rows) {
    let last = epochs.at(-1);
    if (last?.epoch !== row.epoch) {
      last = { epoch: row.epoch, values: {}, elapsedS: row.elapsed_s };
      epochs.push(last);
    }
    last.values[row.name] = row.value;
  }
  return epochs;
}

/** The exact stored values, NaN and ±Infinity restored (for determinism checks and exports). */
export function readRawMetrics(
  db: Db,
  runId: number,
): { epoch: number; name: string; value: number }[] {
  const rows = db
    .prepare(
      'SELECT epoch, name, value, nonfinite FROM metrics WHERE run_id = ? ORDER BY epoch, name',
    )
    .all(runId) as {
    epoch: number;
    name: string;
    value: number | null;
    nonfinite: NonFinite | null;
  }[];
  return rows.map((r) => ({
    epoch: r.epoch,
    name: r.name,
    value: restoreNonFinite(r.value, r.nonfinite),
  }));
}

/** A stored value back as it was logged: a non-finite one is stored as NULL plus its kind. */
export function restoreNonFinite(value: number | null, nonfinite: NonFinite | null): number {
  return nonfinite === 'nan'
    ? NaN
    : nonfinite === 'inf'
      ? Infinity
      : nonfinite === '-inf'
        ? -Infinity
        : (value ?? NaN);
}
