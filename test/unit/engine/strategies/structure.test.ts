import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, type Tf } from '../../../../src-main/engine/backend';
import {
  buildMlp,
  hiddenLayers,
  loadModel,
  type SavedModel,
} from '../../../../src-main/engine/model';
import { structure } from '../../../../src-main/engine/strategies/structure';
import { train } from '../../../../src-main/engine/train';
import { recorder, trainJob } from '../fixtures';
import { DIGITS, digitsConfig, layerBytes, trainSource, useSuiteDir } from './helpers';

const suiteDir = useSuiteDir();
let tf: Tf;
/** A source whose architecture differs from the runs' ModelSpec ([32, 16] relu). */
let tanhSource: SavedModel;
beforeAll(async () => {
  tf = (await selectBackend('wasm')).tf;
  tanhSource = await trainSource(tf, suiteDir(), {
    ...DIGITS,
    model: { type: 'mlp', hidden: [24, 12], activation: 'tanh' },
  });
});

describe('structure transfer', () => {
  it("has the source's architecture but none of its weights: a fresh draw from the run seed", async () => {
    const source = await loadModel(tf, tanhSource.dir, tanhSource.hash);
    const sourceBytes = hiddenLayers(source).map(layerBytes);
    const logs: string[] = [];
    const prepared = structure.prepare({
      tf,
      config: digitsConfig('structure'),
      featureShape: DIGITS.featureShape,
      numClasses: 3,
      sourceModel: source,
      log: (_, m) => logs.push(m),
    });
    const hidden = hiddenLayers(prepared.model);
    expect(hidden.map((l) => l.outputShape.at(-1))).toEqual([24, 12]);
    expect(hidden.map((l) => l.getConfig().activation)).toEqual(['tanh', 'tanh']);
    expect(prepared.model.outputs[0]?.shape).toEqual([null, 3]);
    expect(logs).toContain(
      'structure uses the source architecture [24, 12] tanh, not [32, 16] relu',
    );
    // No weight comes from the source...
    hidden.map(layerBytes).forEach((bytes, i) => {
      expect(bytes[0]).not.toEqual(sourceBytes[i]?.[0]);
    });
    // ... every one is the run seed's initialisation of that architecture.
    const fresh = buildMlp(tf, { type: 'mlp', hidden: [24, 12], activation: 'tanh' }, [8, 8], 3, 2);
    expect(prepared.model.layers.filter((l) => l.getWeights().length > 0).map(layerBytes)).toEqual(
      fresh.layers.filter((l) => l.getWeights().length > 0).map(layerBytes),
    );
    expect(prepared.trainable).toHaveLength(6);
    fresh.dispose();
    prepared.dispose();
  });

  it('transfers the hidden sizes across input shapes', async () => {
    const prepared = structure.prepare({
      tf,
      config: digitsConfig('structure'),
      featureShape: [20],
      numClasses: 2,
      sourceModel: await loadModel(tf, tanhSource.dir, tanhSource.hash),
      log: () => undefined,
    });
    expect(prepared.model.inputs[0]?.shape).toEqual([null, 20]);
    expect(prepared.model.outputs[0]?.shape).toEqual([null, 1]);
    prepared.dispose();
  });

  it("is scratch, metric for metric, when the source's architecture is the run's", async () => {
    const same = await trainSource(tf, suiteDir(), DIGITS);
    const run = async (strategy: 'scratch' | 'structure') => {
      const rec = recorder();
      const result = await train(
        trainJob(digitsConfig(strategy), { sourceModel: same }),
        tf,
        rec.emit,
        () => false,
      );
      return { result, epochs: rec.epochs() };
    };
    const [a, b] = [await run('scratch'), await run('structure')];
    expect(b.result.status).toBe('completed');
    expect(b.epochs).toHaveLength(3);
    expect(b).toEqual(a);
  });
});
