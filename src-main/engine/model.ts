import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { io, layers, LayersModel, Tensor } from '@tensorflow/tfjs';
import { z } from 'zod';
import type { MlpSpec, ModelSpec, WeightInit } from '../../src-shared/domain/experimentSpec';
import type { Tf } from './backend';
import { cnnLayers } from './cnn';
import { outputUnits, probabilitiesFromLogits } from './head';
import { deriveSeed } from './random';

/**
 * The run's model (an MLP, or a CNN: cnn.ts) and its files.
 *
 * Output (head.ts): two-class domains get a single unit, the logit z of p(class 1) = σ(z), trained
 * with sigmoid cross-entropy: the articles' Dense(1, sigmoid) + binary cross-entropy, with the
 * sigmoid folded into the loss. From three classes, k units of softmax logits. The Dense output
 * layer is linear either way (it emits logits) and the squashing is folded into the loss, which
 * stays finite where squash-then-log underflows; `probabilities` applies it for prediction.
 */

export const OUTPUT_LAYER = 'output';
const HIDDEN = /^hidden_(\d+)$/;
const CONV = /^conv_(\d+)$/;

/** The layer type of tf.layers.dense, without importing the tfjs value here. */
type Layer = ReturnType<typeof layers.dense>;
/** Any tfjs layer. */
type AnyLayer = LayersModel['layers'][number];

/**
 * The one builder of a run's ModelSpec, for inputs of `featureShape` and k = numClasses classes:
 * the MLP, or the CNN (cnn.ts; image features only, refused with the reason otherwise). Every
 * strategy that builds "the run's model" comes here, so all of them build the same one.
 */
export function buildModel(
  tf: Tf,
  spec: ModelSpec,
  featureShape: number[],
  numClasses: number,
  seed: number,
): LayersModel {
  if (spec.type === 'mlp') return buildMlp(tf, spec, featureShape, numClasses, seed);
  const model = tf.sequential();
  for (const layer of trunkLayers(tf, spec, featureShape, seed)) model.add(layer);
  model.add(outputLayer(tf, numClasses, seed, OUTPUT_LAYER, spec.init));
  return model;
}

/**
 * The layers of a ModelSpec below its output layer, the first carrying the input shape: what a
 * strategy with its own heads (multi-task) applies to its input. buildModel is these plus the
 * output layer, so both initialise alike for one seed.
 */
export function trunkLayers(
  tf: Tf,
  spec: ModelSpec,
  featureShape: number[],
  seed: number,
): AnyLayer[] {
  if (spec.type === 'cnn') return cnnLayers(tf, spec, featureShape, seed);
  const flat = featureShape.length > 1;
  return [
    ...(flat ? [tf.layers.flatten({ inputShape: featureShape, name: 'flatten' })] : []),
    ...spec.hidden.map((units, i) =>
      seededDense(tf, {
        units,
        activation: spec.activation,
        name: hiddenLayerName(i + 1),
        seed,
        ...(spec.init ? { init: spec.init } : {}),
        ...(i === 0 && !flat ? { inputShape: featureShape } : {}),
      }),
    ),
  ];
}

/** How many transferable weight layers a ModelSpec has: a CNN's conv blocks and Dense layers. */
export function weightLayerCount(spec: ModelSpec): number {
  return spec.type === 'mlp' ? spec.hidden.length : spec.conv.length + spec.dense.length;
}

/**
 * Builds the MLP of a ModelSpec for inputs of `featureShape` and k = numClasses classes (one
 * output unit for k = 2, k from three: outputUnits in head.ts). Every
 * initialiser is seeded from (seed, layer name), so the same seed gives bit-identical weights.
 * Hidden kernels use He-normal for relu/elu (He et al. 2015, variance 2/fan_in keeps ReLU
 * activations from shrinking layer by layer) and Glorot-uniform for tanh/sigmoid (Glorot &
 * Bengio 2010); biases start at zero.
 */
export function buildMlp(
  tf: Tf,
  spec: ModelSpec,
  featureShape: number[],
  numClasses: number,
  seed: number,
): LayersModel {
  if (spec.type !== 'mlp')
    throw new Error(`buildMlp builds MLPs, not a ${spec.type}: use buildModel`);
  const model = tf.sequential();
  for (const layer of trunkLayers(tf, spec, featureShape, seed)) model.add(layer);
  model.add(outputLayer(tf, numClasses, seed, OUTPUT_LAYER, spec.init));
  return model;
}

/** The name of hidden layer i (1-based from the input), the name every strategy looks up. */
export function hiddenLayerName(i: number): string {
  return `hidden_${i}`;
}

/**
 * A Dense layer whose kernel is seeded from (seed, name), so every layer of every model built
 * from one run seed draws its own, reproducible weights: He-normal for relu/elu, Glorot-uniform
 * otherwise (linear outputs included); zero biases. A layer of the same name, size and seed gets
 * the same initial weights in every model, so strategies that build the run's ModelSpec start
 * exactly where scratch starts (paired comparisons).
 */
export function seededDense(
  tf: Tf,
  o: {
    units: number;
    activation: MlpSpec['activation'] | 'linear';
    name: string;
    seed: number;
    /** The ModelSpec's `init`; `he` when absent. */
    init?: WeightInit;
    inputShape?: number[];
  },
): Layer {
  const kernelSeed = deriveSeed(o.seed, `init:${o.name}`);
  return tf.layers.dense({
    units: o.units,
    activation: o.activation,
    name: o.name,
    kernelInitializer:
      o.init === 'lecun-uniform'
        ? lecunUniform(tf, kernelSeed)
        : o.activation === 'relu' || o.activation === 'elu'
          ? tf.initializers.heNormal({ seed: kernelSeed })
          : tf.initializers.glorotUniform({ seed: kernelSeed }),
    biasInitializer: 'zeros',
    ...(o.inputShape ? { inputShape: o.inputShape } : {}),
  });
}

/**
 * A fresh, seeded output layer for k classes (linear: logits): Dense(1) for k = 2, Dense(k) from
 * three. The fine-tune's new head is built here too, so it follows the same rule.
 */
export function outputLayer(
  tf: Tf,
  numClasses: number,
  seed: number,
  name: string = OUTPUT_LAYER,
  init?: WeightInit,
): Layer {
  return seededDense(tf, {
    units: outputUnits(numClasses),
    activation: 'linear',
    name,
    seed,
    ...(init ? { init } : {}),
  });
}

/**
 * Uniform in ±scale/√fan_in (LeCun-uniform; at scale 1 the weights of PyTorch's nn.Linear and
 * nn.Conv2d defaults), seeded. Variance scaling over fan-in has the limit √(3·v/fan_in), so
 * v = scale²/3.
 */
export function lecunUniform(
  tf: Tf,
  seed: number,
  scale = 1,
): ReturnType<typeof tf.initializers.varianceScaling> {
  return tf.initializers.varianceScaling({
    scale: scale ** 2 / 3,
    mode: 'fanIn',
    distribution: 'uniform',
    seed,
  });
}

/** The hidden Dense layers, from the input side: hidden_1, hidden_2, ... */
export function hiddenLayers(model: LayersModel): LayersModel['layers'] {
  return model.layers
    .filter((layer) => HIDDEN.test(layer.name))
    .sort((a, b) => hiddenIndex(a.name) - hiddenIndex(b.name));
}

function hiddenIndex(name: string): number {
  return Number(HIDDEN.exec(name)?.[1] ?? 0);
}

/**
 * The trunk's weight layers from the input side: a CNN's convolutions conv_1, conv_2, ... then
 * the hidden Dense layers hidden_1, ...; an MLP's hidden layers alone. What fine-tune's
 * `freezeLayers` counts and its `layerScale<l>` multipliers index: freezing "the first n layers
 * from the input" (Yosinski et al. 2014) includes the convolutions, which come first.
 */
export function weightLayers(model: LayersModel): LayersModel['layers'] {
  const convs = model.layers
    .filter((layer) => CONV.test(layer.name))
    .sort((a, b) => convIndex(a.name) - convIndex(b.name));
  return [...convs, ...hiddenLayers(model)];
}

function convIndex(name: string): number {
  return Number(CONV.exec(name)?.[1] ?? 0);
}

/**
 * The model's output for x: logits, n × 1 for a two-class model, n × k otherwise. `training`
 * matters to layers such as dropout.
 */
export function logits(tf: Tf, model: LayersModel, x: Tensor, training = false): Tensor {
  const out = model.apply(x, { training });
  if (!(out instanceof tf.Tensor)) throw new Error('The model must have a single tensor output');
  return out;
}

/**
 * Class probabilities, n × k for every model (the model itself outputs logits): [1 − p, p] with
 * p = σ(z) for a two-class model, the softmax of the logits otherwise. Column c is p(class c).
 */
export function probabilities(tf: Tf, model: LayersModel, x: Tensor): Tensor {
  return tf.tidy(() => probabilitiesFromLogits(tf, logits(tf, model, x)));
}

// ---------------------------------------------------------------------------------------------
// Files: `<modelsDir>/<sha256 of weights.bin>/{model.json, weights.bin}`, the layout tfjs's own
// file:// handler uses, written by a custom IOHandler because file:// comes with tfjs-node only
// and the wasm and cpu backends must save too.

export interface SavedModel {
  dir: string;
  /** sha256 (hex) of weights.bin: the folder's name. */
  hash: string;
}

const WEIGHTS_FILE = 'weights.bin';

const ModelJsonSchema = z.object({
  format: z.string().optional(),
  generatedBy: z.string().optional(),
  convertedBy: z.string().nullable().optional(),
  modelTopology: z.record(z.string(), z.unknown()),
  weightsManifest: z
    .array(
      z.object({
        paths: z.tuple([z.literal(WEIGHTS_FILE)]),
        weights: z.array(
          z.object({
            name: z.string(),
            shape: z.array(z.int().nonnegative()),
            dtype: z.enum(['float32', 'int32', 'bool', 'string', 'complex64']),
          }),
        ),
      }),
    )
    .length(1),
});

export function weightsHash(weights: Uint8Array): string {
  return createHash('sha256').update(weights).digest('hex');
}

/**
 * Saves a model under `<modelsDir>/<hash>/`. The files are written to a temporary folder in
 * modelsDir and renamed into place (atomic on one file system), so a crash never leaves a
 * half-written model under a valid name. Saving weights that are already there is a no-op.
 */
export async function saveModel(
  tf: Tf,
  model: LayersModel,
  modelsDir: string,
): Promise<SavedModel> {
  await mkdir(modelsDir, { recursive: true });
  let saved: SavedModel | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts: io.ModelArtifacts): Promise<io.SaveResult> => {
      if (artifacts.modelTopology instanceof ArrayBuffer || artifacts.modelTopology === undefined) {
        throw new Error('Only layers models with a JSON topology can be saved');
      }
      const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? []));
      const hash = weightsHash(weights);
      const modelJson: z.input<typeof ModelJsonSchema> = {
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
      };
      const dir = join(modelsDir, hash);
      const tmp = await mkdtemp(join(modelsDir, '.tmp-'));
      try {
        await writeFile(join(tmp, 'model.json'), JSON.stringify(modelJson));
        await writeFile(join(tmp, WEIGHTS_FILE), weights);
        await rename(tmp, dir);
      } catch (e) {
        await rm(tmp, { recursive: true, force: true });
        // Another save of the same weights got there first: same content, same name.
        if (!isAlreadyThere(e)) throw e;
      }
      saved = { dir, hash };
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  if (saved === undefined) throw new Error('tfjs did not call the save handler');
  return saved;
}

/**
 * Loads a model saved by saveModel. With `expectedHash`, the weights are checked against it
 * first, so a run never starts from a source model that differs from the one it records.
 */
export async function loadModel(tf: Tf, dir: string, expectedHash?: string): Promise<LayersModel> {
  const json: unknown = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
  const parsed = ModelJsonSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(
      `${join(dir, 'model.json')}: not a Transferlab model file (${parsed.error.message})`,
    );
  }
  const weights = await readFile(join(dir, WEIGHTS_FILE));
  if (expectedHash !== undefined && weightsHash(weights) !== expectedHash) {
    throw new Error(
      `${dir}: weights hash ${weightsHash(weights)} differs from the expected ${expectedHash}`,
    );
  }
  const modelJson = parsed.data;
  const weightData = new Uint8Array(weights).buffer;
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJson, (manifest) =>
    Promise.resolve([manifest.flatMap((group) => group.weights), weightData]),
  );
  return tf.loadLayersModel(tf.io.fromMemory(artifacts));
}

function isAlreadyThere(e: unknown): boolean {
  return e instanceof Error && 'code' in e && (e.code === 'EEXIST' || e.code === 'ENOTEMPTY');
}
