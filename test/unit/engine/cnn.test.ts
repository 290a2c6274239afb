import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, type Tf } from '../../../src-main/engine/backend';
import { cnnInputProblem } from '../../../src-main/engine/cnn';
import {
  buildModel,
  hiddenLayers,
  loadModel,
  weightLayers,
  type SavedModel,
} from '../../../src-main/engine/model';
import { sourceArchitecture } from '../../../src-main/engine/strategies/structure';
import { train } from '../../../src-main/engine/train';
import type { ModelSpec } from '../../../src-shared/domain/experimentSpec';
import type { ResolvedRunConfig } from '../../../src-shared/domain/runs';
import { digitsLocator, domain, recorder, runConfig, trainJob } from './fixtures';
import { layerBytes, trainSource, useSuiteDir } from './strategies/helpers';

/** A CNN small enough for 8×8 digits: one 3×3 block (8 → 3), then Dense(16). */
const CNN: ModelSpec = { type: 'cnn', conv: [8], dense: [16], kernelSize: 3 };
const SOURCE = domain({ name: 'digits 0-4', classes: [0, 1, 2, 3, 4] });
const TARGET = domain({ name: 'digits 5-7', classes: [5, 6, 7] });

const suiteDir = useSuiteDir();
let tf: Tf;
let source: SavedModel;
beforeAll(async () => {
  tf = (await selectBackend('wasm')).tf;
  source = await trainSource(tf, suiteDir(), {
    source: SOURCE,
    data: digitsLocator(),
    model: CNN,
    epochs: 2,
  });
});

function cnnConfig(
  strategy: ResolvedRunConfig['strategy'],
  strategyParams: ResolvedRunConfig['strategyParams'] = {},
  overrides: Parameters<typeof runConfig>[0] = {},
): ResolvedRunConfig {
  return runConfig({
    strategy,
    strategyParams,
    domain: TARGET,
    sourceDomain: SOURCE,
    budget: 10,
    seed: 4,
    model: CNN,
    training: { epochs: 3, batchSize: 10, learningRate: 0.01 },
    ...overrides,
  });
}

describe('buildModel with a CNN spec', () => {
  it('reads [h, w] rows as one channel and names its layers for the strategies', () => {
    const model = buildModel(tf, CNN, [8, 8], 3, 1);
    expect(model.inputs[0]?.shape).toEqual([null, 8, 8]);
    expect(model.outputs[0]?.shape).toEqual([null, 3]);
    expect(model.layers.map((l) => l.name)).toEqual([
      'to_image',
      'conv_1',
      'pool_1',
      'flatten',
      'hidden_1',
      'output',
    ]);
    expect(hiddenLayers(model).map((l) => l.name)).toEqual(['hidden_1']);
    expect(weightLayers(model).map((l) => l.name)).toEqual(['conv_1', 'hidden_1']);
    // Seeded per layer name: the same seed gives the same weights.
    const again = buildModel(tf, CNN, [8, 8], 3, 1);
    expect(layerBytes(again.getLayer('conv_1'))).toEqual(layerBytes(model.getLayer('conv_1')));
    model.dispose();
    again.dispose();
  });

  it('refuses tabular rows and images too small for its blocks, saying why', () => {
    expect(() => buildModel(tf, CNN, [20], 2, 1)).toThrow(
      'a CNN needs image features [height, width] or [height, width, channels], not [20]',
    );
    const deep: ModelSpec = { type: 'cnn', conv: [32, 64], dense: [128], kernelSize: 3 };
    expect(cnnInputProblem(deep, [8, 8])).toBe(
      '8×8 images are too small for 2 3×3 convolution + 2×2 pooling blocks',
    );
    expect(cnnInputProblem(deep, [28, 28])).toBeUndefined();
    expect(cnnInputProblem(deep, [10, 10, 3])).toBeUndefined();
  });
});

describe('training a CNN through train()', () => {
  it('learns digits from scratch, and holds no more tensors from one epoch to the next', async () => {
    const before = tf.memory().numTensors;
    const perEpoch: number[] = [];
    const rec = recorder();
    const result = await train(
      trainJob(cnnConfig('scratch', {}, { budget: 'all', training: { epochs: 4 } })),
      tf,
      (m) => {
        if (m.type === 'epoch') perEpoch.push(tf.memory().numTensors);
        rec.emit(m);
      },
      () => false,
    );
    if (result.status !== 'completed') throw new Error(result.status);
    // 3 classes: chance is 1/3.
    expect(result.finalMetrics.test_acc).toBeGreaterThan(0.8);
    expect(perEpoch).toHaveLength(4);
    expect(new Set(perEpoch).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('saves and loads a CNN source model with its layers and weights', async () => {
    const model = await loadModel(tf, source.dir, source.hash);
    expect(model.inputs[0]?.shape).toEqual([null, 8, 8]);
    expect(weightLayers(model).map((l) => l.name)).toEqual(['conv_1', 'hidden_1']);
    expect(sourceArchitecture(model)).toEqual(CNN);
    model.dispose();
  });

  for (const [freezeLayers, frozen, moved] of [
    [1, ['conv_1'], ['hidden_1']],
    [2, ['conv_1', 'hidden_1'], []],
  ] as const) {
    it(`fine-tunes with freezeLayers ${freezeLayers}: ${frozen.join(', ')} byte-identical`, async () => {
      const rec = recorder();
      const result = await train(
        trainJob(cnnConfig('fine-tune', { freezeLayers }), {
          sourceModel: source,
          saveModel: true,
          modelsDir: suiteDir(),
        }),
        tf,
        rec.emit,
        () => false,
      );
      if (result.status !== 'completed' || result.model === undefined)
        throw new Error('run failed');
      expect(rec.messages).toContainEqual({
        type: 'log',
        level: 'info',
        message: `Frozen layers: ${frozen.join(', ')}`,
      });
      const src = await loadModel(tf, source.dir, source.hash);
      const out = await loadModel(tf, result.model.dir, result.model.hash);
      for (const name of frozen)
        expect(layerBytes(out.getLayer(name))).toEqual(layerBytes(src.getLayer(name)));
      for (const name of moved)
        expect(layerBytes(out.getLayer(name))[0]).not.toEqual(layerBytes(src.getLayer(name))[0]);
      expect(out.outputs[0]?.shape).toEqual([null, 3]);
      src.dispose();
      out.dispose();
    });
  }

  it('runs every layer-selecting strategy on a CNN, freeing what it allocates', async () => {
    const before = tf.memory().numTensors;
    // Same classes on both sides, for the strategies that train on the source's labels.
    const same = domain({ name: 'digits 0-4 again', classes: [0, 1, 2, 3, 4], splitSeed: 1 });
    for (const [strategy, params, sameClasses] of [
      ['feature-extraction', { layer: 1 }, false],
      ['structure', {}, false],
      ['distillation', { onFeatures: true, layer: 1 }, false],
      ['multi-task', {}, false],
      ['mmd', { layer: 1 }, true],
      ['coral', { layer: 1 }, true],
      ['dann', { layer: 1, domainHidden: 8 }, true],
    ] as const) {
      const config = cnnConfig(strategy, params, {
        training: { epochs: 1, batchSize: 16 },
        ...(sameClasses ? { domain: same, budget: 0 } : {}),
      });
      const result = await train(
        trainJob(config, { sourceModel: source, sourceData: trainJob(config).data }),
        tf,
        () => undefined,
        () => false,
      );
      if (result.status !== 'completed') throw new Error(`${strategy}: ${result.status}`);
      expect(Number.isFinite(result.finalMetrics.test_loss)).toBe(true);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
