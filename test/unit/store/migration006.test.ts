import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  deleteChartSetup,
  listChartSetups,
  saveChartSetup,
} from '../../../src-main/store/chartSetups';
import { readConfusion } from '../../../src-main/store/confusion';
import { openDb } from '../../../src-main/store/db';
import { MIGRATIONS } from '../../../src-main/store/migrations';
import { queryRuns } from '../../../src-main/store/runQuery';
import { finishRun } from '../../../src-main/store/runs';
import { RunQueryInputSchema } from '../../../src-shared/rpc/history';
import { runConfig } from '../engine/fixtures';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

/** A workspace as version 5 left it, with one completed run. */
function version5(file: string): void {
  const v5 = new Database(file);
  v5.exec(
    `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
  );
  for (const migration of MIGRATIONS.slice(0, 5)) {
    migration.up(v5);
    v5.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(
      migration.version,
      migration.name,
      'then',
    );
  }
  v5.exec(`
    INSERT INTO datasets VALUES (1, 'd', 'builtin', 'h', 1, '[1]', '[0]', '{}', '{}', 'now');
    INSERT INTO domains VALUES (1, 1, 'dom', '{}', 'h1', 'now');
    INSERT INTO experiments VALUES (1, 'Old sweep', '{}', '{}', 'in-process', 'now');
  `);
  const config = JSON.stringify(
    runConfig({ strategy: 'fine-tune', domain: { ...runConfig().domain, classes: [5, 7, 9] } }),
  );
  v5.prepare(
    `INSERT INTO runs (id, experiment_id, kind, strategy, domain_id, budget, seed, status, config, config_hash, epochs, created_at, final_metrics)
     VALUES (3, 1, 'transfer', 'fine-tune', 1, '10', 0, 'completed', ?, 'c', 3, 'then', '{"test_acc":0.5}')`,
  ).run(config);
  v5.close();
}

describe('migration 006 (compare and reports)', () => {
  it('upgrades a version-5 workspace: old runs have no confusion matrix, new ones keep theirs', () => {
    const file = join(tempDir(), 'w.sqlite');
    version5(file);
    const db = openDb(file);
    expect(db.prepare('SELECT name FROM schema_migrations WHERE version = 6').get()).toEqual({
      name: 'compare_reports',
    });
    expect(readConfusion(db, 3)).toBeNull();
    // The old run's final test accuracy is summarised for History's metric column.
    const byTestAcc = (): unknown =>
      queryRuns(
        db,
        RunQueryInputSchema.parse({
          metric: { name: 'test_acc', mode: 'best' },
          sort: { by: 'metric', dir: 'desc' },
        }),
      ).rows.map((r) => [r.id, r.metricValue]);
    expect(byTestAcc()).toEqual([[3, 0.5]]);
    db.prepare(`UPDATE runs SET status = 'running' WHERE id = 3`).run();
    finishRun(db, 3, 'completed', {
      finalMetrics: { test_acc: 0.6 },
      confusion: [
        [3, 1, 0],
        [0, 4, 0],
        [1, 0, 2],
      ],
    });
    // Labels are the original classes the domain kept, in their relabelled order.
    expect(readConfusion(db, 3)).toEqual({
      runId: 3,
      labels: ['5', '7', '9'],
      matrix: [
        [3, 1, 0],
        [0, 4, 0],
        [1, 0, 2],
      ],
    });
    // A run finishing from now on has its final metrics summarised too (val_acc per epoch
    // would keep its own summary: INSERT OR IGNORE).
    db.prepare('DELETE FROM run_metric_summary WHERE run_id = 3').run();
    db.prepare(`UPDATE runs SET status = 'running' WHERE id = 3`).run();
    finishRun(db, 3, 'completed', { finalMetrics: { test_acc: 0.6, test_loss: NaN } });
    expect(byTestAcc()).toEqual([[3, 0.6]]);
    expect(db.prepare(`SELECT name FROM run_metric_summary WHERE run_id = 3`).all()).toEqual([
      { name: 'test_acc' },
    ]);
    expect(() => readConfusion(db, 99)).toThrow('No run #99.');
    expect(db.prepare('SELECT COUNT(*) AS n FROM reports').get()).toEqual({ n: 0 });
    db.close();
  });

  it('saves chart setups by name, replacing a setup saved under the same name', () => {
    const db = openDb(join(tempDir(), 'w.sqlite'));
    const first = saveChartSetup(db, 'Budget sweep', {
      selection: { experimentIds: [1] },
      options: { band: 'std' },
    });
    expect(first.input.options).toMatchObject({
      band: 'std',
      metric: 'test_acc',
      baseline: 'scratch',
    });
    const again = saveChartSetup(db, 'Budget sweep', {
      selection: { experimentIds: [1, 2] },
    });
    expect(again.id).toBe(first.id);
    saveChartSetup(db, 'another', { selection: { runIds: [4] } });
    expect(listChartSetups(db).map((s) => [s.name, s.input.selection.experimentIds])).toEqual([
      ['another', []],
      ['Budget sweep', [1, 2]],
    ]);
    expect(deleteChartSetup(db, first.id)).toBe(true);
    expect(deleteChartSetup(db, first.id)).toBe(false);
    expect(listChartSetups(db).map((s) => s.name)).toEqual(['another']);
    db.close();
  });
});
