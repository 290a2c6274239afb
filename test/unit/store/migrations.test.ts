import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../../src-main/store/db';
import { migrate, schemaVersion } from '../../../src-main/store/migrate';
import { MIGRATIONS } from '../../../src-main/store/migrations';
import { insertEpoch, readMetrics, readRawMetrics } from '../../../src-main/store/metrics';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

function tables(db: Database.Database): string[] {
  const rows = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .all() as { name: string }[];
  return rows.map((r) => r.name);
}

describe('migrations', () => {
  it('001 creates the foundation tables in an empty file, with WAL and foreign keys on', () => {
    const db = openDb(join(tempDir(), 'w.sqlite'));
    expect(schemaVersion(db)).toBe(MIGRATIONS.at(-1)?.version);
    expect(tables(db)).toEqual(
      expect.arrayContaining([
        'datasets',
        'domains',
        'experiments',
        'experiment_domains',
        'runs',
        'metrics',
        'source_models',
      ]),
    );
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(() =>
      db
        .prepare(
          "INSERT INTO domains (dataset_id, name, spec, spec_hash, created_at) VALUES (999, 'x', '{}', 'h', 'now')",
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it('is idempotent: reopening applies nothing twice and keeps the data', () => {
    const file = join(tempDir(), 'w.sqlite');
    const db = openDb(file);
    db.prepare(
      `INSERT INTO datasets (name, kind, content_hash, samples, feature_shape, classes, locator, provenance, created_at)
       VALUES ('d', 'builtin', 'h', 1, '[1]', '[0]', '{}', '{}', 'now')`,
    ).run();
    db.close();
    const again = openDb(file);
    const applied = again.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as {
      n: number;
    };
    expect(applied.n).toBe(MIGRATIONS.length);
    expect(again.prepare('SELECT name FROM datasets').all()).toEqual([{ name: 'd' }]);
    again.close();
  });

  it('refuses a workspace written with a migration this build does not know', () => {
    const file = join(tempDir(), 'w.sqlite');
    openDb(file).close();
    const raw = new Database(file);
    raw
      .prepare(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from-the-future', 'now')",
      )
      .run();
    raw.close();
    expect(() => openDb(file)).toThrow(
      /migration 999 \(from-the-future\) is not in this build's list/,
    );
  });

  it('refuses a workspace whose migration history was renamed', () => {
    const raw = new Database(':memory:');
    migrate(raw);
    raw.prepare("UPDATE schema_migrations SET name = 'edited' WHERE version = 1").run();
    expect(() => {
      migrate(raw);
    }).toThrow(/migration 1 \(edited\)/);
    raw.close();
  });
});

describe('metrics', () => {
  it('stores one epoch in one transaction and round-trips NaN and ±Infinity', () => {
    const db = openDb(join(tempDir(), 'w.sqlite'));
    db.exec(`
      INSERT INTO datasets VALUES (1, 'd', 'builtin', 'h', 1, '[1]', '[0]', '{}', '{}', 'now');
      INSERT INTO domains VALUES (1, 1, 'dom', '{}', 'h1', 'now');
      INSERT INTO experiments (id, name, spec_input, spec, origin, created_at) VALUES (1, 'e', '{}', '{}', 'in-process', 'now');
      INSERT INTO runs (id, experiment_id, kind, strategy, domain_id, budget, seed, status, config, config_hash, epochs, created_at)
        VALUES (1, 1, 'transfer', 'scratch', 1, '"all"', 0, 'running', '{}', 'c', 3, 'now');
    `);
    insertEpoch(db, 1, 1, { loss: 0.5, acc: 0.75 }, 1.25);
    insertEpoch(db, 1, 2, { loss: NaN, acc: Infinity, val_loss: -Infinity }, 2.5);
    expect(readMetrics(db, 1)).toEqual([
      { epoch: 1, values: { acc: 0.75, loss: 0.5 }, elapsedS: 1.25 },
      { epoch: 2, values: { acc: null, loss: null, val_loss: null }, elapsedS: 2.5 },
    ]);
    const raw = readRawMetrics(db, 1).filter((r) => r.epoch === 2);
    expect(raw.map((r) => [r.name, r.value])).toEqual([
      ['acc', Infinity],
      ['loss', NaN],
      ['val_loss', -Infinity],
    ]);
    expect(
      (db.prepare('SELECT epochs_done FROM runs WHERE id = 1').get() as { epochs_done: number })
        .epochs_done,
    ).toBe(2);
    db.close();
  });
});
