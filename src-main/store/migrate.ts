import type Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations';

/**
 * Applies the numbered migrations in order, each in its own transaction, and refuses to open a
 * database whose recorded migrations disagree with this build's list (a newer app wrote it, or
 * the list was edited after release), as Actual Budget's `migrations.ts` does.
 */
export function migrate(db: Database.Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const applied = db
    .prepare('SELECT version, name FROM schema_migrations ORDER BY version')
    .all() as { version: number; name: string }[];
  applied.forEach((row, i) => {
    const known = MIGRATIONS[i];
    if (!known || known.version !== row.version || known.name !== row.name) {
      throw new Error(
        `This workspace was written by a different version of Transferlab: migration ` +
          `${row.version} (${row.name}) is not in this build's list. Update Transferlab to open it.`,
      );
    }
  });
  const insert = db.prepare(
    'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
  );
  for (const migration of MIGRATIONS.slice(applied.length)) {
    db.transaction(() => {
      migration.up(db);
      insert.run(migration.version, migration.name, new Date().toISOString());
    })();
  }
}

export function schemaVersion(db: Database.Database): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as {
    v: number | null;
  };
  return row.v ?? 0;
}
