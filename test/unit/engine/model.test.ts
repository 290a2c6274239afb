import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, type Tf } from '../../../src-main/engine/backend';
import {
  buildMlp,
  buildModel,
  hiddenLayers,
  loadModel,
  logits,
  probabilities,
  saveModel,
} from '../../../src-main/engine/model';
import type { ModelSpec } from '../../../src-shared/domain/experimentSpec';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();
let tf: Tf;
beforeAll(async () => {
  tf = (await selectBackend('wasm')).tf;
});

function weightsOf(model: ReturnType<typeof buildMlp>): Float32Array[] {
  return model.getWeights().map((w) => Float32Array.from(w.dataSync()));
}

describe('buildMlp', () => {
  it('builds hidden layers and a k-way logits head, flattening a 2-D feature shape', () => {
    const model = buildMlp(tf, { type: 'mlp', hidden: [16, 8], activation: 'tanh' }, [8, 8], 10, 1);
    expect(model.inputs[0]?.shape).toEqual([null, 8, 8]);
    expect(model.outputs[0]?.shape).toEqual([null, 10]);
    expect(hiddenLayers(model).map((l) => l.name)).toEqual(['hidden_1', 'hidden_2']);
    const p = probabilities(tf, model, tf.zeros([2, 8, 8]));
    const sums = tf.sum(p, 1);
    expect([...sums.dataSync()].map((v) => Math.round(v * 1e5) / 1e5)).toEqual([1, 1]);
    tf.dispose([p, sums]);
    model.dispose();
  });

  it("builds the articles' example, 20 → Dense(10, relu) → Dense(1), with 221 parameters", () => {
    // resources/examples/related-synthetic-tasks.json: two classes, so a single-logit head.
    const model = buildMlp(tf, { type: 'mlp', hidden: [10], activation: 'relu' }, [20], 2, 0);
    expect(model.layers.map((l) => l.name)).toEqual(['hidden_1', 'output']);
    expect(model.getLayer('hidden_1').getConfig()).toMatchObject({ units: 10, activation: 'relu' });
    expect(model.getLayer('output').getConfig()).toMatchObject({ units: 1, activation: 'linear' });
    expect(model.getWeights().map((w) => w.shape)).toEqual([[20, 10], [10], [10, 1], [1]]);
    expect(model.countParams()).toBe(20 * 10 + 10 + 10 * 1 + 1);
    expect(model.countParams()).toBe(221);
    model.dispose();
  });

  it('initialises from the seed: same seed, bit-identical weights; another seed, others', () => {
    const spec = { type: 'mlp' as const, hidden: [32], activation: 'relu' as const };
    const a = buildMlp(tf, spec, [64], 10, 7);
    const b = buildMlp(tf, spec, [64], 10, 7);
    const c = buildMlp(tf, spec, [64], 10, 8);
    expect(weightsOf(b)).toEqual(weightsOf(a));
    expect(weightsOf(c)[0]).not.toEqual(weightsOf(a)[0]);
    // Biases start at zero.
    expect(weightsOf(a)[1]?.every((v) => v === 0)).toBe(true);
    for (const m of [a, b, c]) m.dispose();
  });
});

describe('ModelSpec.init (issue 17)', () => {
  /** max |w| and the largest |bias| of each Dense or Conv2D layer, with its fan-in. */
  function layerStats(model: ReturnType<typeof buildModel>) {
    return model.layers.flatMap((layer) => {
      const [kernel, bias] = layer.getWeights();
      if (kernel === undefined || bias === undefined) return [];
      const w = Array.from(kernel.dataSync());
      const fanIn = kernel.shape.slice(0, -1).reduce((a, b) => a * b, 1);
      return [
        {
          name: layer.name,
          bound: 1 / Math.sqrt(fanIn),
          maxW: Math.max(...w.map(Math.abs)),
          maxB: Math.max(...Array.from(bias.dataSync(), Math.abs)),
        },
      ];
    });
  }

  it('lecun-uniform draws every layer uniform in ±1/√fan_in, biases zero', () => {
    const specs: ModelSpec[] = [
      { type: 'mlp', hidden: [32, 16], activation: 'relu', init: 'lecun-uniform' },
      { type: 'cnn', conv: [4], dense: [8], kernelSize: 3, init: 'lecun-uniform' },
    ];
    for (const spec of specs) {
      const model = buildModel(tf, spec, [8, 8], 3, 5);
      const stats = layerStats(model);
      expect(stats).toHaveLength(3);
      for (const s of stats) {
        expect(s.maxW, s.name).toBeLessThanOrEqual(s.bound);
        expect(s.maxW, s.name).toBeGreaterThan(0.7 * s.bound);
        expect(s.maxB, s.name).toBe(0);
      }
      model.dispose();
    }
  });

  it('he (the default, also when absent) draws He-normal ReLU layers, wider than ±1/√fan_in', () => {
    const absent = buildModel(tf, { type: 'mlp', hidden: [64], activation: 'relu' }, [8, 8], 3, 5);
    const he = buildModel(
      tf,
      { type: 'mlp', hidden: [64], activation: 'relu', init: 'he' },
      [8, 8],
      3,
      5,
    );
    expect(he.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(
      absent.getWeights().map((w) => Array.from(w.dataSync())),
    );
    const [hidden] = layerStats(he);
    // He-normal's sd is √2/√fan_in, truncated at two sd: beyond the LeCun bound.
    expect(hidden?.maxW).toBeGreaterThan(hidden?.bound ?? Infinity);
    he.dispose();
    absent.dispose();
  });
});

describe('saveModel / loadModel', () => {
  it('writes <modelsDir>/<sha256 of weights.bin>/ and loads back the same model', async () => {
    const dir = tempDir();
    const model = buildMlp(tf, { type: 'mlp', hidden: [16], activation: 'relu' }, [8, 8], 4, 3);
    const saved = await saveModel(tf, model, dir);
    const weights = readFileSync(join(saved.dir, 'weights.bin'));
    expect(saved.hash).toBe(createHash('sha256').update(weights).digest('hex'));
    expect(saved.dir).toBe(join(dir, saved.hash));
    // No temporary folder is left behind.
    expect(readdirSync(dir)).toEqual([saved.hash]);
    const json = JSON.parse(readFileSync(join(saved.dir, 'model.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(json.weightsManifest).toEqual([
      { paths: ['weights.bin'], weights: expect.any(Array) as unknown },
    ]);

    const loaded = await loadModel(tf, saved.dir, saved.hash);
    expect(weightsOf(loaded)).toEqual(weightsOf(model));
    const x = tf.randomUniform([5, 8, 8], 0, 1, 'float32', 1);
    const y1 = logits(tf, model, x);
    const y2 = logits(tf, loaded, x);
    expect(y2.dataSync()).toEqual(y1.dataSync());
    tf.dispose([x, y1, y2]);

    // The same weights saved again land in the same folder.
    expect(await saveModel(tf, loaded, dir)).toEqual(saved);
    expect(readdirSync(dir)).toEqual([saved.hash]);
    model.dispose();
    loaded.dispose();
  });

  it('refuses weights that do not match the expected hash', async () => {
    const dir = tempDir();
    const model = buildMlp(tf, { type: 'mlp', hidden: [4], activation: 'relu' }, [3], 2, 1);
    const saved = await saveModel(tf, model, dir);
    await expect(loadModel(tf, saved.dir, '0'.repeat(64))).rejects.toThrow(
      'differs from the expected',
    );
    model.dispose();
  });
});
