import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildComparison } from '../../../src-main/analysis/comparison';
import { comparisonData } from '../../../src-main/store/compareRuns';
import { openDb } from '../../../src-main/store/db';
import { MIGRATIONS } from '../../../src-main/store/migrations';
import { getRun, listRuns } from '../../../src-main/store/runs';
import { CompareInputSchema } from '../../../src-shared/rpc/compare';
import { runConfig } from '../engine/fixtures';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

/**
 * A workspace as version 6 left it: one experiment whose spec had two `fine-tune` entries (plain
 * and L2-SP λ = 0.01) beside scratch, two seeds each — the comparison that, before issue 10,
 * merged the two fine-tunes and dropped the older runs as duplicates.
 */
function version6(file: string): void {
  const v6 = new Database(file);
  v6.exec(
    `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
  );
  for (const migration of MIGRATIONS.slice(0, 6)) {
    migration.up(v6);
    v6.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(
      migration.version,
      migration.name,
      'then',
    );
  }
  v6.exec(`
    INSERT INTO datasets VALUES (1, 'digits', 'builtin', 'h', 1, '[1]', '[0]', '{}', '{}', 'now');
    INSERT INTO domains VALUES (1, 1, 'src', '{}', 'h1', 'now'), (2, 1, 'tgt', '{}', 'h2', 'now');
    INSERT INTO experiments VALUES (1, 'Old L2-SP study', '{}', '{}', 'in-process', 'now');
  `);
  const insert = v6.prepare(
    `INSERT INTO runs (experiment_id, kind, strategy, domain_id, source_domain_id, budget, seed, status,
       config, config_hash, epochs, created_at, final_metrics)
     VALUES (1, ?, ?, ?, ?, '10', ?, 'completed', ?, ?, 3, 'then', ?)`,
  );
  insert.run(
    'source',
    'source',
    1,
    1,
    0,
    JSON.stringify(runConfig({ kind: 'source', strategy: 'source' })),
    's0',
    '{"test_acc":0.99}',
  );
  const runs: [string, Record<string, number>, number[]][] = [
    ['scratch', {}, [0.6, 0.62]],
    ['fine-tune', { freezeLayers: 0, l2sp: 0, l2: 0 }, [0.7, 0.72]],
    ['fine-tune', { freezeLayers: 0, l2sp: 0.01, l2: 0 }, [0.8, 0.83]],
  ];
  for (const [strategy, params, values] of runs) {
    values.forEach((value, seed) => {
      insert.run(
        'transfer',
        strategy,
        2,
        strategy === 'scratch' ? null : 1,
        seed,
        JSON.stringify(
          runConfig({
            strategy: strategy === 'scratch' ? 'scratch' : 'fine-tune',
            strategyParams: params,
            seed,
            budget: 10,
          }),
        ),
        `${strategy}${JSON.stringify(params)}${seed}`,
        JSON.stringify({ test_acc: value }),
      );
    });
  }
  v6.close();
}

describe('migration 007 (variants)', () => {
  it('gives old runs the labels their configs imply, so their comparison keeps both fine-tunes', () => {
    const file = join(tempDir(), 'w.sqlite');
    version6(file);
    const db = openDb(file);
    expect(db.prepare('SELECT name FROM schema_migrations WHERE version = 7').get()).toEqual({
      name: 'variants',
    });
    expect(listRuns(db, { experimentId: 1 }).map((r) => r.variant)).toEqual([
      'source',
      'scratch',
      'scratch',
      'fine-tune',
      'fine-tune',
      'fine-tune · l2sp λ=0.01',
      'fine-tune · l2sp λ=0.01',
    ]);
    const c = buildComparison(
      comparisonData(db),
      CompareInputSchema.parse({ selection: { experimentIds: [1] } }),
    );
    expect(c.summary.rows.map((r) => [r.variant, r.cells[0]?.n, r.cells[0]?.mean])).toEqual([
      ['scratch', 2, 0.61],
      ['fine-tune', 2, 0.71],
      ['fine-tune · l2sp λ=0.01', 2, 0.815],
    ]);
    // Only the source run is left out; before, two fine-tune runs were dropped as duplicates.
    expect(c.excluded).toHaveLength(1);
    // Older runs know nothing of split sizes or re-runs.
    expect(getRun(db, 2)).toMatchObject({
      splitSizes: null,
      rerunOf: null,
      reruns: [],
      reproduction: null,
    });
    db.close();
  });
});
