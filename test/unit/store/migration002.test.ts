import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../../src-main/store/db';
import { MIGRATIONS } from '../../../src-main/store/migrations';
import {
  readTransferability,
  recordTransferability,
} from '../../../src-main/store/transferability';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

describe('migration 002 (transferability)', () => {
  it('upgrades a version-1 workspace, keeping its runs, and stores scores per run', () => {
    const file = join(tempDir(), 'w.sqlite');
    // A workspace as version 1 left it: only migration 001 applied, with one run.
    const v1 = new Database(file);
    v1.exec(
      `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
    );
    const first = MIGRATIONS[0];
    if (!first) throw new Error('no migrations');
    first.up(v1);
    v1.prepare("INSERT INTO schema_migrations VALUES (1, 'initial', 'then')").run();
    v1.exec(`
      INSERT INTO datasets VALUES (1, 'd', 'builtin', 'h', 1, '[1]', '[0]', '{}', '{}', 'now');
      INSERT INTO domains VALUES (1, 1, 'dom', '{}', 'h1', 'now');
      INSERT INTO experiments VALUES (1, 'e', '{}', '{}', 'in-process', 'now');
      INSERT INTO runs (id, experiment_id, kind, strategy, domain_id, budget, seed, status, config, config_hash, epochs, created_at)
        VALUES (7, 1, 'transfer', 'fine-tune', 1, '10', 0, 'completed', '{}', 'c', 3, 'now');
    `);
    v1.close();

    const db = openDb(file);
    const versions = db
      .prepare('SELECT version, name FROM schema_migrations ORDER BY version')
      .all();
    expect(versions.slice(0, 2)).toEqual([
      { version: 1, name: 'initial' },
      { version: 2, name: 'transferability' },
    ]);
    expect(db.prepare('SELECT id, status FROM runs').all()).toEqual([
      { id: 7, status: 'completed' },
    ]);
    expect(readTransferability(db, 7)).toBeNull();
    recordTransferability(db, 7, { leep: -0.9, nce: -0.5, hScore: 1.25, logMe: 0.3 }, 50);
    expect(readTransferability(db, 7)).toEqual({
      leep: -0.9,
      nce: -0.5,
      hScore: 1.25,
      logMe: 0.3,
      samples: 50,
    });
    // Deleting the run deletes its scores (ON DELETE CASCADE).
    db.prepare('DELETE FROM runs WHERE id = 7').run();
    expect(db.prepare('SELECT COUNT(*) AS n FROM run_transferability').get()).toEqual({ n: 0 });
    db.close();
  });
});
