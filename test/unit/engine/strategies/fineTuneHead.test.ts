import { beforeAll, describe, expect, it } from 'vitest';
import type { LayersModel } from '@tensorflow/tfjs';
import { selectBackend, type Tf } from '../../../../src-main/engine/backend';
import {
  buildModel,
  loadModel,
  OUTPUT_LAYER,
  weightLayers,
  type SavedModel,
} from '../../../../src-main/engine/model';
import { fineTune } from '../../../../src-main/engine/strategies/fineTune';
import type { StrategyContext } from '../../../../src-main/engine/strategies/strategy';
import { train } from '../../../../src-main/engine/train';
import type { ResolvedRunConfig } from '../../../../src-shared/domain/runs';
import { strategyInfo } from '../../../../src-shared/domain/strategies';
import { recorder, trainJob } from '../fixtures';
import { DIGITS, digitsConfig, layerBytes, trainSource, useSuiteDir } from './helpers';

/**
 * How fine-tuning's head meets the source trunk (issue 17): a head drawn independently of the
 * source's layers, its scale, keeping the source's head, LP-FT and a slower trunk.
 */

const suiteDir = useSuiteDir();
let tf: Tf;
let source: SavedModel;
/** A source model trained on digits 5–7 itself: the classes a kept head must match. */
let sameClassesSource: SavedModel;
const REVISION = strategyInfo('fine-tune').revision;

beforeAll(async () => {
  tf = (await selectBackend('wasm')).tf;
  source = await trainSource(tf, suiteDir(), DIGITS);
  sameClassesSource = await trainSource(tf, suiteDir(), { ...DIGITS, source: DIGITS.target });
});

function config(
  params: ResolvedRunConfig['strategyParams'] = {},
  overrides: Parameters<typeof digitsConfig>[2] = {},
): ResolvedRunConfig {
  return digitsConfig('fine-tune', params, {
    ...(REVISION === undefined ? {} : { strategyRevision: REVISION }),
    ...overrides,
  });
}

async function prepare(
  c: ResolvedRunConfig,
  from: SavedModel = source,
  extra: Partial<StrategyContext> = {},
): Promise<ReturnType<typeof fineTune.prepare>> {
  return fineTune.prepare({
    tf,
    config: c,
    featureShape: DIGITS.featureShape,
    numClasses: 3,
    classes: [5, 6, 7],
    sourceClasses: [0, 1, 2, 3, 4],
    sourceModel: await loadModel(tf, from.dir, from.hash),
    log: () => undefined,
    ...extra,
  });
}

function headKernel(model: LayersModel): number[] {
  const [kernel] = model.getLayer(OUTPUT_LAYER).getWeights();
  if (kernel === undefined) throw new Error('no kernel');
  return Array.from(kernel.dataSync());
}

/** The output layer a model of the run's seed starts with: what the source run's head started at. */
function seedHead(c: ResolvedRunConfig): number[] {
  const model = buildModel(tf, c.model, DIGITS.featureShape, 3, c.seed);
  const kernel = headKernel(model);
  model.dispose();
  return kernel;
}

describe("fine-tune's new head", () => {
  it('is drawn from a seed of its own, not the one the source run drew its own head from', async () => {
    expect(REVISION).toBe(2);
    const c = config();
    const prepared = await prepare(c);
    const head = headKernel(prepared.model);
    const start = seedHead(c);
    expect(head).not.toEqual(start);
    prepared.dispose();
    // Revision 1 (runs recorded before issue 17) still draws it as it did, so they reproduce.
    const old = await prepare(digitsConfig('fine-tune'));
    expect(headKernel(old.model)).toEqual(start);
    old.dispose();
  });

  it('is uniform in ±1/√fan_in (PyTorch nn.Linear default) with zero biases', async () => {
    const prepared = await prepare(config());
    const [kernel, bias] = prepared.model.getLayer(OUTPUT_LAYER).getWeights();
    const bound = 1 / Math.sqrt(16); // the last hidden layer has 16 units
    const w = Array.from(kernel?.dataSync() ?? []);
    expect(w).toHaveLength(16 * 3);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.8 * bound);
    expect(Array.from(bias?.dataSync() ?? [])).toEqual([0, 0, 0]);
    prepared.dispose();
  });

  it('is scaled by headInitScale: 0 starts at zero, 0.5 at half the draw', async () => {
    const full = await prepare(config());
    const half = await prepare(config({ headInitScale: 0.5 }));
    const zero = await prepare(config({ headInitScale: 0 }));
    const kernel = headKernel(full.model);
    headKernel(half.model).forEach((w, i) => {
      expect(w).toBeCloseTo((kernel[i] ?? NaN) * 0.5, 7);
    });
    expect(headKernel(zero.model).every((w) => w === 0)).toBe(true);
    expect(kernel.some((w) => w !== 0)).toBe(true);
    for (const p of [full, half, zero]) p.dispose();
  });
});

describe('keepSourceHead', () => {
  it("keeps the source's trained output layer when the classes are the same", async () => {
    const sourceModel = await loadModel(tf, sameClassesSource.dir, sameClassesSource.hash);
    const expected = layerBytes(sourceModel.getLayer(OUTPUT_LAYER));
    sourceModel.dispose();
    const prepared = await prepare(config({ keepSourceHead: true }), sameClassesSource, {
      sourceClasses: [5, 6, 7],
    });
    expect(layerBytes(prepared.model.getLayer(OUTPUT_LAYER))).toEqual(expected);
    prepared.dispose();
  });

  it('is refused when the target has other classes', async () => {
    await expect(prepare(config({ keepSourceHead: true }))).rejects.toThrow(
      /the same order: source \[0, 1, 2, 3, 4\], target \[5, 6, 7\]/,
    );
  });
});

describe('LP-FT and a slower trunk', () => {
  it('probes (the head alone) for probeEpochs epochs, then trains every layer', async () => {
    const prepared = await prepare(config({ probeEpochs: 2 }, { training: { epochs: 4 } }));
    const groups = prepared.paramGroups;
    if (groups === undefined) throw new Error('LP-FT must define parameter groups');
    const head = prepared.model.getLayer(OUTPUT_LAYER).trainableWeights.map((w) => w.name);
    const names = (epoch: number): string[] =>
      groups(epoch).flatMap((g) => g.variables.map((v) => v.name));
    expect(names(1)).toEqual(head);
    expect(names(2)).toEqual(head);
    expect(names(3)).toEqual(prepared.trainable.map((v) => v.name));
    // A new array at the switch: the loop starts fresh optimizers there.
    expect(groups(3)).not.toBe(groups(2));
    expect(groups(4)).toBe(groups(3));
    prepared.dispose();
  });

  it("the probe's epochs are exactly feature extraction's linear probe at the same rate", async () => {
    const run = async (c: ResolvedRunConfig) => {
      const r = recorder();
      const job = trainJob(c, { sourceModel: source, sourceClasses: [0, 1, 2, 3, 4] });
      const result = await train(job, tf, r.emit, () => false);
      expect(result.status).toBe('completed');
      return r.epochs();
    };
    const lpft = await run(config({ probeEpochs: 2 }, { training: { epochs: 3, batchSize: 10 } }));
    const probe = await run(
      digitsConfig(
        'feature-extraction',
        { learningRateScale: 1 },
        { strategyRevision: 2, training: { epochs: 2, batchSize: 10 } },
      ),
    );
    expect(lpft.slice(0, 2)).toEqual(probe);
    // Then fine-tuning moves on from there.
    expect(lpft).toHaveLength(3);
  });

  it('trunkLrScale slows the transferred layers and leaves the head at the run rate', async () => {
    const weights = (model: LayersModel, names: string[]): Float32Array[] =>
      names.flatMap((name) =>
        model
          .getLayer(name)
          .getWeights()
          .map((w) => new Float32Array(w.dataSync())),
      );
    const maxChange = (a: Float32Array[], b: Float32Array[]): number =>
      Math.max(...a.flatMap((w, i) => Array.from(w, (v, k) => Math.abs(v - (b[i]?.[k] ?? NaN)))));
    const sourceModel = await loadModel(tf, source.dir, source.hash);
    const trunkNames = weightLayers(sourceModel).map((l) => l.name);
    const trunkStart = weights(sourceModel, trunkNames);
    sourceModel.dispose();
    /** Trains through the loop (its parameter groups) and measures how far each part moved. */
    const moved = async (trunkLrScale: number) => {
      const c = config({ trunkLrScale }, { training: { epochs: 2, batchSize: 10 } });
      const initial = await prepare(c);
      const headStart = weights(initial.model, [OUTPUT_LAYER]);
      initial.dispose();
      const job = trainJob(c, {
        sourceModel: source,
        sourceClasses: [0, 1, 2, 3, 4],
        saveModel: true,
        modelsDir: suiteDir(),
      });
      const tensors = tf.memory().numTensors;
      const result = await train(
        job,
        tf,
        () => undefined,
        () => false,
      );
      // Two optimizers and one shared gradient per step leave nothing behind.
      expect(tf.memory().numTensors).toBe(tensors);
      if (result.status !== 'completed' || result.model === undefined)
        throw new Error('fine-tune failed');
      const trained = await loadModel(tf, result.model.dir, result.model.hash);
      const out = {
        trunk: maxChange(weights(trained, trunkNames), trunkStart),
        head: maxChange(weights(trained, [OUTPUT_LAYER]), headStart),
      };
      trained.dispose();
      return out;
    };
    const normal = await moved(1);
    const slow = await moved(0.01);
    // Adam's steps are about the learning rate each: a hundred times smaller on the trunk.
    expect(slow.trunk).toBeGreaterThan(0);
    expect(slow.trunk).toBeLessThan(normal.trunk / 20);
    expect(slow.head).toBeGreaterThan(normal.head / 2);
  });
});
