import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../../src-main/store/db';
import { MIGRATIONS } from '../../../src-main/store/migrations';
import { queryRuns } from '../../../src-main/store/runQuery';
import { RunQueryInputSchema } from '../../../src-shared/rpc/history';
import { runConfig } from '../engine/fixtures';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

describe('migration 005 (history)', () => {
  it('upgrades a version-4 workspace: runs kept, summaries backfilled, notes and tags empty', () => {
    const file = join(tempDir(), 'w.sqlite');
    // A workspace as version 4 left it, with two runs' metrics (one with a non-finite last epoch).
    const v4 = new Database(file);
    v4.exec(
      `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
    );
    for (const migration of MIGRATIONS.slice(0, 4)) {
      migration.up(v4);
      v4.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        'then',
      );
    }
    v4.exec(`
      INSERT INTO datasets VALUES (1, 'd', 'builtin', 'h', 1, '[1]', '[0]', '{}', '{}', 'now');
      INSERT INTO domains VALUES (1, 1, 'dom', '{}', 'h1', 'now');
      INSERT INTO experiments VALUES (1, 'Old sweep', '{}', '{}', 'in-process', 'now');
    `);
    const insert = v4.prepare(
      `INSERT INTO runs (id, experiment_id, kind, strategy, domain_id, budget, seed, status, config, config_hash, epochs, created_at)
       VALUES (?, 1, 'transfer', 'fine-tune', 1, '10', 0, 'completed', ?, 'c', 3, '2025-01-01T00:00:00.000Z')`,
    );
    const config = JSON.stringify(runConfig({ strategy: 'fine-tune' }));
    insert.run(7, config);
    insert.run(8, config);
    insert.run(9, config);
    const metric = v4.prepare(
      'INSERT INTO metrics (run_id, epoch, name, value, nonfinite, elapsed_s) VALUES (?, ?, ?, ?, ?, 0)',
    );
    [0.4, 0.9, 0.7].forEach((v, i) => metric.run(7, i + 1, 'val_acc', v, null));
    [1.2, 0.5, 0.6].forEach((v, i) => metric.run(7, i + 1, 'val_loss', v, null));
    metric.run(8, 1, 'val_acc', 0.3, null);
    metric.run(8, 2, 'val_acc', null, 'nan');
    v4.close();

    const db = openDb(file);
    expect(
      db.prepare('SELECT version, name FROM schema_migrations WHERE version = 5').get(),
    ).toEqual({
      version: 5,
      name: 'history',
    });
    expect(
      db
        .prepare(
          'SELECT run_id, name, last_epoch, last, min, max FROM run_metric_summary ORDER BY run_id, name',
        )
        .all(),
    ).toEqual([
      { run_id: 7, name: 'val_acc', last_epoch: 3, last: 0.7, min: 0.4, max: 0.9 },
      { run_id: 7, name: 'val_loss', last_epoch: 3, last: 0.6, min: 0.5, max: 1.2 },
      { run_id: 8, name: 'val_acc', last_epoch: 2, last: null, min: 0.3, max: 0.3 },
    ]);

    const page = queryRuns(
      db,
      RunQueryInputSchema.parse({
        metric: { name: 'val_acc', mode: 'best' },
        sort: { by: 'metric' },
      }),
    );
    expect(page.total).toBe(3);
    expect(page.rows.map((r) => [r.id, r.metricValue, r.notes, r.tags, r.archivedAt])).toEqual([
      [7, 0.9, null, [], null],
      [8, 0.3, null, [], null],
      [9, null, null, [], null],
    ]);
    db.close();
  });
});
