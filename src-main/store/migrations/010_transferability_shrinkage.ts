import type { Migration } from './index';

/**
 * What says whether a run's transferability scores can be trusted (issue 14): the width d of the
 * source model's features (n ≤ d rows make the feature covariance singular) and the Ledoit–Wolf
 * λ its H-score was shrunk by. NULL for runs scored before: their H-score is Bao's original.
 */
export const migration010: Migration = {
  version: 10,
  name: 'transferability_shrinkage',
  up(db) {
    db.exec(`
      ALTER TABLE run_transferability ADD COLUMN features INTEGER;
      ALTER TABLE run_transferability ADD COLUMN h_score_shrinkage REAL;
    `);
  },
};
