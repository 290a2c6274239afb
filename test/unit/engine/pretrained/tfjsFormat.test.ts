import { writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LayersModel, Sequential } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { selectBackend, type Tf } from '../../../../src-main/engine/backend';
import {
  readTfjsLayersModel,
  TfjsImportError,
} from '../../../../src-main/engine/pretrained/tfjsFormat';
import { useTempDirs } from '../../../helpers/tempDir';

let tf: Tf;
beforeAll(async () => {
  tf = (await selectBackend('wasm')).tf;
});

const tempDir = useTempDirs();
const SHARD = 'group1-shard1of1.bin';

function mlp(): Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [8], units: 4, activation: 'relu', name: 'hidden' }));
  model.add(tf.layers.dense({ units: 3, activation: 'softmax', name: 'out' }));
  return model;
}

function cnn(): Sequential {
  const model = tf.sequential();
  model.add(
    tf.layers.conv2d({
      inputShape: [6, 6, 1],
      filters: 2,
      kernelSize: 3,
      activation: 'relu',
      name: 'conv',
    }),
  );
  model.add(tf.layers.flatten({ name: 'flat' }));
  model.add(tf.layers.dense({ units: 3, activation: 'softmax', name: 'out' }));
  return model;
}

/**
 * Saves a model as the `tensorflowjs` converter and tfjs-node's file:// handler lay it out:
 * model.json with its weights manifest, and the weights in one shard beside it.
 */
async function saveModel(model: LayersModel, dir: string): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const { weightData, weightSpecs, modelTopology } = artifacts;
      if (weightData === undefined || weightSpecs === undefined) throw new Error('no weights');
      const buffers = Array.isArray(weightData) ? weightData : [weightData];
      const bytes = Buffer.concat(buffers.map((b) => Buffer.from(b)));
      const json = {
        modelTopology,
        format: 'layers-model',
        generatedBy: 'TensorFlow.js tfjs-layers v4.22.0',
        convertedBy: null,
        weightsManifest: [{ paths: [SHARD], weights: weightSpecs }],
      };
      await writeFile(join(dir, 'model.json'), JSON.stringify(json));
      await writeFile(join(dir, SHARD), bytes);
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          weightDataBytes: bytes.byteLength,
        },
      };
    }),
  );
}

const ModelJson = z.looseObject({
  modelTopology: z.unknown(),
  weightsManifest: z.array(
    z.looseObject({
      paths: z.array(z.string()),
      weights: z.array(z.looseObject({ name: z.string() })),
    }),
  ),
});

/** Rewrites a saved model.json. */
async function editModelJson(
  dir: string,
  edit: (json: z.infer<typeof ModelJson>) => unknown,
): Promise<void> {
  const path = join(dir, 'model.json');
  const json = ModelJson.parse(JSON.parse(await readFile(path, 'utf8')));
  await writeFile(path, JSON.stringify(edit(json)));
}

function predict(model: LayersModel, x: number[], shape: number[]): Float32Array {
  return tf.tidy(() => {
    const y = model.predict(tf.tensor(x, shape));
    if (Array.isArray(y)) throw new Error('one output expected');
    return y.dataSync() as Float32Array;
  });
}

/** Saves a model, reads it back and checks they predict the same on `rows` inputs. */
async function roundTrip(model: LayersModel, inputShape: number[], rows: number) {
  const dir = tempDir();
  await saveModel(model, dir);
  const imported = await readTfjsLayersModel(tf, dir);
  const size = inputShape.reduce((a, b) => a * b, 1);
  // Deterministic inputs, positive and negative.
  const x = Array.from({ length: rows * size }, (_, i) => Math.sin(i * 1.7) * 2);
  const shape = [rows, ...inputShape];
  expect(Array.from(predict(imported.model, x, shape))).toEqual(
    Array.from(predict(model, x, shape)),
  );
  return imported;
}

async function savedMlp(): Promise<string> {
  const model = mlp();
  const dir = tempDir();
  await saveModel(model, dir);
  model.dispose();
  return dir;
}

async function refusal(dir: string): Promise<string> {
  const before = tf.memory().numTensors;
  const error: unknown = await readTfjsLayersModel(tf, dir).then(
    () => new Error('the model was read'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TfjsImportError);
  expect(tf.memory().numTensors).toBe(before);
  return error instanceof Error ? error.message : String(error);
}

describe('readTfjsLayersModel', () => {
  it('reads back a dense model that predicts exactly as the original', async () => {
    const before = tf.memory().numTensors;
    const model = mlp();
    const imported = await roundTrip(model, [8], 5);
    expect(imported.inputShape).toEqual([8]);
    expect(imported.layers).toEqual([
      { name: 'hidden', className: 'Dense', outputShape: [4], parameters: 8 * 4 + 4 },
      { name: 'out', className: 'Dense', outputShape: [3], parameters: 4 * 3 + 3 },
    ]);
    expect(imported.parameters).toBe(36 + 15);
    expect(imported.parameters).toBe(model.countParams());
    expect(imported.producer).toBe('TensorFlow.js tfjs-layers v4.22.0');
    model.dispose();
    imported.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reads back a convolutional model that predicts exactly as the original', async () => {
    const before = tf.memory().numTensors;
    const model = cnn();
    const imported = await roundTrip(model, [6, 6, 1], 3);
    expect(imported.inputShape).toEqual([6, 6, 1]);
    expect(imported.layers).toEqual([
      { name: 'conv', className: 'Conv2D', outputShape: [4, 4, 2], parameters: 3 * 3 * 2 + 2 },
      { name: 'flat', className: 'Flatten', outputShape: [32], parameters: 0 },
      { name: 'out', className: 'Dense', outputShape: [3], parameters: 32 * 3 + 3 },
    ]);
    expect(imported.parameters).toBe(20 + 99);
    model.dispose();
    imported.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("reads a functional model, in the Keras converter's model_config wrapping", async () => {
    const before = tf.memory().numTensors;
    const input = tf.input({ shape: [8], name: 'features' });
    const hidden = tf.layers.dense({ units: 4, activation: 'relu', name: 'hidden' }).apply(input);
    const output = tf.layers.dense({ units: 3, activation: 'softmax', name: 'out' }).apply(hidden);
    if (Array.isArray(output) || !(output instanceof tf.SymbolicTensor)) throw new Error('one');
    const model = tf.model({ inputs: input, outputs: output });
    const dir = tempDir();
    await saveModel(model, dir);
    // The `tensorflowjs` converter writes Keras's own layout: the model under model_config.
    await editModelJson(dir, (json) => ({
      ...json,
      modelTopology: {
        keras_version: '2.15.0',
        backend: 'tensorflow',
        model_config: json.modelTopology,
      },
    }));
    const imported = await readTfjsLayersModel(tf, dir);
    expect(imported.inputShape).toEqual([8]);
    expect(imported.layers.map((l) => [l.className, l.outputShape])).toEqual([
      ['InputLayer', [8]],
      ['Dense', [4]],
      ['Dense', [3]],
    ]);
    const x = Array.from({ length: 24 }, (_, i) => Math.sin(i) - 0.5);
    expect(Array.from(predict(imported.model, x, [3, 8]))).toEqual(
      Array.from(predict(model, x, [3, 8])),
    );
    model.dispose();
    imported.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names the producer from generatedBy and convertedBy, or says it is unknown', async () => {
    const dir = await savedMlp();
    await editModelJson(dir, (json) => ({
      ...json,
      generatedBy: 'keras v2.15.0',
      convertedBy: 'TensorFlow.js Converter v4.22.0',
    }));
    const converted = await readTfjsLayersModel(tf, dir);
    expect(converted.producer).toBe('keras v2.15.0, converted by TensorFlow.js Converter v4.22.0');
    converted.model.dispose();
    await editModelJson(dir, (json) => ({ ...json, generatedBy: undefined, convertedBy: null }));
    const unknown = await readTfjsLayersModel(tf, dir);
    expect(unknown.producer).toBe('unknown');
    unknown.model.dispose();
  });

  it('reads weights split over several shards and groups, in manifest order', async () => {
    const before = tf.memory().numTensors;
    const model = mlp();
    const dir = tempDir();
    await saveModel(model, dir);
    const shard = await readFile(join(dir, SHARD));
    // hidden/kernel and hidden/bias (36 floats) in group 1, split over two files; out's in group 2.
    await writeFile(join(dir, 'group1-shard1of2.bin'), shard.subarray(0, 100));
    await writeFile(join(dir, 'group1-shard2of2.bin'), shard.subarray(100, 144));
    await writeFile(join(dir, 'group2-shard1of1.bin'), shard.subarray(144));
    await editModelJson(dir, (json) => {
      const weights = json.weightsManifest.flatMap((g) => g.weights);
      return {
        ...json,
        weightsManifest: [
          { paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'], weights: weights.slice(0, 2) },
          { paths: ['group2-shard1of1.bin'], weights: weights.slice(2) },
        ],
      };
    });
    const imported = await readTfjsLayersModel(tf, dir);
    const x = Array.from({ length: 16 }, (_, i) => Math.cos(i) * 3);
    expect(Array.from(predict(imported.model, x, [2, 8]))).toEqual(
      Array.from(predict(model, x, [2, 8])),
    );
    imported.model.dispose();

    // A short shard in a group of several: each file is named with its size.
    await writeFile(join(dir, 'group1-shard2of2.bin'), shard.subarray(100, 140));
    expect(await refusal(dir)).toBe(
      "The weight files 'group1-shard1of2.bin' (100 bytes), 'group1-shard2of2.bin' (40 bytes) " +
        'of weights group 1 hold 140 bytes, but the weights model.json lists for them need ' +
        '144 bytes: the files are truncated',
    );
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a missing shard, naming it', async () => {
    const dir = await savedMlp();
    await editModelJson(dir, (json) => ({
      ...json,
      weightsManifest: json.weightsManifest.map((g) => ({ ...g, paths: ['weights.bin'] })),
    }));
    expect(await refusal(dir)).toMatch(/weight file 'weights\.bin'.*is missing/);
  });

  it('refuses a truncated shard with the byte counts', async () => {
    const dir = await savedMlp();
    const shard = await readFile(join(dir, SHARD));
    writeFileSync(join(dir, SHARD), shard.subarray(0, shard.byteLength - 8));
    expect(await refusal(dir)).toBe(
      `The weight file '${SHARD}' holds 196 bytes, but the weights model.json lists for them ` +
        'need 204 bytes: the file is truncated',
    );
  });

  it('refuses a padded shard with the byte counts', async () => {
    const dir = await savedMlp();
    const shard = await readFile(join(dir, SHARD));
    writeFileSync(join(dir, SHARD), Buffer.concat([shard, Buffer.alloc(4)]));
    expect(await refusal(dir)).toMatch(
      /'group1-shard1of1\.bin' holds 208 bytes.*need 204 bytes: the file is too long/,
    );
  });

  it('refuses a weight that is not float32, naming it', async () => {
    const dir = await savedMlp();
    await editModelJson(dir, (json) => ({
      ...json,
      weightsManifest: json.weightsManifest.map((g) => ({
        ...g,
        weights: g.weights.map((w, i) => (i === 1 ? { ...w, dtype: 'int32' } : w)),
      })),
    }));
    expect(await refusal(dir)).toBe(
      "Weight 'hidden/bias' has dtype int32; only float32 weights are read",
    );
  });

  it('refuses a quantized weight', async () => {
    const dir = await savedMlp();
    await editModelJson(dir, (json) => ({
      ...json,
      weightsManifest: json.weightsManifest.map((g) => ({
        ...g,
        weights: g.weights.map((w, i) =>
          i === 0 ? { ...w, quantization: { dtype: 'uint8', scale: 0.1, min: -1 } } : w,
        ),
      })),
    }));
    expect(await refusal(dir)).toMatch(/Weight 'hidden\/kernel' is quantized/);
  });

  it('refuses a graph model: only the layers format is read', async () => {
    const dir = await savedMlp();
    await editModelJson(dir, (json) => ({
      ...json,
      format: 'graph-model',
      modelTopology: { node: [], library: {}, versions: {} },
    }));
    const message = await refusal(dir);
    expect(message).toMatch(/graph model; only the tfjs layers format is read/);
    expect(message).toMatch(/cannot be fine-tuned layer by layer/);
    // Older converters wrote no `format`: the GraphDef topology gives it away.
    await editModelJson(dir, (json) => ({ ...json, format: undefined }));
    expect(await refusal(dir)).toBe(message);
  });

  it('refuses shard paths that leave the folder', async () => {
    for (const path of ['../group1-shard1of1.bin', 'sub/../../x.bin', '/etc/passwd', '.']) {
      const dir = await savedMlp();
      await editModelJson(dir, (json) => ({
        ...json,
        weightsManifest: json.weightsManifest.map((g) => ({ ...g, paths: [path] })),
      }));
      expect(await refusal(dir)).toBe(
        `model.json is not a tfjs layers model: the weight file path '${path}' leaves the ` +
          "model's folder; shard paths must be relative and stay inside it",
      );
    }
  });

  it('refuses malformed JSON and a model.json that is not a layers model', async () => {
    const dir = await savedMlp();
    await writeFile(join(dir, 'model.json'), '{"modelTopology": {');
    expect(await refusal(dir)).toMatch(
      /^model\.json is not a tfjs layers model: it is not valid JSON/,
    );

    await writeFile(join(dir, 'model.json'), JSON.stringify({ modelTopology: {} }));
    expect(await refusal(dir)).toMatch(/^model\.json is not a tfjs layers model: weightsManifest/);

    await writeFile(
      join(dir, 'model.json'),
      JSON.stringify({
        modelTopology: { foo: 1 },
        weightsManifest: [{ paths: [SHARD], weights: [] }],
      }),
    );
    expect(await refusal(dir)).toMatch(/not a Keras model/);
  });

  it('refuses a folder without model.json', async () => {
    expect(await refusal(tempDir())).toMatch(/^Cannot read model\.json in /);
  });

  it('refuses weights that do not fit the topology, through tfjs, without leaking', async () => {
    const dir = await savedMlp();
    // The sizes still add up, but the weights' names match none of the model's variables.
    await editModelJson(dir, (json) => ({
      ...json,
      weightsManifest: json.weightsManifest.map((g) => ({
        ...g,
        weights: g.weights.map((w) => ({ ...w, name: `renamed/${w.name}` })),
      })),
    }));
    expect(await refusal(dir)).toMatch(
      /^model\.json is not a tfjs layers model: its weights do not fit its topology/,
    );
  });
});
