import { describe, expect, it } from 'vitest';
import { openCore } from '../../../src-main/core/core';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

describe('transferability through the core', () => {
  it('scores each fine-tune run before training and relates the scores to the realised gain', async () => {
    const core = await openCore({ workspaceDir: tempDir(), transport: 'in-process', queue: 'own' });
    const spec = {
      name: 'scored',
      sources: [
        {
          name: 'task A',
          dataset: {
            generator: 'linear-binary',
            features: 20,
            samples: 600,
            taskSeed: 3,
            angleDeg: 0,
          },
        },
      ],
      targets: [
        {
          name: 'task B',
          dataset: {
            generator: 'linear-binary',
            features: 20,
            samples: 600,
            taskSeed: 3,
            angleDeg: 40,
          },
        },
      ],
      strategies: [{ id: 'scratch' }, { id: 'fine-tune' }],
      budgets: [10],
      seeds: [0, 1, 2],
      model: { type: 'mlp', hidden: [10] },
      training: { epochs: 3, learningRate: 0.01, batchSize: 16, backend: 'wasm' },
      sourceTraining: { epochs: 3, learningRate: 0.01, batchSize: 32, backend: 'wasm' },
    };
    const { experimentId } = await core.handlers['experiments.create']({ spec });
    await core.waitForExperiment(experimentId);
    const runs = await core.handlers['runs.list']({ experimentId });
    expect(runs.every((r) => r.status === 'completed')).toBe(true);

    for (const run of runs) {
      const detail = await core.handlers['runs.get']({ id: run.id });
      if (run.strategy === 'fine-tune') {
        const t = detail.transferability;
        expect(t?.samples).toBe(20); // 10 labels per class, 2 classes
        expect(t?.leep).toBeLessThanOrEqual(0);
        expect(t?.nce).toBeLessThanOrEqual(0);
        expect(t?.hScore).toBeGreaterThanOrEqual(0);
        expect(Number.isFinite(t?.logMe)).toBe(true);
      } else {
        expect(detail.transferability).toBeNull();
      }
    }

    const summary = await core.handlers['experiments.transferability']({ id: experimentId });
    expect(summary.items.map((i) => i.seed)).toEqual([0, 1, 2]);
    for (const item of summary.items) {
      const scratch = runs.find((r) => r.strategy === 'scratch' && r.seed === item.seed);
      const run = runs.find((r) => r.id === item.runId);
      const gain = (run?.finalMetrics?.test_acc ?? NaN) - (scratch?.finalMetrics?.test_acc ?? NaN);
      expect(item.gain).toBeCloseTo(gain, 12);
    }
    const fineTune = summary.correlations.filter((c) => c.variant === 'fine-tune');
    expect(fineTune.map((c) => c.score)).toEqual(['leep', 'nce', 'hScore', 'logMe']);
    expect(fineTune.every((c) => c.n === 3)).toBe(true);
    for (const c of fineTune) if (c.tau !== null) expect(Math.abs(c.tau)).toBeLessThanOrEqual(1);
    await core.close();
  });
});
