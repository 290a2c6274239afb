import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runsTable } from '../../../src-main/cli/format';
import { openDb } from '../../../src-main/store/db';
import { MIGRATIONS } from '../../../src-main/store/migrations';
import { getRun, listRuns, markStarted } from '../../../src-main/store/runs';
import type { InputAdapter } from '../../../src-shared/domain/runs';
import { runConfig } from '../engine/fixtures';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

const ENVIRONMENT = {
  backend: 'wasm',
  versions: { 'tfjs-core': '4.22.0' },
  platform: 'linux',
  arch: 'x64',
  cpus: 2,
  node: 'v22',
};

describe('migration 003 (input adapter)', () => {
  it('upgrades a version-2 workspace, keeping its runs, and records what fitted the inputs', () => {
    const file = join(tempDir(), 'w.sqlite');
    // A workspace as version 2 left it: migrations 001 and 002 applied, with two runs.
    const v2 = new Database(file);
    v2.exec(
      `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
    );
    for (const migration of MIGRATIONS.slice(0, 2)) {
      migration.up(v2);
      v2.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        'then',
      );
    }
    const config = JSON.stringify(runConfig({ strategy: 'fine-tune' }));
    v2.exec(`
      INSERT INTO datasets VALUES (1, 'd', 'builtin', 'h', 1, '[1]', '[0]', '{}', '{}', 'now');
      INSERT INTO domains VALUES (1, 1, 'dom', '{}', 'h1', 'now');
      INSERT INTO experiments VALUES (1, 'e', '{}', '{}', 'in-process', 'now');
    `);
    const insert = v2.prepare(
      `INSERT INTO runs (id, experiment_id, kind, strategy, domain_id, budget, seed, status, config, config_hash, epochs, created_at)
       VALUES (?, 1, 'transfer', 'fine-tune', 1, '10', 0, 'completed', ?, 'c', 3, 'now')`,
    );
    insert.run(7, config);
    insert.run(8, config);
    v2.close();

    const db = openDb(file);
    expect(
      db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all().slice(0, 3),
    ).toEqual([
      { version: 1, name: 'initial' },
      { version: 2, name: 'transferability' },
      { version: 3, name: 'input_adapter' },
    ]);
    // Runs from before the migration had no adapter.
    expect(getRun(db, 7)?.inputAdapter).toBeNull();

    const resize: InputAdapter = {
      kind: 'resize',
      from: [28, 28],
      to: [8, 8],
      method: 'bilinear',
      channels: 'same',
    };
    markStarted(db, 7, ENVIRONMENT, 'hash', resize);
    markStarted(db, 8, ENVIRONMENT, 'hash', null);
    expect(getRun(db, 7)?.inputAdapter).toEqual(resize);
    expect(getRun(db, 8)?.inputAdapter).toBeNull();
    const runs = listRuns(db);
    expect(runs.map((r) => r.inputAdapter)).toEqual([null, resize]);
    // The CLI's run table says it below the table.
    expect(runsTable(runs, false)).toContain(
      'run 7 input adapter: target images resized [28, 28] → [8, 8] (bilinear)',
    );
    expect(runsTable(runs, false)).not.toContain('run 8 input adapter');
    db.close();
  });
});
