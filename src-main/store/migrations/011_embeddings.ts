import type { Migration } from './index';

/**
 * The embedding view's cache (issue 14, point 3): one computed embedding of a transfer run per
 * settings key (rows per domain, seed, the models embedded), as JSON. Computing one takes
 * seconds of tfjs and UMAP in the models process; showing it again should take none.
 */
export const migration011: Migration = {
  version: 11,
  name: 'embeddings',
  up(db) {
    db.exec(`
      CREATE TABLE run_embeddings (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        settings TEXT NOT NULL,
        embedding TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (run_id, settings)
      );
    `);
  },
};
