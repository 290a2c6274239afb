import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/engine/backend';
import { hiddenLayers, loadModel, type SavedModel } from '../../../src-main/engine/model';
import { fineTune } from '../../../src-main/engine/strategies/fineTune';
import { STRATEGY_IMPLEMENTATIONS, strategyFor } from '../../../src-main/engine/strategies/index';
import { train } from '../../../src-main/engine/train';
import { STRATEGIES } from '../../../src-shared/domain/strategies';
import { useTempDirs } from '../../helpers/tempDir';
import {
  domain,
  linearBinaryLocator,
  recorder,
  runConfig,
  syntheticDomain,
  trainJob,
} from './fixtures';

const tempDir = useTempDirs();

/** Trains a [32, 16] source model on digits 0-4 and saves it. */
async function sourceModel(modelsDir: string): Promise<SavedModel> {
  const { tf } = await selectBackend('wasm');
  const config = runConfig({
    kind: 'source',
    strategy: 'source',
    domain: domain({ name: 'digits 0-4', classes: [0, 1, 2, 3, 4] }),
    model: { type: 'mlp', hidden: [32, 16], activation: 'relu' },
    training: { epochs: 2 },
  });
  const result = await train(
    trainJob(config, { saveModel: true, modelsDir }),
    tf,
    () => undefined,
    () => false,
  );
  if (result.status !== 'completed' || result.model === undefined)
    throw new Error('source run failed');
  return result.model;
}

function fineTuneConfig(freezeLayers: number) {
  return runConfig({
    strategy: 'fine-tune',
    strategyParams: { freezeLayers },
    domain: domain({ name: 'digits 5-7', classes: [5, 6, 7] }),
    sourceDomain: domain({ name: 'digits 0-4', classes: [0, 1, 2, 3, 4] }),
    budget: 10,
    seed: 2,
    model: { type: 'mlp', hidden: [32, 16], activation: 'relu' },
    training: { epochs: 10, batchSize: 10 },
  });
}

describe('strategies', () => {
  it('implements every strategy the UI lists, with its metadata', () => {
    for (const info of STRATEGIES) {
      const impl = STRATEGY_IMPLEMENTATIONS[info.id];
      expect(impl.info).toEqual(info);
      const needs = impl.needs(runConfig({ strategy: info.id }));
      expect(needs.sourceModel).toBe(info.needsSourceModel);
      expect(needs.sourceData).toBe(info.needsSourceData);
      expect(needs.unlabelledTarget).toBe(info.needsUnlabelledTarget);
    }
    expect(strategyFor(runConfig({ kind: 'source', strategy: 'source' })).id).toBe('source');
    expect(strategyFor(fineTuneConfig(0)).id).toBe('fine-tune');
  });
});

describe('fine-tune', () => {
  it('keeps frozen layers bit-identical, trains the rest and replaces the head', async () => {
    const { tf } = await selectBackend('wasm');
    const modelsDir = tempDir();
    const source = await sourceModel(modelsDir);
    const rec = recorder();
    const job = trainJob(fineTuneConfig(1), { sourceModel: source, saveModel: true, modelsDir });
    const before = tf.memory().numTensors;
    const result = await train(job, tf, rec.emit, () => false);
    expect(tf.memory().numTensors).toBe(before);
    expect(result.status).toBe('completed');
    if (result.status !== 'completed' || result.model === undefined) return;
    expect(rec.messages).toContainEqual({
      type: 'log',
      level: 'info',
      message: 'Frozen layers: hidden_1',
    });

    const src = await loadModel(tf, source.dir, source.hash);
    const tuned = await loadModel(tf, result.model.dir, result.model.hash);
    const bytes = (model: typeof src, layer: string) =>
      model
        .getLayer(layer)
        .getWeights()
        .map((w) => Buffer.from(w.dataSync().buffer).toString('hex'));
    // hidden_1 frozen: byte for byte the source's weights after ten epochs of training.
    expect(bytes(tuned, 'hidden_1')).toEqual(bytes(src, 'hidden_1'));
    // hidden_2 trainable: it moved.
    expect(bytes(tuned, 'hidden_2')[0]).not.toEqual(bytes(src, 'hidden_2')[0]);
    // The head is new: 3 target classes instead of the source's 5.
    expect(src.outputs[0]?.shape).toEqual([null, 5]);
    expect(tuned.outputs[0]?.shape).toEqual([null, 3]);
    expect(hiddenLayers(tuned).map((l) => l.name)).toEqual(['hidden_1', 'hidden_2']);
    // Chance is 1/3; ten labels per class on a transferred trunk do much better.
    expect(result.finalMetrics.test_acc).toBeGreaterThan(0.6);
    src.dispose();
    tuned.dispose();
  });

  it('hands the optimizer only the unfrozen weights', async () => {
    const { tf } = await selectBackend('wasm');
    const source = await sourceModel(tempDir());
    for (const [freeze, trainable] of [
      [0, 6],
      [1, 4],
      [2, 2],
    ] as const) {
      const model = await loadModel(tf, source.dir, source.hash);
      const prepared = fineTune.prepare({
        tf,
        config: fineTuneConfig(freeze),
        featureShape: [8, 8],
        numClasses: 3,
        sourceModel: model,
        log: () => undefined,
      });
      expect(prepared.trainable).toHaveLength(trainable);
      expect(prepared.frozenLayers).toEqual(['hidden_1', 'hidden_2'].slice(0, freeze));
      expect(prepared.model.outputs[0]?.shape).toEqual([null, 3]);
      prepared.dispose();
    }
  });

  it('gives a two-class target a single-logit head, whatever the source head was', async () => {
    const { tf } = await selectBackend('wasm');
    const source = await sourceModel(tempDir());
    const model = await loadModel(tf, source.dir, source.hash);
    expect(model.outputs[0]?.shape).toEqual([null, 5]);
    const prepared = fineTune.prepare({
      tf,
      config: fineTuneConfig(1),
      featureShape: [8, 8],
      numClasses: 2,
      sourceModel: model,
      log: () => undefined,
    });
    expect(prepared.model.outputs[0]?.shape).toEqual([null, 1]);
    expect(
      prepared.model
        .getLayer('output')
        .getWeights()
        .map((w) => w.shape),
    ).toEqual([[16, 1], [1]]);
    // hidden_2's kernel and bias, and the new head's.
    expect(prepared.trainable).toHaveLength(4);
    prepared.dispose();
  });

  it("runs the articles' example: a 0° source, a 30° target with 20 labels per class", async () => {
    // resources/examples/related-synthetic-tasks.json, with fewer source epochs.
    const { tf } = await selectBackend('wasm');
    const modelsDir = tempDir();
    const model = { type: 'mlp' as const, hidden: [10], activation: 'relu' as const };
    const training = { learningRate: 0.01, batchSize: 32, optimizer: 'adam' as const };
    const sourceData = linearBinaryLocator({ samples: 2000, angleDeg: 0 });
    const targetData = linearBinaryLocator({ samples: 2000, angleDeg: 30 });
    const sourceDomain = syntheticDomain('task A (0°)', sourceData);
    const sourceRun = await train(
      trainJob(
        runConfig({
          kind: 'source',
          strategy: 'source',
          domain: sourceDomain,
          model,
          training: { ...training, epochs: 5 },
        }),
        { data: sourceData, saveModel: true, modelsDir },
      ),
      tf,
      () => undefined,
      () => false,
    );
    if (sourceRun.status !== 'completed' || sourceRun.model === undefined)
      throw new Error('source run failed');
    expect(sourceRun.finalMetrics.test_acc).toBeGreaterThan(0.9);

    const target = (seed: number) =>
      trainJob(
        runConfig({
          strategy: 'fine-tune',
          domain: syntheticDomain('task B (30°)', targetData),
          sourceDomain,
          budget: 20,
          seed,
          model,
          training: { ...training, epochs: 40 },
        }),
        { data: targetData, sourceModel: sourceRun.model, saveModel: true, modelsDir },
      );
    const before = tf.memory().numTensors;
    const result = await train(
      target(0),
      tf,
      () => undefined,
      () => false,
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(result.status).toBe('completed');
    if (result.status !== 'completed' || result.model === undefined) return;
    // Chance is about one half; 40 labels on a transferred trunk do much better.
    expect(result.finalMetrics.test_acc).toBeGreaterThan(0.75);
    const src = await loadModel(tf, sourceRun.model.dir, sourceRun.model.hash);
    const tuned = await loadModel(tf, result.model.dir, result.model.hash);
    expect(src.outputs[0]?.shape).toEqual([null, 1]);
    expect(tuned.outputs[0]?.shape).toEqual([null, 1]);
    expect(tuned.countParams()).toBe(221);
    src.dispose();
    tuned.dispose();
    // Same seed, same result: the new head is seeded too.
    const again = await train(
      target(0),
      tf,
      () => undefined,
      () => false,
    );
    expect(again).toEqual(result);
  });

  it('refuses to freeze more layers than the source has, and a source of another input shape', async () => {
    const { tf } = await selectBackend('wasm');
    const source = await sourceModel(tempDir());
    const model = await loadModel(tf, source.dir, source.hash);
    const ctx = {
      tf,
      featureShape: [8, 8],
      numClasses: 3,
      sourceModel: model,
      log: () => undefined,
    };
    expect(() => fineTune.prepare({ ...ctx, config: fineTuneConfig(3) })).toThrow(
      'freezeLayers is 3 but the source model has only 2 hidden layer(s)',
    );
    expect(() =>
      fineTune.prepare({ ...ctx, featureShape: [20], config: fineTuneConfig(0) }),
    ).toThrow('The source model takes inputs of shape [8, 8]');
    expect(() =>
      fineTune.prepare({ ...ctx, sourceModel: undefined, config: fineTuneConfig(0) }),
    ).toThrow('fine-tune needs a source model');
    model.dispose();
  });

  it('refuses a transfer job without its source model', async () => {
    const { tf } = await selectBackend('wasm');
    await expect(
      train(
        trainJob(fineTuneConfig(0)),
        tf,
        () => undefined,
        () => false,
      ),
    ).rejects.toThrow('Strategy fine-tune needs a source model');
  });
});
