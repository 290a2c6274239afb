import type { Migration } from './index';

/**
 * One workspace, many processes (issue 11).
 * - `processes`: every process that executes runs of this workspace (app, server, CLI) registers
 *   here with its host and pid and heartbeats while it is open, so any other process can tell at
 *   once whether the owner of a running run is gone (its pid dead on this host) or, failing that,
 *   silent for too long.
 * - `settings`: workspace settings every process reads, first the trainer limit that all processes
 *   on this workspace share (a run in status 'running' holds one slot).
 * - `epochs_done` is repaired to the epochs actually stored: runs requeued and then marked crashed
 *   by earlier versions lost their metric rows but kept the count.
 */
export const migration008: Migration = {
  version: 8,
  name: 'queue',
  up(db) {
    db.exec(`
      CREATE TABLE processes (
        owner TEXT PRIMARY KEY,              -- runs.owner of the runs it executes
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        transport TEXT NOT NULL,             -- electron, server or cli
        started_at TEXT NOT NULL,
        heartbeat_at TEXT NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL                  -- JSON
      ) WITHOUT ROWID;

      CREATE INDEX runs_owner ON runs (owner);

      UPDATE runs SET epochs_done =
        COALESCE((SELECT MAX(epoch) FROM metrics m WHERE m.run_id = runs.id), 0);
    `);
  },
};
