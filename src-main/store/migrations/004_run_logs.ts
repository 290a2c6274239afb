import type { Migration } from './index';

/**
 * What a run's trainer said while it ran (frozen layers, input adapters, instance weights' effective
 * sample size, early stopping, warnings): until now only warnings reached the server's stderr and
 * everything else was lost. `attempt` tells a re-queued run's tries apart.
 */
export const migration004: Migration = {
  version: 4,
  name: 'run_logs',
  up(db) {
    db.exec(`
      CREATE TABLE run_logs (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        attempt INTEGER NOT NULL,
        level TEXT NOT NULL CHECK (level IN ('debug', 'info', 'warn', 'error')),
        message TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (run_id, seq)
      );
    `);
  },
};
