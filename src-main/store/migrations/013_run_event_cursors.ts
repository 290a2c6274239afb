import type { Migration } from './index';

/**
 * Ingesting workers' event files (issue 16): how far each run attempt's event file has been read
 * into this database. A row is written in the same transaction as the rows its events caused
 * (core/eventIngest.ts), so after a crash the file is read again from exactly where the last
 * committed batch ended: nothing is lost and nothing is added twice. `offset` is the byte just
 * after the last line taken, `seq` that line's event number, `ended` whether it was the outcome
 * (cluster/eventFile.ts EventCursor). Version 12 is the experiment archive.
 */
export const migration013: Migration = {
  version: 13,
  name: 'run_event_cursors',
  up(db) {
    db.exec(`
      CREATE TABLE run_event_cursors (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        attempt INTEGER NOT NULL,            -- runs.attempts when the worker was started
        file TEXT NOT NULL,                  -- the event file, absolute
        offset INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        ended INTEGER NOT NULL,              -- 1 once the outcome line is ingested
        updated_at TEXT NOT NULL,
        PRIMARY KEY (run_id, attempt)
      ) WITHOUT ROWID;
    `);
  },
};
