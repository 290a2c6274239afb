import type { Migration } from './index';

/**
 * What fitted a run's target inputs to the source's input shape when they differed (an image
 * resize, a learned linear layer): JSON InputAdapter, NULL when the shapes agreed or the run has
 * not loaded its data yet. Reported by the trainer with 'started'.
 */
export const migration003: Migration = {
  version: 3,
  name: 'input_adapter',
  up(db) {
    db.exec(`ALTER TABLE runs ADD COLUMN input_adapter TEXT;`);
  },
};
