import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, type Tf } from '../../../src-main/engine/backend';
import { hiddenLayers, OUTPUT_LAYER, weightLayers } from '../../../src-main/engine/model';
import { convertOnnxModel } from '../../../src-main/engine/onnx/convert';
import { canonicalise } from '../../../src-main/engine/pretrained/canonical';
import {
  pytorchInputs,
  pytorchOutputs,
  readPretrainedFixture,
} from '../../helpers/pretrainedFixtures';

/**
 * Issue 13, point 2: an imported model rebuilt with the names the strategies look up (conv_i,
 * hidden_i, output) computes what PyTorch computed, on the saved inputs, to 1e-4; its feature
 * layer can be moved; what cannot be features is refused by name.
 */

const read = readPretrainedFixture;
const inputs = pytorchInputs;
const outputs = pytorchOutputs;

let tf: Tf;
beforeAll(async () => {
  tf = (await selectBackend('wasm')).tf;
});

function maxDiffToPyTorch(model: ReturnType<typeof canonicalise>['model'], name: 'mlp' | 'cnn') {
  return tf.tidy(() => {
    const x = tf.tensor2d(inputs[name]);
    const shaped = name === 'mlp' ? x : x.reshape([-1, 28, 28, 1]);
    const y = model.predict(shaped);
    if (Array.isArray(y)) throw new Error('one output expected');
    return tf.sub(y, tf.tensor2d(outputs[name])).abs().max().dataSync()[0] ?? Infinity;
  });
}

describe('canonical imported models', () => {
  it('names the MLP as Transferlab names its own and keeps its outputs', () => {
    const before = tf.memory().numTensors;
    const converted = convertOnnxModel(tf, read('mlp.onnx'));
    const c = canonicalise(tf, converted.model);
    converted.model.dispose();
    expect(c.layers.map((l) => [l.name, l.className, l.role, l.activation])).toEqual([
      ['hidden_1', 'Dense', 'features', 'relu'],
      ['output', 'Dense', 'head', 'linear'],
    ]);
    expect(c.featureLayer).toBe('hidden_1');
    expect(c.featureSize).toBe(64);
    expect(c.outputUnits).toBe(10);
    expect(c.notes.join(' ')).toMatch(/Fused 1 activation/);
    expect(hiddenLayers(c.model).map((l) => l.name)).toEqual(['hidden_1']);
    expect(maxDiffToPyTorch(c.model, 'mlp')).toBeLessThan(1e-4);
    c.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('cuts the CNN after its flattened trunk and keeps its outputs', () => {
    const before = tf.memory().numTensors;
    const converted = convertOnnxModel(tf, read('cnn.onnx'));
    const c = canonicalise(tf, converted.model);
    converted.model.dispose();
    const named = c.layers.map((l) => l.name);
    expect(named.filter((n) => /^conv_\d$/.test(n))).toEqual(['conv_1', 'conv_2']);
    expect(c.featureLayer).toBe('hidden_1');
    expect(c.layers.find((l) => l.name === 'hidden_1')?.className).toBe('Flatten');
    expect(c.layers.at(-1)?.name).toBe(OUTPUT_LAYER);
    expect(c.featureSize).toBe(16 * 6 * 6);
    expect(weightLayers(c.model).map((l) => l.name)).toEqual(['conv_1', 'conv_2', 'hidden_1']);
    const diff = maxDiffToPyTorch(c.model, 'cnn');
    expect(diff).toBeLessThan(1e-4);

    // Canonicalising again is the identity, and the same weights give the same outputs.
    const again = canonicalise(tf, c.model);
    expect(again.layers.map((l) => l.name)).toEqual(named);
    expect(maxDiffToPyTorch(again.model, 'cnn')).toBe(diff);
    again.model.dispose();
    c.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('moves the feature layer where asked and refuses what cannot be features', () => {
    const before = tf.memory().numTensors;
    const m = tf.sequential({
      layers: [
        tf.layers.dense({ units: 8, inputShape: [4], activation: 'relu', name: 'a' }),
        tf.layers.dropout({ rate: 0.5, name: 'drop' }),
        tf.layers.dense({ units: 6, name: 'b' }),
        tf.layers.activation({ activation: 'tanh', name: 'b_act' }),
        tf.layers.dense({ units: 3, activation: 'softmax', name: 'c' }),
      ],
    });
    const byDefault = canonicalise(tf, m);
    expect(byDefault.layers.map((l) => `${l.name}:${l.role}`)).toEqual([
      'hidden_1:trunk',
      'dropout_1:trunk',
      'hidden_2:features',
      'output:head',
    ]);
    expect(byDefault.notes.join(' ')).toMatch(/Dropped the final softmax/);
    byDefault.model.dispose();

    const early = canonicalise(tf, m, 'a');
    expect(early.layers.map((l) => `${l.name}:${l.role}`)).toEqual([
      'hidden_1:features',
      'dropout_1:head',
      'head_1:head',
      'output:head',
    ]);
    // The same function: a logit model whose argmax is the softmax model's.
    const x = tf.randomNormal([5, 4], 0, 1, 'float32', 1);
    const same = tf.tidy(() => {
      const p = m.predict(x);
      const z = early.model.predict(x);
      if (Array.isArray(p) || Array.isArray(z)) throw new Error('one output');
      return tf.sub(tf.softmax(z), p).abs().max().dataSync()[0];
    });
    x.dispose();
    expect(same).toBeLessThan(1e-6);
    early.model.dispose();

    expect(() => canonicalise(tf, m, 'drop')).toThrow(/drop cannot be the feature layer.*a, b/);
    expect(() => canonicalise(tf, m, 'nope')).toThrow(
      /has no layer nope; the feature layer can be: a, b/,
    );
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
