import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../../src-main/store/db';
import { migrate } from '../../../src-main/store/migrate';
import { MIGRATIONS } from '../../../src-main/store/migrations';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

/** Issue 14, point 5: experiments gain a nullable archived_at; existing ones stay unarchived. */
describe('migration 012 (experiment archive)', () => {
  it('upgrades a workspace from the migration before, keeping its experiments unarchived', () => {
    const file = join(tempDir(), 'w.sqlite');
    const index = MIGRATIONS.findIndex((m) => m.name === 'experiment_archive');
    expect(MIGRATIONS[index]?.version).toBe(12);
    // A workspace written by the build before this migration.
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
    raw
      .prepare(
        `INSERT INTO experiments (name, spec_input, spec, origin, created_at)
         VALUES ('old one', '{}', '{}', 'in-process', 'then')`,
      )
      .run();
    migrate(raw);
    raw.close();

    const db = openDb(file);
    try {
      const column = (
        db.prepare('PRAGMA table_info(experiments)').all() as { name: string; notnull: number }[]
      ).find((c) => c.name === 'archived_at');
      expect(column).toMatchObject({ notnull: 0 });
      expect(db.prepare('SELECT name, archived_at FROM experiments').all()).toEqual([
        { name: 'old one', archived_at: null },
      ]);
    } finally {
      db.close();
    }
  });
});
