import { describe, expect, it } from 'vitest';
import { openCore } from '../../../src-main/core/core';
import { openDb } from '../../../src-main/store/db';
import { join } from 'node:path';
import { CompareInputSchema } from '../../../src-shared/rpc/compare';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

/**
 * Issue 10 on real runs: the digits task cut down to seconds (wasm, few epochs), with two
 * fine-tune variants of which one is a learning-rate sweep, and validation held out of the
 * label budget (10 per class: 2 validate, 8 train).
 */
const spec = {
  name: 'variants',
  sources: [{ name: 'digits 0–4', dataset: 'digits', classes: [0, 1, 2, 3, 4] }],
  targets: [{ name: 'digits 5–9', dataset: 'digits', classes: [5, 6, 7, 8, 9] }],
  strategies: [
    { id: 'scratch' },
    { id: 'fine-tune', label: 'ft', sweep: { learningRate: [0.01, 0.001] } },
    { id: 'fine-tune', params: { l2sp: 0.01 } },
  ],
  budgets: [10],
  seeds: [0, 1],
  model: { type: 'mlp', hidden: [16] },
  training: {
    epochs: 3,
    learningRate: 0.01,
    batchSize: 16,
    backend: 'wasm',
    validation: { from: 'budget', share: 0.2 },
  },
  sourceTraining: { epochs: 2, learningRate: 0.01, batchSize: 64, backend: 'wasm' },
};

describe('variants, selection and re-runs on real runs (issue 10)', () => {
  it('plans what it queues, never merges variants, and selects on the budget’s labels only', async () => {
    const dir = tempDir();
    const core = await openCore({ workspaceDir: dir, transport: 'in-process', queue: 'own' });
    try {
      const plan = await core.handlers['experiments.plan']({ spec, estimate: 'none' });
      expect(plan.variants.map((v) => [v.label, v.runs])).toEqual([
        ['scratch', 2],
        ['ft · lr=0.01', 2],
        ['ft · lr=0.001', 2],
        ['fine-tune · l2sp λ=0.01', 2],
      ]);
      const { experimentId, runIds } = await core.handlers['experiments.create']({ spec });
      expect(runIds).toHaveLength(plan.queuedRuns);
      expect(plan.queuedRuns).toBe(10);
      await core.waitForExperiment(experimentId);
      const runs = await core.handlers['runs.list']({ experimentId });
      expect(runs.every((r) => r.status === 'completed')).toBe(true);
      const fineTune = await core.handlers['runs.get']({
        id: runs.find((r) => r.variant === 'ft · lr=0.001')?.id ?? 0,
      });
      expect(fineTune.config.training.learningRate).toBe(0.001);
      expect(fineTune.splitSizes).toMatchObject({ train: 40, val: 10, validationFrom: 'budget' });

      const every = await core.handlers['compare.run'](
        CompareInputSchema.parse({ selection: { experimentIds: [experimentId] } }),
      );
      expect(every.summary.rows.map((r) => [r.variant, r.cells[0]?.n])).toEqual([
        ['scratch', 2],
        ['ft · lr=0.01', 2],
        ['ft · lr=0.001', 2],
        ['fine-tune · l2sp λ=0.01', 2],
      ]);
      expect(every.excluded.map((e) => e.reason)).toEqual([
        expect.stringMatching(/^source run/),
        expect.stringMatching(/^source run/),
      ]);

      const select = () =>
        core.handlers['compare.run'](
          CompareInputSchema.parse({
            selection: { experimentIds: [experimentId] },
            options: { selection: 'validation' },
          }),
        );
      const selected = await select();
      const group = selected.selection?.groups[0];
      expect(group).toMatchObject({
        strategy: 'fine-tune',
        row: 'fine-tune [selected on val_acc]',
        choices: 2,
        // Selection looked at 10 labels per choice, held out of the 50 the budget gives.
        validationLabels: { from: 'budget', min: 10, max: 10 },
        trainLabels: { from: 'budget', min: 40, max: 40 },
      });
      expect(group?.variants).toHaveLength(3);
      const chosen = (c: typeof selected): number[] =>
        c.excluded.filter((e) => e.reason.startsWith('not selected')).map((e) => e.runId);
      expect(chosen(selected)).toHaveLength(4);

      // Another process rewrites every test value: which variant is selected does not move.
      const db = openDb(join(dir, 'transferlab.sqlite'));
      db.prepare(
        `UPDATE runs SET final_metrics = json_set(final_metrics, '$.test_acc', (id * 37 % 11) / 11.0)
         WHERE kind = 'transfer'`,
      ).run();
      db.close();
      const again = await select();
      expect(chosen(again)).toEqual(chosen(selected));
      expect(again.selection?.groups[0]?.picks).toEqual(group?.picks);
    } finally {
      await core.close();
    }
  });

  it('re-runs exactly on wasm, checks the data, and refuses a changed dataset', async () => {
    const dir = tempDir();
    const core = await openCore({ workspaceDir: dir, transport: 'in-process', queue: 'own' });
    try {
      const small = { ...spec, strategies: [{ id: 'fine-tune' }], seeds: [0] };
      const { experimentId } = await core.handlers['experiments.create']({ spec: small });
      await core.waitForExperiment(experimentId);
      const [source, transfer] = await core.handlers['runs.list']({ experimentId });
      if (!source || !transfer) throw new Error('expected a source and a transfer run');

      const { pairs } = await core.handlers['runs.rerun']({ ids: [transfer.id, source.id] });
      expect(pairs.map((p) => p.original)).toEqual([transfer.id, source.id]);
      await core.waitForRuns(pairs.map((p) => p.rerun));
      for (const { original, rerun } of pairs) {
        const detail = await core.handlers['runs.get']({ id: rerun });
        expect(detail.rerunOf).toBe(original);
        expect(detail.reproduction).toMatchObject({
          outcome: 'exact',
          sameBackend: true,
          sameData: true,
          maxRelativeDifference: 0,
        });
        expect((await core.handlers['runs.get']({ id: original })).reruns).toEqual([rerun]);
      }
      // The transfer run's re-run started from the same source model as its original.
      const rerunOfTransfer = await core.handlers['runs.get']({ id: pairs[0]?.rerun ?? 0 });
      expect(rerunOfTransfer.dependsOn).toBe(source.id);

      // The trainer checks the arrays themselves against the original's data hash.
      const db = openDb(join(dir, 'transferlab.sqlite'));
      db.prepare(`UPDATE runs SET data_hash = 'f00d' WHERE id = ?`).run(transfer.id);
      const checked = await core.handlers['runs.rerun']({ ids: [transfer.id] });
      await core.waitForRuns(checked.pairs.map((p) => p.rerun));
      const refusedByTrainer = await core.handlers['runs.get']({
        id: checked.pairs[0]?.rerun ?? 0,
      });
      expect(refusedByTrainer.status).toBe('failed');
      expect(refusedByTrainer.error).toMatch(/The data differs from the original run's/);
      expect(refusedByTrainer.metrics).toEqual([]);

      // digits re-registered with other content: nothing is re-run, and the reason is given.
      db.prepare(`UPDATE datasets SET content_hash = 'changed' WHERE name = 'digits'`).run();
      db.close();
      const before = (await core.handlers['runs.list']({ experimentId })).length;
      await expect(
        (async () => core.handlers['runs.rerun']({ ids: [transfer.id] }))(),
      ).rejects.toThrow(
        /the data changed since it ran — the content of "digits" is not what the run recorded/,
      );
      expect(await core.handlers['runs.list']({ experimentId })).toHaveLength(before);
      await expect((async () => core.handlers['runs.rerun']({ ids: [9999] }))()).rejects.toThrow(
        /No run #9999/,
      );
    } finally {
      await core.close();
    }
  });

  it('plans a two-source spec: the count it shows is the count queued, reused sources named', async () => {
    const dir = tempDir();
    const core = await openCore({ workspaceDir: dir, transport: 'in-process', queue: 'none' });
    try {
      const twoSources = {
        ...spec,
        sources: [
          { name: 'digits 0–4', dataset: 'digits', classes: [0, 1, 2, 3, 4] },
          { name: 'digits 0–3', dataset: 'digits', classes: [0, 1, 2, 3] },
        ],
        strategies: [{ id: 'scratch' }, { id: 'fine-tune' }],
        budgets: [5, 10],
      };
      const plan = await core.handlers['experiments.plan']({ spec: twoSources, estimate: 'none' });
      // 2 sources × 2 seeds; scratch once per target: 2 budgets × 2 seeds; fine-tune per source.
      expect(plan).toMatchObject({
        sourceRuns: 4,
        newSourceRuns: 4,
        transferRuns: 4 + 8,
        queuedRuns: 16,
        estimate: null,
      });
      const first = await core.handlers['experiments.create']({ spec: twoSources });
      expect(first.runIds).toHaveLength(16);
      const recorded = await core.handlers['experiments.get']({ id: first.experimentId });
      expect(recorded.plan).toMatchObject({ queuedRuns: 16, sourceRuns: 4, variants: 2 });

      // A second experiment with the same sources reuses their (queued) source runs.
      const again = await core.handlers['experiments.plan']({
        spec: { ...twoSources, name: 'again' },
        estimate: 'history',
      });
      expect(again.reusedSourceRuns.map((r) => r.runId)).toEqual(first.runIds.slice(0, 4));
      expect(again.reusedSourceRuns.every((r) => r.status === 'queued')).toBe(true);
      expect(again.queuedRuns).toBe(12);
      // Nothing has completed or been calibrated here: no estimate, rather than "0 s".
      expect(again.estimate).toBeNull();
      expect(again.estimateNote).toMatch(/No run of this plan has anything comparable measured/);
      const second = await core.handlers['experiments.create']({
        spec: { ...twoSources, name: 'again' },
      });
      expect(second.runIds).toHaveLength(again.queuedRuns);
    } finally {
      await core.close();
    }
  });

  it('estimates a fresh workspace from calibration runs and records it beside the real time', async () => {
    const dir = tempDir();
    const core = await openCore({ workspaceDir: dir, transport: 'in-process', queue: 'own' });
    const progress: number[] = [];
    core.onEvent((e) => {
      if (e.type === 'plan.calibration') progress.push(e.done);
    });
    try {
      const small = { ...spec, strategies: [{ id: 'scratch' }, { id: 'fine-tune' }] };
      const plan = await core.handlers['experiments.plan']({ spec: small, estimate: 'calibrate' });
      // Three kinds of run (source, scratch, fine-tune): one calibration each.
      expect(progress).toEqual([1, 2, 3]);
      expect(plan.estimate?.basis).toEqual({ measured: 0, calibrated: 6, unknown: 0 });
      expect(plan.estimate?.wallSeconds).toBeGreaterThan(0);
      expect(plan.estimateNote).toBeNull();
      const { experimentId } = await core.handlers['experiments.create']({ spec: small });
      const created = await core.handlers['experiments.get']({ id: experimentId });
      expect(created.plan?.estimate?.basis.calibrated).toBe(6);
      expect(created.timing.wallSeconds).toBeNull();
      await core.waitForExperiment(experimentId);
      const done = await core.handlers['experiments.get']({ id: experimentId });
      expect(done.timing.unfinished).toBe(0);
      expect(done.timing.wallSeconds).toBeGreaterThan(0);
      // Once runs have completed, the next plan is estimated from them instead.
      const next = await core.handlers['experiments.plan']({ spec: small, estimate: 'history' });
      expect(next.estimate?.basis).toEqual({ measured: 4, calibrated: 0, unknown: 0 });
    } finally {
      await core.close();
    }
  });
});
