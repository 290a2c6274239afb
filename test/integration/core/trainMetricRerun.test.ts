import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCore } from '../../../src-main/core/core';
import { openDb } from '../../../src-main/store/db';
import { TRAIN_METRIC_ROWS } from '../../../src-shared/domain/trainMetrics';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

/**
 * Issue 12 on real runs: the cap on train-metric rows is recorded in each run's config, and the
 * engine honours what a run records, so a run recorded before the cap (no field: every row) still
 * re-runs exactly, while the recorded cap really decides which rows the train metrics measure.
 */
const spec = {
  name: 'train metrics',
  sources: [{ name: 'digits 0–4', dataset: 'digits', classes: [0, 1, 2, 3, 4] }],
  targets: [{ name: 'digits 5–9', dataset: 'digits', classes: [5, 6, 7, 8, 9] }],
  strategies: [{ id: 'scratch' }],
  budgets: ['all'],
  seeds: [0],
  model: { type: 'mlp', hidden: [16] },
  training: { epochs: 2, learningRate: 0.01, batchSize: 32, backend: 'wasm' },
};

describe('train metrics on a fixed sample, re-run (issue 12)', () => {
  it('re-runs a run recorded without the cap on every row, and honours a recorded cap', async () => {
    const dir = tempDir();
    const core = await openCore({ workspaceDir: dir, transport: 'in-process', queue: 'own' });
    try {
      const { experimentId } = await core.handlers['experiments.create']({ spec });
      await core.waitForExperiment(experimentId);
      const [run] = await core.handlers['runs.list']({ experimentId });
      if (!run) throw new Error('expected a run');
      const original = await core.handlers['runs.get']({ id: run.id });
      expect(original.status).toBe('completed');
      expect(original.config.trainMetricRows).toBe(TRAIN_METRIC_ROWS);
      // Fewer training rows than the cap: every row measured, and nothing said.
      expect(original.splitSizes?.train).toBeLessThan(TRAIN_METRIC_ROWS);
      expect(original.log.some((e) => e.message.startsWith('Train metrics'))).toBe(false);

      // As a run recorded before the cap: no field. It re-runs exactly (every row).
      const db = openDb(join(dir, 'transferlab.sqlite'));
      db.prepare(
        `UPDATE runs SET config = json_remove(config, '$.trainMetricRows') WHERE id = ?`,
      ).run(run.id);
      const before = await core.handlers['runs.rerun']({ ids: [run.id] });
      await core.waitForRuns(before.pairs.map((p) => p.rerun));
      const exact = await core.handlers['runs.get']({ id: before.pairs[0]?.rerun ?? 0 });
      expect(exact.config.trainMetricRows).toBeUndefined();
      expect(exact.reproduction?.outcome).toBe('exact');

      // A recorded cap below its rows: the re-run measures the sample it names, so its train
      // metrics (and only those) differ from the original's whole-split figures.
      db.prepare(
        `UPDATE runs SET config = json_set(config, '$.trainMetricRows', 50) WHERE id = ?`,
      ).run(run.id);
      db.close();
      const capped = await core.handlers['runs.rerun']({ ids: [run.id] });
      await core.waitForRuns(capped.pairs.map((p) => p.rerun));
      const sampled = await core.handlers['runs.get']({ id: capped.pairs[0]?.rerun ?? 0 });
      expect(sampled.config.trainMetricRows).toBe(50);
      expect(sampled.log.map((e) => e.message)).toContain(
        `Train metrics (loss, acc) on a fixed sample of 50 of ${original.splitSizes?.train ?? 0} rows, the same every epoch`,
      );
      expect(sampled.reproduction?.outcome).toBe('differs');
      expect(sampled.reproduction?.firstDifference?.epoch).toBe(1);
      expect(['loss', 'acc']).toContain(sampled.reproduction?.firstDifference?.metric);
      expect(sampled.metrics.map((m) => m.values.val_loss)).toEqual(
        original.metrics.map((m) => m.values.val_loss),
      );
      expect(sampled.finalMetrics?.test_acc).toBe(original.finalMetrics?.test_acc);
    } finally {
      await core.close();
    }
  });
});
