import { describe, expect, it } from 'vitest';
import { openCore } from '../../../src-main/core/core';
import { STRATEGIES } from '../../../src-shared/domain/strategies';
import { useTempDirs } from '../../helpers/tempDir';

/**
 * Every strategy that learns a new label space end to end: planned by the core, queued, trained
 * in real trainer processes (tsx entry, tfjs on wasm) and recorded, on both kinds of data the
 * workbench ships with. The domain-adaptation strategies, which need the source's classes, run
 * in adaptation.test.ts.
 */

const tempDir = useTempDirs();

const strategies = [
  { id: 'scratch' },
  { id: 'structure' },
  { id: 'fine-tune', params: { freezeLayers: 1, l2sp: 0.01 } },
  { id: 'feature-extraction' },
  { id: 'distillation' },
  { id: 'multi-task' },
];

const digits = {
  name: 'every strategy: digits 0–4 → 5–9',
  sources: [{ name: 'digits 0–4', dataset: 'digits', classes: [0, 1, 2, 3, 4] }],
  targets: [{ name: 'digits 5–9', dataset: 'digits', classes: [5, 6, 7, 8, 9] }],
  strategies,
  budgets: [10],
  seeds: [0],
  model: { type: 'mlp', hidden: [32, 16] },
  training: { epochs: 3, learningRate: 0.01, batchSize: 16, backend: 'wasm' },
};

const task = (angleDeg: number) => ({
  generator: 'linear-binary',
  features: 20,
  samples: 600,
  taskSeed: 1,
  angleDeg,
  noise: 0.1,
});
const synthetic = {
  name: 'every strategy: linear-binary 0° → 30°',
  sources: [{ name: 'task A (0°)', dataset: task(0) }],
  targets: [{ name: 'task B (30°)', dataset: task(30) }],
  strategies: strategies.map((s) =>
    s.id === 'fine-tune' ? { id: 'fine-tune', params: { l2sp: 0.01 } } : s,
  ),
  budgets: [20],
  seeds: [0],
  model: { type: 'mlp', hidden: [10] },
  training: { epochs: 3, learningRate: 0.01, batchSize: 32, backend: 'wasm' },
};

describe('every strategy through the trainer', () => {
  it('completes on digits 0–4 → 5–9 and on the synthetic linear-binary pair', async () => {
    const core = await openCore({
      workspaceDir: tempDir(),
      transport: 'in-process',
      queue: 'own',
      concurrency: 2,
    });
    const created = [
      await core.handlers['experiments.create']({ spec: digits }),
      await core.handlers['experiments.create']({ spec: synthetic }),
    ];
    await Promise.all(created.map((c) => core.waitForExperiment(c.experimentId)));
    for (const { experimentId } of created) {
      const runs = await core.handlers['runs.list']({ experimentId });
      // One source run (the model-based strategies share it) and one run per strategy.
      expect(runs.map((r) => `${r.strategy}:${r.status}`).sort()).toEqual(
        ['source', ...strategies.map((s) => s.id)].map((s) => `${s}:completed`).sort(),
      );
      const byStrategy = new Map(runs.map((r) => [r.strategy, r]));
      const sourceRun = byStrategy.get('source');
      for (const info of STRATEGIES.filter((s) => strategies.some(({ id }) => id === s.id))) {
        const run = byStrategy.get(info.id);
        expect(run?.dependsOn).toBe(info.needsSourceModel ? sourceRun?.id : null);
        expect(run?.sourceName).toEqual(info.id === 'scratch' ? null : expect.any(String));
        expect(run?.finalMetrics?.test_acc).toBeGreaterThan(0);
        expect(run?.epochsDone).toBe(3);
      }
      // Multi-task trained on the source rows too, so its data hash differs from scratch's.
      const detail = async (id: string) =>
        core.handlers['runs.get']({ id: byStrategy.get(id)?.id ?? 0 });
      const [scratch, multi, tuned] = await Promise.all([
        detail('scratch'),
        detail('multi-task'),
        detail('fine-tune'),
      ]);
      expect(multi.dataHash).toMatch(/^[0-9a-f]{64}$/);
      expect(multi.dataHash).not.toBe(scratch.dataHash);
      expect(multi.sourceModelHash).toBeNull();
      expect(tuned.sourceModelHash).toMatch(/^[0-9a-f]{64}$/);
      expect(tuned.config.strategyParams.l2sp).toBe(0.01);
    }
    await core.close();
  });
});
