import type { Migration } from './index';

/**
 * Compare and reports (issue 5): final metrics (test accuracy…) summarised for History, a run's
 * confusion matrix on its test split (JSON, written when
 * the run completes), the Compare view's saved chart setups, and a record of every report with
 * the request it was built from, so it can be regenerated from the database.
 */
export const migration006: Migration = {
  version: 6,
  name: 'compare_reports',
  up(db) {
    db.exec(`
      ALTER TABLE runs ADD COLUMN confusion TEXT;  -- JSON number[][]: rows true, columns predicted

      CREATE TABLE chart_setups (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        input TEXT NOT NULL,          -- JSON CompareRequest
        updated_at TEXT NOT NULL
      );

      CREATE TABLE reports (
        id INTEGER PRIMARY KEY,
        format TEXT NOT NULL,
        title TEXT NOT NULL,
        request TEXT NOT NULL,        -- JSON CompareRequest
        run_ids TEXT NOT NULL,        -- JSON number[]: the runs it compared
        file_name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        created_at TEXT NOT NULL
      );

      -- Final metrics as one-point series, so History sorts and filters by test accuracy too
      -- (store/metrics.ts summariseFinalMetrics keeps it so from now on). Per-epoch names keep
      -- their per-epoch summary; values that are not finite (JSON null) are left out.
      INSERT OR IGNORE INTO run_metric_summary (run_id, name, last_epoch, last, min, max)
        SELECT r.id, f.key, r.epochs_done, f.value, f.value, f.value
        FROM runs r, json_each(r.final_metrics) f
        WHERE r.final_metrics IS NOT NULL AND f.type IN ('real', 'integer');
    `);
  },
};
