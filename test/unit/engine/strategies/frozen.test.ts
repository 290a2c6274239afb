import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, type Tf } from '../../../../src-main/engine/backend';
import { hiddenLayers, loadModel, type SavedModel } from '../../../../src-main/engine/model';
import { featureExtraction } from '../../../../src-main/engine/strategies/featureExtraction';
import { train } from '../../../../src-main/engine/train';
import { useTempDirs } from '../../../helpers/tempDir';
import { recorder, trainJob } from '../fixtures';
import { DIGITS, digitsConfig, layerBytes, trainSource, useSuiteDir } from './helpers';

const tempDir = useTempDirs();
const suiteDir = useSuiteDir();
let tf: Tf;
let source: SavedModel;
beforeAll(async () => {
  tf = (await selectBackend('wasm')).tf;
  source = await trainSource(tf, suiteDir(), DIGITS);
});

/** Trains a strategy from the digits source, saving the result; returns both models. */
async function trained(
  strategy: 'fine-tune' | 'feature-extraction',
  params: Record<string, number>,
) {
  const rec = recorder();
  const result = await train(
    trainJob(digitsConfig(strategy, params, { training: { epochs: 5, batchSize: 10 } }), {
      sourceModel: source,
      saveModel: true,
      modelsDir: tempDir(),
    }),
    tf,
    rec.emit,
    () => false,
  );
  if (result.status !== 'completed' || result.model === undefined) throw new Error('run failed');
  const frozen = rec.messages.flatMap((m) =>
    m.type === 'log' && m.message.startsWith('Frozen layers: ')
      ? m.message.slice('Frozen layers: '.length).split(', ')
      : [],
  );
  return {
    src: await loadModel(tf, source.dir, source.hash),
    out: await loadModel(tf, result.model.dir, result.model.hash),
    frozen,
  };
}

describe('frozen layers stay bit-identical after training', () => {
  for (const [strategy, params, frozen, moved] of [
    ['fine-tune', { freezeLayers: 1, l2sp: 0.1, l2: 0.01 }, ['hidden_1'], ['hidden_2', 'output']],
    ['feature-extraction', {}, ['hidden_1', 'hidden_2'], ['output']],
    ['feature-extraction', { layer: 1, headHidden: 8 }, ['hidden_1'], ['head_hidden', 'output']],
  ] as const) {
    it(`${strategy} ${JSON.stringify(params)}: ${frozen.join(', ')} frozen`, async () => {
      const run = await trained(strategy, params);
      expect(run.frozen).toEqual(frozen);
      for (const name of frozen)
        expect(layerBytes(run.out.getLayer(name))).toEqual(layerBytes(run.src.getLayer(name)));
      for (const name of moved) {
        const layer = run.out.getLayer(name);
        const before = run.src.layers.find((l) => l.name === name);
        if (before) expect(layerBytes(layer)[0]).not.toEqual(layerBytes(before)[0]);
        else expect(layer.getWeights().length).toBe(2);
      }
      expect(run.out.outputs[0]?.shape).toEqual([null, 3]);
      run.src.dispose();
      run.out.dispose();
    });
  }

  it('feature-extraction hands the optimizer the head only, at a scaled learning rate', async () => {
    const prepared = featureExtraction.prepare({
      tf,
      config: digitsConfig('feature-extraction', { learningRateScale: 7 }),
      featureShape: DIGITS.featureShape,
      numClasses: 3,
      sourceModel: await loadModel(tf, source.dir, source.hash),
      log: () => undefined,
    });
    expect(prepared.trainable.map((v) => v.name.split('/')[0])).toEqual(['output', 'output']);
    expect(prepared.learningRateScale).toBe(7);
    // A linear probe: the head maps the 16 features of hidden_2 onto 3 logits.
    expect(prepared.model.getLayer('output').getWeights()[0]?.shape).toEqual([16, 3]);
    expect(hiddenLayers(prepared.model).map((l) => l.name)).toEqual(['hidden_1', 'hidden_2']);
    prepared.dispose();
  });

  it('feature-extraction refuses a layer the source does not have', async () => {
    const model = await loadModel(tf, source.dir, source.hash);
    expect(() =>
      featureExtraction.prepare({
        tf,
        config: digitsConfig('feature-extraction', { layer: 3 }),
        featureShape: DIGITS.featureShape,
        numClasses: 3,
        sourceModel: model,
        log: () => undefined,
      }),
    ).toThrow('layer is 3 but the model has only 2 hidden layer(s)');
    model.dispose();
  });
});
