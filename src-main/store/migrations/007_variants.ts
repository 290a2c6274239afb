import { impliedVariantLabel } from '../../../src-shared/domain/variantLabel';
import type { Migration } from './index';

/**
 * Variants, plans and re-runs (issue 10).
 * - `runs.variant`: the label a comparison groups by, so that two variants of one strategy (plain
 *   fine-tuning and L2-SP, MMD with two λ) never merge. Existing runs get the labels their
 *   recorded configs imply: the strategy, then its parameters that differ from the defaults
 *   (specs before issue 10 had no per-entry training settings, so no training fragment).
 * - `runs.split_sizes`: the rows of each split a run trained and was validated on, so a report
 *   can say how many labels model selection used (unknown for older runs).
 * - `runs.rerun_of`: the run a re-run reproduces.
 * - `experiments.plan`: the plan shown before launch (run counts, estimated wall time), kept to
 *   be shown beside the real time.
 * - `calibrations`: the measured speed of a kind of run (core/planEstimate.ts timingKey) from a
 *   short calibration run, for plans where no comparable run has completed yet.
 */
export const migration007: Migration = {
  version: 7,
  name: 'variants',
  up(db) {
    db.exec(`
      ALTER TABLE runs ADD COLUMN variant TEXT NOT NULL DEFAULT '';
      ALTER TABLE runs ADD COLUMN split_sizes TEXT;   -- JSON {train, val, test, ...}
      ALTER TABLE runs ADD COLUMN rerun_of INTEGER REFERENCES runs(id) ON DELETE SET NULL;
      ALTER TABLE experiments ADD COLUMN plan TEXT;   -- JSON ExperimentPlanRecord
      CREATE INDEX runs_variant ON runs (variant);
      CREATE INDEX runs_rerun_of ON runs (rerun_of);

      CREATE TABLE calibrations (
        key TEXT PRIMARY KEY,                -- timingKey of the runs it stands for
        startup_s REAL NOT NULL,             -- process start to first batch
        seconds_per_epoch REAL NOT NULL,     -- batches and the evaluation every epoch ends with
        backend TEXT NOT NULL,
        measured_at TEXT NOT NULL
      ) WITHOUT ROWID;
    `);
    const rows = db.prepare('SELECT id, kind, strategy, config FROM runs').all() as {
      id: number;
      kind: string;
      strategy: string;
      config: string;
    }[];
    const update = db.prepare('UPDATE runs SET variant = ? WHERE id = ?');
    for (const row of rows) {
      let config: unknown = null;
      try {
        config = JSON.parse(row.config);
      } catch {
        // An unreadable config keeps the strategy as its label.
      }
      update.run(impliedVariantLabel(row.kind, row.strategy, config), row.id);
    }
  },
};
