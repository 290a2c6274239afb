import { describe, expect, it } from 'vitest';
import { openCore } from '../../../src-main/core/core';
import { describeInputAdapter } from '../../../src-shared/domain/runs';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

/** A 20-feature source task and a 12-feature target task: no shared input shape. */
const spec = {
  name: 'd=20 → d=12',
  sources: [
    {
      name: 'wide',
      dataset: { generator: 'linear-binary', features: 20, samples: 400, taskSeed: 5 },
    },
  ],
  targets: [
    {
      name: 'narrow',
      dataset: { generator: 'linear-binary', features: 12, samples: 300, taskSeed: 6 },
    },
  ],
  strategies: [{ id: 'scratch' }, { id: 'fine-tune', params: { freezeLayers: 1 } }],
  budgets: [20],
  seeds: [0],
  model: { type: 'mlp', hidden: [16, 8] },
  training: { epochs: 3, learningRate: 0.01, batchSize: 16, backend: 'wasm' },
};

describe('a run whose target differs in shape from its source', () => {
  it('trains through a learned adapter and records it with the run', async () => {
    const core = await openCore({ workspaceDir: tempDir(), transport: 'in-process', queue: 'own' });
    try {
      const { experimentId } = await core.handlers['experiments.create']({ spec });
      await core.waitForExperiment(experimentId);
      const runs = await core.handlers['runs.list']({ experimentId });
      expect(runs.map((r) => `${r.strategy}:${r.status}`)).toEqual([
        'source:completed',
        'scratch:completed',
        'fine-tune:completed',
      ]);
      const byStrategy = new Map(runs.map((r) => [r.strategy, r]));
      // Only the fine-tune applies the source's model to the target's rows.
      expect(byStrategy.get('source')?.inputAdapter).toBeNull();
      expect(byStrategy.get('scratch')?.inputAdapter).toBeNull();
      const detail = await core.handlers['runs.get']({ id: byStrategy.get('fine-tune')?.id ?? 0 });
      expect(detail.inputAdapter).toEqual({
        kind: 'linear',
        from: [12],
        to: [20],
        parameters: 260,
      });
      expect(detail.inputAdapter && describeInputAdapter(detail.inputAdapter)).toBe(
        'learned linear adapter [12] → [20] before the model (260 weights, trained with the run)',
      );
      expect(detail.finalMetrics?.test_acc).toBeGreaterThan(0.5);
      // The trainer's own words are kept with the run (store/runLogs.ts).
      expect(detail.log.map((l) => `${l.level}: ${l.message}`)).toContain(
        `info: Input adapter: ${describeInputAdapter(detail.inputAdapter ?? { kind: 'resize', from: [], to: [], method: 'bilinear', channels: 'same' })}`,
      );
      expect(detail.log.every((l) => l.attempt === 1)).toBe(true);
    } finally {
      await core.close();
    }
  });
});
