import type { Migration } from './index';

/** Transferability scores of a run's source model on its target, measured before training. */
export const migration002: Migration = {
  version: 2,
  name: 'transferability',
  up(db) {
    db.exec(`
      CREATE TABLE run_transferability (
        run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
        leep REAL NOT NULL,
        nce REAL NOT NULL,
        h_score REAL NOT NULL,
        log_me REAL NOT NULL,
        samples INTEGER NOT NULL,
        created_at TEXT NOT NULL
      );
    `);
  },
};
