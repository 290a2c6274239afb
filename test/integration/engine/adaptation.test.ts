import { describe, expect, it } from 'vitest';
import { openCore } from '../../../src-main/core/core';
import type { RunDetail } from '../../../src-shared/domain/runs';
import { useTempDirs } from '../../helpers/tempDir';

/**
 * Unsupervised domain adaptation end to end: a spec with budget 0 planned by the core, queued,
 * trained in real trainer processes (tsx entry, tfjs on wasm) and recorded, on the synthetic pair
 * 0° → 30°.
 */

const tempDir = useTempDirs();

const task = (angleDeg: number) => ({
  generator: 'linear-binary',
  features: 20,
  samples: 600,
  taskSeed: 1,
  angleDeg,
  noise: 0.1,
});

const strategies = ['source-only', 'mmd', 'coral', 'dann', 'importance-weighting'];

const spec = {
  name: 'domain adaptation: linear-binary 0° → 30°, no target label',
  sources: [{ name: 'task A (0°)', dataset: task(0) }],
  targets: [{ name: 'task B (30°)', dataset: task(30) }],
  strategies: strategies.map((id) => ({ id })),
  budgets: [0],
  seeds: [0],
  model: { type: 'mlp', hidden: [10] },
  training: { epochs: 3, learningRate: 0.02, batchSize: 32, backend: 'wasm' },
};

describe('domain adaptation through the trainer', () => {
  it('trains source-only, MMD, CORAL, DANN and importance weighting with budget 0', async () => {
    const core = await openCore({
      workspaceDir: tempDir(),
      transport: 'in-process',
      queue: 'own',
      concurrency: 2,
    });
    // Strategies that learn from target labels are refused at budget 0, before anything runs.
    const refused = { ...spec, strategies: [{ id: 'mmd' }, { id: 'fine-tune' }] };
    await expect(
      Promise.resolve().then(() => core.handlers['experiments.create']({ spec: refused })),
    ).rejects.toThrow('Fine-tune trains on target labels, so it cannot run with budget 0');

    const { experimentId } = await core.handlers['experiments.create']({ spec });
    await core.waitForExperiment(experimentId);
    const runs = await core.handlers['runs.list']({ experimentId });
    // No source model to train first: each strategy trains on the source's rows itself.
    expect(runs.map((r) => `${r.strategy}:${r.status}`).sort()).toEqual(
      strategies.map((s) => `${s}:completed`).sort(),
    );
    const details: RunDetail[] = [];
    for (const r of runs) details.push(await core.handlers['runs.get']({ id: r.id }));
    for (const run of details) {
      expect(run.budget).toBe(0);
      expect(run.sourceName).toBe('task A (0°)');
      expect(run.dependsOn).toBeNull();
      expect(run.sourceModelHash).toBeNull();
      expect(run.epochsDone).toBe(3);
      expect(run.metrics.map((m) => Object.keys(m.values).sort())).toEqual(
        Array.from({ length: 3 }, () => ['acc', 'loss', 'val_acc', 'val_loss']),
      );
      // Two classes, the source's boundary 30° off the target's: chance is 0.5, the source's own
      // rule about 0.83 (no method can do better without target labels: same inputs, N(0, I)).
      expect(run.finalMetrics?.test_acc).toBeGreaterThan(0.65);
    }
    // The runs that use the unlabelled pool trained on the same arrays; source-only on fewer.
    const hash = (id: string) => details.find((d) => d.strategy === id)?.dataHash;
    expect(new Set(['mmd', 'coral', 'dann', 'importance-weighting'].map(hash)).size).toBe(1);
    expect(hash('source-only')).toMatch(/^[0-9a-f]{64}$/);
    expect(hash('source-only')).not.toBe(hash('mmd'));
    await core.close();
  });
});
