import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { io, LayersModel, Tensor } from '@tensorflow/tfjs';
import { z } from 'zod';
import { formatIssue, issuesFromZod } from '../../../src-shared/result';
import type { Tf } from '../backend';

/**
 * Pretrained models in the TensorFlow.js layers format (issue 13, point 1): a folder holding
 * `model.json` (the Keras topology and a weights manifest) and the weight shards it names, as
 * the `tensorflowjs` converter and tfjs's own file:// save handler write them
 * (https://www.tensorflow.org/js/guide/save_load). Only the layers format is read: a graph model
 * (`format: 'graph-model'`) is a frozen inference graph, with no layers to cut a head from or to
 * fine-tune one by one. Every check that can be made on the files is made before tfjs sees them,
 * so that a bad folder is refused with a message naming what is wrong, not with tfjs's.
 */

export class TfjsImportError extends Error {
  override name = 'TfjsImportError';
}

export interface ImportedTfjsLayer {
  name: string;
  className: string;
  /** The layer's output shape without the batch dimension; null where tfjs cannot say (a shared layer). */
  outputShape: (number | null)[] | null;
  parameters: number;
}

export interface ImportedTfjsModel {
  model: LayersModel;
  /** The model's input shape without the batch dimension. */
  inputShape: number[];
  layers: ImportedTfjsLayer[];
  parameters: number;
  /** `generatedBy` and `convertedBy` of model.json, or 'unknown'. */
  producer: string;
  /** model.json and its shards, in manifest order, as read: what the import's hash covers. */
  files: string[];
}

export const MODEL_JSON = 'model.json';

const WeightSchema = z.looseObject({
  name: z.string().min(1),
  shape: z.array(z.int().nonnegative()),
  dtype: z.string(),
  quantization: z.unknown().optional(),
  group: z.string().optional(),
});

const ModelJsonSchema = z.looseObject({
  format: z.string().nullish(),
  generatedBy: z.string().nullish(),
  convertedBy: z.string().nullish(),
  // Keras's JSON topology, checked by tfjs itself when it builds the model.
  modelTopology: z.record(z.string(), z.unknown()),
  weightsManifest: z.array(
    z.looseObject({ paths: z.array(z.string()).min(1), weights: z.array(WeightSchema) }),
  ),
});

type ModelJson = z.infer<typeof ModelJsonSchema>;
type WeightEntry = z.infer<typeof WeightSchema>;

const FLOAT32_BYTES = 4;

function notLayersModel(reason: string): TfjsImportError {
  return new TfjsImportError(`${MODEL_JSON} is not a tfjs layers model: ${reason}`);
}

function graphModel(): TfjsImportError {
  return new TfjsImportError(
    `${MODEL_JSON} holds a tfjs graph model; only the tfjs layers format is read: a graph ` +
      'model is a frozen inference graph and cannot be fine-tuned layer by layer. Convert ' +
      'the original Keras model with `tensorflowjs_converter --output_format tfjs_layers_model`',
  );
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function readModelJson(dir: string): Promise<ModelJson> {
  let text: string;
  try {
    text = await readFile(join(dir, MODEL_JSON), 'utf8');
  } catch (e) {
    throw new TfjsImportError(`Cannot read ${MODEL_JSON} in ${dir}: ${errorMessage(e)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw notLayersModel(`it is not valid JSON (${errorMessage(e)})`);
  }
  // The format is looked at before the rest: a graph model also lacks what a layers model needs,
  // and "only the layers format is read" is the message that helps.
  if (typeof value === 'object' && value !== null && 'format' in value) {
    if (value.format === 'graph-model') throw graphModel();
  }
  const parsed = ModelJsonSchema.safeParse(value);
  if (!parsed.success) {
    throw notLayersModel(issuesFromZod(parsed.error).map(formatIssue).join('; '));
  }
  const json = parsed.data;
  if (json.format !== undefined && json.format !== null && json.format !== 'layers-model') {
    throw notLayersModel(`its format is '${json.format}', not 'layers-model'`);
  }
  if (!('class_name' in json.modelTopology) && !('model_config' in json.modelTopology)) {
    // Older converters wrote graph models without `format`: their topology is a GraphDef.
    if ('node' in json.modelTopology) throw graphModel();
    throw notLayersModel('its modelTopology is not a Keras model (no class_name or model_config)');
  }
  return json;
}

/** A shard's path, refused unless it is a relative path that stays inside the folder. */
function shardPath(dir: string, path: string): string {
  const segments = path.split(/[\\/]/);
  const root = resolve(dir);
  const full = resolve(root, path);
  const inside = relative(root, full);
  if (
    isAbsolute(path) ||
    /^[a-zA-Z]:/.test(path) ||
    segments.includes('..') ||
    inside === '' ||
    inside.startsWith(`..${sep}`) ||
    isAbsolute(inside)
  ) {
    throw notLayersModel(
      `the weight file path '${path}' leaves the model's folder; shard paths must be relative ` +
        'and stay inside it',
    );
  }
  return full;
}

function checkWeight(weight: WeightEntry): number {
  if (weight.dtype !== 'float32') {
    throw new TfjsImportError(
      `Weight '${weight.name}' has dtype ${weight.dtype}; only float32 weights are read`,
    );
  }
  if (weight.quantization !== undefined) {
    throw new TfjsImportError(
      `Weight '${weight.name}' is quantized; only unquantized float32 weights are read ` +
        '(convert the model without --quantize_*)',
    );
  }
  return weight.shape.reduce((a, b) => a * b, 1) * FLOAT32_BYTES;
}

/** Reads a group's shards and checks their bytes against what its weights need. */
async function readGroup(
  dir: string,
  group: ModelJson['weightsManifest'][number],
  index: number,
): Promise<Buffer[]> {
  const needed = group.weights.reduce((sum, weight) => sum + checkWeight(weight), 0);
  const files = group.paths.map((path) => ({ path, full: shardPath(dir, path) }));
  const buffers: Buffer[] = [];
  for (const file of files) {
    const info = await stat(file.full).catch(() => null);
    if (info === null || !info.isFile()) {
      throw new TfjsImportError(
        `The weight file '${file.path}' named in ${MODEL_JSON} is missing from ${dir}`,
      );
    }
    buffers.push(await readFile(file.full));
  }
  const held = buffers.reduce((sum, b) => sum + b.byteLength, 0);
  if (held !== needed) {
    const one = files.length === 1;
    const which = one
      ? `The weight file '${files.map((f) => f.path).join('')}' holds`
      : `The weight files ${files
          .map((f, i) => `'${f.path}' (${String(buffers[i]?.byteLength ?? 0)} bytes)`)
          .join(', ')} of weights group ${String(index + 1)} hold`;
    const verdict = held < needed ? 'truncated' : 'too long (padded, or not this model’s)';
    throw new TfjsImportError(
      `${which} ${String(held)} bytes, but the weights ${MODEL_JSON} lists for them need ` +
        `${String(needed)} bytes: ${one ? 'the file is' : 'the files are'} ${verdict}`,
    );
  }
  return buffers;
}

function producerOf(json: ModelJson): string {
  const generated = json.generatedBy ?? undefined;
  const converted = json.convertedBy ?? undefined;
  if (generated !== undefined && converted !== undefined && generated !== converted) {
    return `${generated}, converted by ${converted}`;
  }
  return generated ?? converted ?? 'unknown';
}

type Layer = LayersModel['layers'][number];

type Shape = (number | null)[];

function isShape(shape: Shape | Shape[]): shape is Shape {
  return shape.every((d) => !Array.isArray(d));
}

function layerOutputShape(layer: Layer): Shape | null {
  let shape: Shape | Shape[];
  try {
    shape = layer.outputShape;
  } catch {
    // A layer applied to inputs of different shapes has no single output shape.
    return null;
  }
  // A layer with several outputs gives a list of shapes: not one shape.
  return isShape(shape) ? shape.slice(1) : null;
}

function describe(model: LayersModel): Pick<ImportedTfjsModel, 'inputShape' | 'layers'> {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new TfjsImportError(
      `The model has ${String(model.inputs.length)} inputs and ${String(model.outputs.length)} ` +
        'outputs; only models with one input and one output are read',
    );
  }
  const input = model.inputs[0]?.shape.slice(1) ?? [];
  const inputShape = input.flatMap((d) => (d === null ? [] : [d]));
  if (inputShape.length !== input.length) {
    throw new TfjsImportError(
      `The model's input shape [${input.map((d) => (d === null ? '?' : String(d))).join(', ')}] ` +
        'has unknown sizes; only models with a fixed input shape are read',
    );
  }
  const layers = model.layers.map((layer) => ({
    name: layer.name,
    className: layer.getClassName(),
    outputShape: layerOutputShape(layer),
    parameters: layer.countParams(),
  }));
  return { inputShape, layers };
}

/**
 * Reads the tfjs layers model in `dir` (model.json and its weight shards). Refuses, with a
 * TfjsImportError, a graph model, a model.json that is not a layers model, weights other than
 * float32, shard paths that leave the folder, missing shards and shards whose size does not
 * match the manifest. The caller owns the model: dispose it.
 */
export async function readTfjsLayersModel(tf: Tf, dir: string): Promise<ImportedTfjsModel> {
  const json = await readModelJson(dir);
  const buffers: Buffer[] = [];
  for (const [index, group] of json.weightsManifest.entries()) {
    buffers.push(...(await readGroup(dir, group, index)));
  }
  const files = [
    join(dir, MODEL_JSON),
    ...json.weightsManifest.flatMap((g) => g.paths.map((p) => shardPath(dir, p))),
  ];
  // The manifest's entries are tfjs's WeightsManifestEntry once their dtype is checked.
  const weightSpecs: io.WeightsManifestEntry[] = json.weightsManifest.flatMap((group) =>
    group.weights.map((w) => ({ name: w.name, shape: w.shape, dtype: 'float32' as const })),
  );
  // One ArrayBuffer of the shards in manifest order, as tfjs's own loaders hand it.
  const weightData = new Uint8Array(buffers.reduce((sum, b) => sum + b.byteLength, 0));
  let offset = 0;
  for (const b of buffers) {
    weightData.set(b, offset);
    offset += b.byteLength;
  }
  const optimizerWeights = new Set(
    json.weightsManifest.flatMap((g) =>
      g.weights.filter((w) => w.group === 'optimizer').map((w) => w.name),
    ),
  );

  // The topology and the weights are loaded in two steps, not by one `loadLayersModel` with
  // the weights: when the weights do not fit the topology, that call throws with the model it
  // built and the decoded weights still held, out of reach and never freed.
  let model: LayersModel;
  try {
    model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology }));
  } catch (e) {
    throw notLayersModel(`tfjs cannot build its topology (${errorMessage(e)})`);
  }
  let decoded: Record<string, Tensor> = {};
  try {
    decoded = tf.io.decodeWeights(weightData.buffer, weightSpecs);
    // A model saved with its optimizer carries the optimizer's state: not the model's weights.
    const modelWeights = Object.fromEntries(
      Object.entries(decoded).filter(([name]) => !optimizerWeights.has(name)),
    );
    model.loadWeights(modelWeights, true);
  } catch (e) {
    model.dispose();
    throw notLayersModel(`its weights do not fit its topology (${errorMessage(e)})`);
  } finally {
    tf.dispose(Object.values(decoded));
  }
  try {
    return {
      model,
      ...describe(model),
      parameters: model.countParams(),
      producer: producerOf(json),
      files,
    };
  } catch (e) {
    model.dispose();
    throw e;
  }
}
