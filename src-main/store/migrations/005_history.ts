import type { Migration } from './index';

/**
 * The History view (issue 5): notes, tags and archiving on runs, and `run_metric_summary`, one
 * row per (run, metric) with its last, minimum and maximum over the epochs. Sorting 10,000 runs
 * by a metric's best value would otherwise aggregate 100 epochs per run from `metrics` on every
 * query; the summary is kept up to date by insertEpoch and backfilled here from what exists.
 * Non-finite values (stored as NULL) are left out of min and max; a non-finite last epoch makes
 * `last` NULL.
 */
export const migration005: Migration = {
  version: 5,
  name: 'history',
  up(db) {
    db.exec(`
      ALTER TABLE runs ADD COLUMN notes TEXT;
      ALTER TABLE runs ADD COLUMN archived_at TEXT;

      CREATE TABLE run_tags (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        PRIMARY KEY (run_id, tag)
      ) WITHOUT ROWID;
      CREATE INDEX run_tags_tag ON run_tags (tag, run_id);

      CREATE TABLE run_metric_summary (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        last_epoch INTEGER NOT NULL,
        last REAL,
        min REAL,
        max REAL,
        PRIMARY KEY (run_id, name)
      ) WITHOUT ROWID;
      -- A page sorted by a metric walks one of these in order instead of sorting every run.
      CREATE INDEX run_metric_summary_last ON run_metric_summary (name, last);
      CREATE INDEX run_metric_summary_min ON run_metric_summary (name, min);
      CREATE INDEX run_metric_summary_max ON run_metric_summary (name, max);

      -- History filters and its default sort.
      CREATE INDEX runs_created_at ON runs (created_at);
      CREATE INDEX runs_strategy ON runs (strategy);
      CREATE INDEX runs_domain ON runs (domain_id);
      CREATE INDEX runs_source_domain ON runs (source_domain_id);

      INSERT INTO run_metric_summary (run_id, name, last_epoch, min, max)
        SELECT run_id, name, MAX(epoch), MIN(value), MAX(value) FROM metrics GROUP BY run_id, name;
      -- One primary-key lookup per (run, metric), once.
      UPDATE run_metric_summary SET last = (
        SELECT m.value FROM metrics m
        WHERE m.run_id = run_metric_summary.run_id AND m.epoch = run_metric_summary.last_epoch
          AND m.name = run_metric_summary.name);
    `);
  },
};
