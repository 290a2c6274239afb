import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../../src-main/store/db';
import { readEventCursor, saveEventCursor } from '../../../src-main/store/eventCursors';
import { migrate } from '../../../src-main/store/migrate';
import { MIGRATIONS } from '../../../src-main/store/migrations';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

/** Issue 16: the ingestion cursors of workers' event files, one per run attempt. */
describe('migration 013 (run event cursors)', () => {
  it('upgrades a workspace from the migration before; a cursor is kept per attempt and goes with its run', () => {
    const file = join(tempDir(), 'w.sqlite');
    const index = MIGRATIONS.findIndex((m) => m.name === 'run_event_cursors');
    expect(MIGRATIONS[index]?.version).toBe(13);
    // A workspace written by the build before this migration, with one run.
    const raw = new Database(file);
    raw.exec(`CREATE TABLE schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    const insert = raw.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)');
    for (const m of MIGRATIONS.slice(0, index)) {
      raw.transaction(() => {
        m.up(raw);
        insert.run(m.version, m.name, 'then');
      })();
    }
    raw.exec(`
      INSERT INTO datasets (id, name, kind, content_hash, samples, feature_shape, classes, locator, provenance, created_at)
        VALUES (1, 'd', 'imported', 'h', 1, '[1]', '[0]', '{}', '{}', 'now');
      INSERT INTO domains VALUES (1, 1, 'target', '{}', 'h1', 'now');
      INSERT INTO experiments (id, name, spec_input, spec, origin, created_at)
        VALUES (1, 'e', '{}', '{}', 'in-process', 'then');
      INSERT INTO runs (id, experiment_id, kind, strategy, domain_id, budget, seed, config, config_hash, status, epochs, created_at)
        VALUES (1, 1, 'source', 'source', 1, 10, 0, '{}', 'c', 'running', 1, 'then');
    `);
    migrate(raw);
    raw.close();

    const db = openDb(file);
    try {
      expect(readEventCursor(db, 1, 1)).toBeUndefined();
      saveEventCursor(db, 1, 1, { file: '/a/events.jsonl', offset: 120, seq: 1, ended: false });
      saveEventCursor(db, 1, 1, { file: '/a/events.jsonl', offset: 300, seq: 3, ended: true });
      saveEventCursor(db, 1, 2, { file: '/b/events.jsonl', offset: 90, seq: 0, ended: false });
      expect(readEventCursor(db, 1, 1)).toEqual({
        file: '/a/events.jsonl',
        offset: 300,
        seq: 3,
        ended: true,
      });
      expect(readEventCursor(db, 1, 2)).toMatchObject({ offset: 90, ended: false });
      db.prepare('DELETE FROM runs WHERE id = 1').run();
      expect(db.prepare('SELECT COUNT(*) AS n FROM run_event_cursors').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });
});
