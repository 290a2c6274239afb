import type { Migration } from './index';

/**
 * Archiving experiments (issue 14, point 5): an archived experiment leaves the Experiments list
 * (a toggle shows it again) but keeps its spec, runs and results. NULL while it is not archived,
 * as `runs.archived_at` (migration 005). Version 11 is the embedding cache.
 */
export const migration012: Migration = {
  version: 12,
  name: 'experiment_archive',
  up(db) {
    db.exec(`ALTER TABLE experiments ADD COLUMN archived_at TEXT;`);
  },
};
