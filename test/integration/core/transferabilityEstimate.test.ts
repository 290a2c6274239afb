import { describe, expect, it } from 'vitest';
import { openCore } from '../../../src-main/core/core';
import {
  ExperimentSpecSchema,
  type ExperimentSpec,
} from '../../../src-shared/domain/experimentSpec';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

const task = (angleDeg: number) => ({
  generator: 'linear-binary' as const,
  features: 20,
  samples: 600,
  taskSeed: 5,
  angleDeg,
  noise: 0.1,
});

const spec: ExperimentSpec = ExperimentSpecSchema.parse({
  name: 'estimate',
  sources: [{ name: 'task A', dataset: task(0) }],
  targets: [
    { name: 'task B', dataset: task(30) },
    { name: 'task C', dataset: task(90) },
  ],
  strategies: [{ id: 'scratch' }, { id: 'fine-tune' }],
  budgets: [5, 10],
  seeds: [0, 1],
  model: { type: 'mlp', hidden: [10] },
  training: { epochs: 2, learningRate: 0.01, batchSize: 16, backend: 'wasm' },
  sourceTraining: { epochs: 3, learningRate: 0.01, batchSize: 32, backend: 'wasm' },
});

describe('transferability estimates before launch', () => {
  it('says no source model exists, then scores each pair as its transfer run scored itself', async () => {
    const core = await openCore({ workspaceDir: tempDir(), transport: 'in-process', queue: 'own' });
    const datasetsBefore = await core.handlers['datasets.list']({});

    const before = await core.handlers['transferability.estimate']({ spec });
    expect(before.pairs.map((p) => [p.sourceName, p.targetName, p.budget, p.seed])).toEqual([
      ['task A', 'task B', 10, 0],
      ['task A', 'task C', 10, 0],
    ]);
    for (const p of before.pairs) {
      expect(p.estimate).toMatchObject({ status: 'no-source-model', sourceRunId: null });
      if (p.estimate.status === 'no-source-model')
        expect(p.estimate.message).toMatch(/after launching this experiment/);
    }
    // Planning registered nothing: the synthetic datasets are not in the workspace yet.
    expect(await core.handlers['experiments.list']({})).toEqual([]);
    expect(await core.handlers['datasets.list']({})).toEqual(datasetsBefore);

    const { experimentId } = await core.handlers['experiments.create']({ spec });
    const queued = await core.handlers['transferability.estimate']({
      spec,
      pairs: [{ source: 0, target: 1 }],
    });
    expect(queued.pairs).toHaveLength(1);
    expect(queued.pairs[0]?.estimate).toMatchObject({ status: 'no-source-model' });
    expect(queued.pairs[0]?.estimate).not.toMatchObject({ sourceRunId: null });

    await core.waitForExperiment(experimentId);
    const runs = await core.handlers['runs.list']({ experimentId });
    expect(runs.every((r) => r.status === 'completed')).toBe(true);

    const after = await core.handlers['transferability.estimate']({ spec });
    for (const pair of after.pairs) {
      const { estimate } = pair;
      if (estimate.status !== 'scored') throw new Error(`not scored: ${JSON.stringify(estimate)}`);
      expect(Object.values(estimate.scores).every(Number.isFinite)).toBe(true);
      expect(estimate.samples).toBe(20); // budget 10, 2 classes
      // The fine-tune run on the same target, budget and seed scored the same model on the same
      // rows, in its trainer, before training: the estimate must be those very numbers.
      const run = runs.find(
        (r) =>
          r.strategy === 'fine-tune' &&
          r.targetName === pair.targetName &&
          r.budget === 10 &&
          r.seed === 0,
      );
      expect(run?.dependsOn).toBe(estimate.sourceRunId);
      const recorded = (await core.handlers['runs.get']({ id: run?.id ?? -1 })).transferability;
      // The stored scores are the estimate's, the H-score's shrinkage and feature width too.
      expect(recorded).toEqual({ ...estimate.scores, samples: estimate.samples });
      expect(recorded?.hScoreShrinkage).toBeGreaterThanOrEqual(0);
      expect(recorded?.features).toBe(10);
    }

    // A spec whose strategies train no source model still finds the one these settings trained.
    const scratchOnly = { ...spec, strategies: [{ id: 'scratch' as const, params: {} }] };
    const reused = await core.handlers['transferability.estimate']({ spec: scratchOnly });
    expect(reused.pairs.map((p) => p.estimate)).toEqual(after.pairs.map((p) => p.estimate));

    // Other source training settings: another source model, not trained yet.
    const other = await core.handlers['transferability.estimate']({
      spec: { ...spec, sourceTraining: { ...spec.training, epochs: 4 } },
    });
    expect(other.pairs.every((p) => p.estimate.status === 'no-source-model')).toBe(true);
    await core.close();
  });

  it('answers per pair when a pair cannot be scored, and refuses an invalid spec as a whole', async () => {
    const core = await openCore({
      workspaceDir: tempDir(),
      transport: 'in-process',
      queue: 'none',
    });
    const wide = ExperimentSpecSchema.parse({
      ...spec,
      targets: [spec.targets[0], { name: 'wide', dataset: { ...task(0), features: 30 } }],
      strategies: [{ id: 'scratch' }],
    });
    const answer = await core.handlers['transferability.estimate']({ spec: wide });
    expect(answer.pairs.map((p) => p.estimate.status)).toEqual(['no-source-model', 'unavailable']);
    expect(answer.pairs[1]?.estimate).toMatchObject({ message: /20 input features.*30/ });

    const unsupervised = ExperimentSpecSchema.parse({
      ...spec,
      strategies: [{ id: 'source-only' }],
      budgets: [0],
    });
    const none = await core.handlers['transferability.estimate']({ spec: unsupervised });
    expect(none.pairs.map((p) => p.estimate.status)).toEqual(['unavailable', 'unavailable']);
    expect(none.pairs[0]?.estimate).toMatchObject({ message: /Budget 0/ });

    const invalid = { ...spec, budgets: [0] };
    await expect(
      Promise.resolve().then(() => core.handlers['transferability.estimate']({ spec: invalid })),
    ).rejects.toThrow(/cannot run with budget 0/);
    await core.close();
  });
});
