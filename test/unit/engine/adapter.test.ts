import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { inputFit } from '../../../src-main/engine/adapterShapes';
import { selectBackend, type Tf } from '../../../src-main/engine/backend';
import { loadRunData } from '../../../src-main/engine/data/index';
import { loadDataset } from '../../../src-main/engine/data/load';
import { resizeRows } from '../../../src-main/data/resize';
import { loadModel, seededDense, type SavedModel } from '../../../src-main/engine/model';
import type { DataLocator, TrainJob } from '../../../src-main/engine/protocol';
import { train } from '../../../src-main/engine/train';
import type { InputAdapter, ResolvedRunConfig } from '../../../src-shared/domain/runs';
import {
  digitsLocator,
  domain,
  linearBinaryLocator,
  recorder,
  runConfig,
  syntheticDomain,
  trainJob,
} from './fixtures';
import { DIGITS, layerBytes, trainSource, useSuiteDir } from './strategies/helpers';

type Resize = Extract<InputAdapter, { kind: 'resize' }>;

const suiteDir = useSuiteDir();
let tf: Tf;
beforeAll(async () => {
  tf = (await selectBackend('wasm')).tf;
});

describe('which adapter fits a target to the source', () => {
  it('resizes images, reshapes equal sizes, and learns a linear map otherwise', () => {
    expect(inputFit([8, 8], [8, 8])).toEqual({ kind: 'same' });
    expect(inputFit([8, 8], [64])).toEqual({ kind: 'reshape' });
    expect(inputFit([8, 8], [8, 8, 1])).toEqual({ kind: 'reshape' });
    expect(inputFit([28, 28], [8, 8])).toEqual({
      kind: 'adapter',
      adapter: { kind: 'resize', from: [28, 28], to: [8, 8], method: 'bilinear', channels: 'same' },
    });
    expect(inputFit([28, 28], [32, 32, 3])).toMatchObject({
      adapter: { kind: 'resize', channels: 'grey-to-rgb' },
    });
    expect(inputFit([32, 32, 3], [8, 8])).toMatchObject({
      adapter: { kind: 'resize', channels: 'rgb-to-grey' },
    });
    expect(inputFit([12], [20])).toEqual({
      kind: 'adapter',
      adapter: { kind: 'linear', from: [12], to: [20], parameters: 12 * 20 + 20 },
    });
    expect(inputFit([8, 8], [20])).toMatchObject({ adapter: { kind: 'linear', parameters: 1300 } });
  });
});

describe('the image resize', () => {
  const resize = (from: number[], to: number[]): Resize => {
    const fit = inputFit(from, to);
    if (fit.kind !== 'adapter' || fit.adapter.kind !== 'resize') throw new Error('not a resize');
    return fit.adapter;
  };

  it('is tf.image.resizeBilinear with half-pixel centres, up and down', () => {
    const n = 3;
    for (const [from, to] of [
      [
        [8, 8],
        [28, 28],
      ],
      [
        [28, 28],
        [8, 8],
      ],
      [
        [5, 7, 3],
        [9, 4, 3],
      ],
    ]) {
      if (!from || !to) throw new Error('bad case');
      const size = from.reduce((a, b) => a * b, 1);
      const x = Float32Array.from({ length: n * size }, (_, i) => Math.sin(i * 0.37) + 1);
      const ours = resizeRows(x, n, resize(from, to));
      const [h, w, c = 1] = from;
      const theirs = tf.tidy(() =>
        tf.image
          .resizeBilinear(
            tf.tensor4d(x, [n, h ?? 0, w ?? 0, c]),
            [to[0] ?? 0, to[1] ?? 0],
            false,
            true,
          )
          .dataSync(),
      );
      expect(ours.length).toBe(theirs.length);
      ours.forEach((v, i) => {
        expect(v).toBeCloseTo(theirs[i] ?? NaN, 5);
      });
    }
  });

  it('converts grey to RGB and RGB to grey as tf.image does', () => {
    const grey = Float32Array.from({ length: 2 * 16 }, (_, i) => (i % 7) / 7);
    const rgb = resizeRows(
      grey,
      2,
      resize(
        [4, 4],
        [4, 4, 3].map((d, i) => (i < 2 ? 8 : d)),
      ),
    );
    const expectedRgb = tf.tidy(() =>
      tf.image
        .grayscaleToRGB(
          tf.image.resizeBilinear(tf.tensor4d(grey, [2, 4, 4, 1]), [8, 8], false, true),
        )
        .dataSync(),
    );
    rgb.forEach((v, i) => {
      expect(v).toBeCloseTo(expectedRgb[i] ?? NaN, 5);
    });
    // tf.image.rgbToGrayscale's BT.601 weights (its Einsum kernel is missing on wasm).
    const colour = Float32Array.from({ length: 2 * 64 * 3 }, (_, i) => ((i * 5) % 11) / 11);
    const grey8 = resizeRows(colour, 2, resize([8, 8, 3], [8, 8]));
    grey8.forEach((v, p) => {
      const [r = 0, g = 0, b = 0] = colour.subarray(3 * p, 3 * p + 3);
      expect(v).toBeCloseTo(0.2989 * r + 0.587 * g + 0.114 * b, 6);
    });
  });
});

/**
 * A 28×28 copy of digits 5–7 (bilinear upsampling of the 8×8 images, as a CSV dataset): a target
 * with Fashion-MNIST's shape whose labels a digits model can still transfer to.
 */
async function largeDigits(dir: string): Promise<Extract<DataLocator, { kind: 'csv' }>> {
  const digits = await loadDataset(digitsLocator());
  const rows = [...digits.y.keys()].filter((r) => [5, 6, 7].includes(digits.y[r] ?? -1));
  const x = new Float32Array(rows.length * 64);
  rows.forEach((r, i) => {
    x.set(digits.x.subarray(r * 64, (r + 1) * 64), i * 64);
  });
  const up = resizeRows(x, rows.length, {
    kind: 'resize',
    from: [8, 8],
    to: [28, 28],
    method: 'bilinear',
    channels: 'same',
  });
  const lines = rows.map((r, i) => {
    const pixels = [...up.subarray(i * 784, (i + 1) * 784)].map((v) => v.toFixed(4));
    return `${pixels.join(',')},${digits.y[r] ?? 0}`;
  });
  const path = join(dir, 'digits28.csv');
  const text = `${lines.join('\n')}\n`;
  writeFileSync(path, text);
  const contentHash = createHash('sha256').update(text).digest('hex');
  return { kind: 'csv', path, featureShape: [28, 28], contentHash, scale: 1 };
}

describe('digits 8×8 source → 28×28 target through a resize adapter', () => {
  let large: Extract<DataLocator, { kind: 'csv' }>;
  let source: SavedModel;
  beforeAll(async () => {
    large = await largeDigits(suiteDir());
    source = await trainSource(tf, suiteDir(), { ...DIGITS, epochs: 4 });
  });

  const job = (
    strategy: ResolvedRunConfig['strategy'],
    params: ResolvedRunConfig['strategyParams'],
  ): TrainJob =>
    trainJob(
      runConfig({
        strategy,
        strategyParams: params,
        domain: domain({ name: 'digits 5-7 at 28×28', dataset: 'digits28' }),
        sourceDomain: DIGITS.source,
        budget: 10,
        seed: 2,
        model: DIGITS.model,
        training: { epochs: 10, batchSize: 10, learningRate: 0.01 },
      }),
      {
        data: large,
        sourceModel: source,
        sourceInputShape: [8, 8],
        saveModel: true,
        modelsDir: suiteDir(),
      },
    );

  it('loads the target resized to the source shape, and hashes the adapter', async () => {
    const data = await loadRunData(job('fine-tune', {}));
    expect(data.featureShape).toEqual([8, 8]);
    expect(data.featureSize).toBe(64);
    expect(data.train.x.length).toBe(data.train.n * 64);
    expect(data.inputAdapter).toEqual({
      kind: 'resize',
      from: [28, 28],
      to: [8, 8],
      method: 'bilinear',
      channels: 'same',
    });
    // Scratch builds its model on the target's own rows: no adapter.
    const scratch = await loadRunData(job('scratch', {}));
    expect(scratch.featureShape).toEqual([28, 28]);
    expect(scratch.inputAdapter).toBeUndefined();
  });

  for (const [strategy, params, frozen] of [
    ['fine-tune', { freezeLayers: 1 }, ['hidden_1']],
    ['feature-extraction', { layer: 1, headHidden: 16 }, ['hidden_1']],
  ] as const) {
    it(`${strategy} trains on the resized target and says so`, async () => {
      const before = tf.memory().numTensors;
      const rec = recorder();
      const result = await train(job(strategy, params), tf, rec.emit, () => false);
      if (result.status !== 'completed' || result.model === undefined)
        throw new Error('run failed');
      expect(rec.messages).toContainEqual({
        type: 'log',
        level: 'info',
        message: 'Input adapter: target images resized [28, 28] → [8, 8] (bilinear)',
      });
      // The same run on the native 8×8 images: resizing back to the source's resolution keeps
      // what the source's features need (3 classes: chance is 1/3).
      const nativeJob = job(strategy, params);
      const native = await train(
        {
          ...nativeJob,
          data: digitsLocator(),
          config: { ...nativeJob.config, domain: DIGITS.target },
        },
        tf,
        () => undefined,
        () => false,
      );
      if (native.status !== 'completed') throw new Error('native run failed');
      expect(result.finalMetrics.test_acc).toBeGreaterThan(0.6);
      expect(result.finalMetrics.test_acc).toBeGreaterThan(
        (native.finalMetrics.test_acc ?? 1) - 0.1,
      );
      const src = await loadModel(tf, source.dir, source.hash);
      const out = await loadModel(tf, result.model.dir, result.model.hash);
      expect(out.inputs[0]?.shape).toEqual([null, 8, 8]);
      for (const name of frozen)
        expect(layerBytes(out.getLayer(name))).toEqual(layerBytes(src.getLayer(name)));
      src.dispose();
      out.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describe('tabular source d = 20 → target d = 12 through a learned linear adapter', () => {
  const wide = linearBinaryLocator({ features: 20, samples: 600, taskSeed: 5 });
  const narrow = linearBinaryLocator({ features: 12, samples: 400, taskSeed: 6 });
  let source: SavedModel;
  beforeAll(async () => {
    source = await trainSource(tf, suiteDir(), {
      source: syntheticDomain('d=20', wide),
      data: wide,
      model: { type: 'mlp', hidden: [16, 8], activation: 'relu' },
      epochs: 3,
    });
  });

  const job = (
    strategy: ResolvedRunConfig['strategy'],
    params: ResolvedRunConfig['strategyParams'] = {},
    budget: ResolvedRunConfig['budget'] = 30,
  ): TrainJob =>
    trainJob(
      runConfig({
        strategy,
        strategyParams: params,
        domain: syntheticDomain('d=12', narrow),
        sourceDomain: syntheticDomain('d=20', wide),
        budget,
        seed: 3,
        model: { type: 'mlp', hidden: [16, 8], activation: 'relu' },
        training: { epochs: 4, batchSize: 16, learningRate: 0.01 },
      }),
      {
        data: narrow,
        sourceData: wide,
        sourceModel: source,
        saveModel: true,
        modelsDir: suiteDir(),
      },
    );

  it('fine-tune learns the adapter with the run; frozen source layers stay byte-identical', async () => {
    const before = tf.memory().numTensors;
    const rec = recorder();
    const result = await train(job('fine-tune', { freezeLayers: 1 }), tf, rec.emit, () => false);
    if (result.status !== 'completed' || result.model === undefined) throw new Error('run failed');
    expect(rec.messages).toContainEqual({
      type: 'log',
      level: 'info',
      message:
        'Input adapter: learned linear adapter [12] → [20] before the model (260 weights, trained with the run)',
    });
    expect(result.finalMetrics.test_acc).toBeGreaterThan(0.6);
    const src = await loadModel(tf, source.dir, source.hash);
    const out = await loadModel(tf, result.model.dir, result.model.hash);
    // The saved model takes the target's rows: the adapter is its first layer.
    expect(out.inputs[0]?.shape).toEqual([null, 12]);
    expect(out.getLayer('input_adapter').getWeights()[0]?.shape).toEqual([12, 20]);
    expect(layerBytes(out.getLayer('hidden_1'))).toEqual(layerBytes(src.getLayer('hidden_1')));
    expect(layerBytes(out.getLayer('hidden_2'))[0]).not.toEqual(
      layerBytes(src.getLayer('hidden_2'))[0],
    );
    src.dispose();
    out.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  const groupParams: Record<string, number>[] = [{ probeEpochs: 2 }, { trunkLrScale: 0.1 }];
  for (const params of groupParams) {
    it(`fine-tune with optimizer groups (${JSON.stringify(params)}) trains the adapter too`, async () => {
      const before = tf.memory().numTensors;
      const result = await train(
        job('fine-tune', params),
        tf,
        () => undefined,
        () => false,
      );
      if (result.status !== 'completed' || result.model === undefined)
        throw new Error('run failed');
      const out = await loadModel(tf, result.model.dir, result.model.hash);
      const start = seededDense(tf, {
        units: 20,
        activation: 'linear',
        name: 'input_adapter',
        seed: 3,
      });
      start.apply(tf.input({ shape: [12] }));
      expect(layerBytes(out.getLayer('input_adapter'))[0]).not.toEqual(layerBytes(start)[0]);
      start.dispose();
      out.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('trains the adapter itself, from its seeded start, under a frozen trunk', async () => {
    const result = await train(
      job('feature-extraction'),
      tf,
      () => undefined,
      () => false,
    );
    if (result.status !== 'completed' || result.model === undefined) throw new Error('run failed');
    const out = await loadModel(tf, result.model.dir, result.model.hash);
    // The adapter as the run built it: seeded from the run seed and its name (model.ts).
    const start = seededDense(tf, {
      units: 20,
      activation: 'linear',
      name: 'input_adapter',
      seed: 3,
    });
    start.apply(tf.input({ shape: [12] }));
    const [kernel, bias] = layerBytes(out.getLayer('input_adapter'));
    const [kernel0, bias0] = layerBytes(start);
    expect(kernel).not.toEqual(kernel0);
    expect(bias).not.toEqual(bias0);
    start.dispose();
    out.dispose();
  });

  for (const strategy of ['multi-task', 'mmd', 'distillation'] as const) {
    it(`${strategy} maps the target's rows and leaves the source's alone`, async () => {
      const before = tf.memory().numTensors;
      const result = await train(
        job(strategy),
        tf,
        () => undefined,
        () => false,
      );
      if (result.status !== 'completed') throw new Error(result.status);
      expect(Number.isFinite(result.finalMetrics.test_loss)).toBe(true);
      expect(Number.isFinite(result.finalMetrics.train_loss)).toBe(true);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('refuses the strategies that compare the rows of both domains before training', async () => {
    await expect(
      train(
        job('kmm', {}, 0),
        tf,
        () => undefined,
        () => false,
      ),
    ).rejects.toThrow('Kernel mean matching compares source and target rows in the input space');
  });
});
