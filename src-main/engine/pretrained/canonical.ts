import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs';
import type { ModelLayer } from '../../../src-shared/domain/models';
import type { Tf } from '../backend';
import { OUTPUT_LAYER } from '../model';

/**
 * An imported model made into one the strategies can use (issue 13, point 2). Every strategy
 * finds a source model's parts by name (model.ts): its convolutions `conv_1, conv_2, ...`, its
 * hidden layers `hidden_1, ...` (the last one's output is the features where the head is cut),
 * and its output layer `output`, which emits logits. An imported chain is rebuilt layer by layer
 * with those names, its weights copied:
 * - an Activation layer right after a Dense or Conv2D without one is fused into it, so that
 *   `hidden_i`'s output is the activated features (as in Transferlab's own models);
 * - a final softmax is dropped: Transferlab's models output logits and fold the softmax into the
 *   loss; the predicted class is unchanged;
 * - the feature layer is the chosen layer, by default the one the last Dense layer reads; when it
 *   is not a Dense layer (the Flatten after a convolutional trunk), it is still named
 *   `hidden_<k>`, the last of the trunk, and carries no weights;
 * - the layers after it are the head: `head_1, ...`, then `output`, the last Dense layer;
 * - any other layer is named after its class (`maxpooling2d_1`, `flatten_1`, ...).
 * The rebuilt model computes exactly what the imported one did (less a final softmax).
 */

export class CanonicalModelError extends Error {
  override name = 'CanonicalModelError';
}

type Layer = LayersModel['layers'][number];

/** Layers fused into the Dense or Conv2D before them when that one has no activation. */
const FUSABLE = new Set(['Dense', 'Conv2D']);

/** Layers that can never be the feature layer: they do nothing at inference. */
const NOT_FEATURES = new Set(['Dropout', 'InputLayer']);

export interface CanonicalModel {
  model: LayersModel;
  layers: ModelLayer[];
  /** The feature layer's name in `model` (`hidden_<k>`). */
  featureLayer: string;
  featureSize: number;
  outputUnits: number;
  /** What was changed, in words ("Dropped the final softmax"). */
  notes: string[];
}

interface Step {
  layer: Layer;
  className: string;
  /** An activation fused in from the Activation layer that followed it. */
  activation?: string;
}

/**
 * Rebuilds `source` as a canonical model (see above) with `featureLayer` (a layer name of
 * `source`, or its position from 0 among the non-input layers) as the feature layer. `source` is
 * left as it is; the caller disposes both. Refuses a graph that is not one chain, a model that
 * does not end in a Dense layer, and a feature layer whose output is not one row of features.
 */
export function canonicalise(
  tf: Tf,
  source: LayersModel,
  featureLayer?: string | number,
): CanonicalModel {
  const { steps, notes } = fuse(chainOf(source));
  const last = steps.at(-1);
  if (last?.className !== 'Dense') {
    throw new CanonicalModelError(
      `The model ends in a ${last?.className ?? 'nothing'} layer; a classifier whose last ` +
        'layer is Dense (it emits the class scores) is needed',
    );
  }
  const featureIndex = pickFeatureIndex(steps, featureLayer);
  const names = canonicalNames(steps, featureIndex);

  const inputShape = source.inputs[0]?.shape.slice(1);
  if (inputShape === undefined || inputShape.some((d) => d === null)) {
    throw new CanonicalModelError('The model needs a fixed input shape (besides the batch)');
  }
  const x = tf.input({ shape: inputShape.map(Number), name: 'input' });
  let y: SymbolicTensor = x;
  const built: Layer[] = [];
  try {
    for (const [i, step] of steps.entries()) {
      const layer = rebuild(tf, step, names[i] ?? `layer_${i}`);
      built.push(layer);
      const out = layer.apply(y);
      if (!(out instanceof tf.SymbolicTensor)) {
        throw new CanonicalModelError(`Layer ${step.layer.name} has several outputs`);
      }
      y = out;
      layer.setWeights(step.layer.getWeights());
    }
    const model = tf.model({ inputs: x, outputs: y, name: 'imported' });
    const featureSize = flatWidth(built[featureIndex]);
    return {
      model,
      layers: describeLayers(built, featureIndex),
      featureLayer: names[featureIndex] ?? '',
      featureSize,
      outputUnits: flatWidth(built.at(-1)),
      notes,
    };
  } catch (e) {
    for (const layer of built) {
      try {
        layer.dispose();
      } catch {
        // A layer that never built has nothing to free.
      }
    }
    throw e;
  }
}

/** The non-input layers of `model`, in order, refusing anything but one chain. */
function chainOf(model: LayersModel): Layer[] {
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  let previous: Layer | undefined;
  for (const layer of layers) {
    const nodes = layer.inboundNodes;
    const inbound = nodes[0]?.inboundLayers ?? [];
    const fromInput = inbound.length === 1 && inbound[0]?.getClassName() === 'InputLayer';
    const fromPrevious = inbound.length === 1 && inbound[0] === previous;
    const first = previous === undefined;
    if (nodes.length !== 1 || !(first ? fromInput || inbound.length === 0 : fromPrevious)) {
      throw new CanonicalModelError(
        `Layer ${layer.name} does not simply follow the layer before it: only models whose ` +
          'layers form one chain (sequential models) are supported',
      );
    }
    previous = layer;
  }
  if (model.outputs.length !== 1 || model.inputs.length !== 1) {
    throw new CanonicalModelError('Only models with one input and one output are supported');
  }
  return layers;
}

/** Activation layers fused into the Dense or Conv2D before them; a final softmax dropped. */
function fuse(layers: Layer[]): { steps: Step[]; notes: string[] } {
  const steps: Step[] = [];
  const notes: string[] = [];
  let fused = 0;
  for (const layer of layers) {
    const className = layer.getClassName();
    const before = steps.at(-1);
    const activation = className === 'Activation' ? configString(layer, 'activation') : undefined;
    if (
      activation !== undefined &&
      before !== undefined &&
      FUSABLE.has(before.className) &&
      before.activation === undefined &&
      configString(before.layer, 'activation') === 'linear'
    ) {
      before.activation = activation;
      fused++;
      continue;
    }
    steps.push({ layer, className });
  }
  if (fused > 0) notes.push(`Fused ${fused} activation layer(s) into the layer before each`);
  const last = steps.at(-1);
  if (last?.className === 'Softmax' || last?.activation === 'softmax') {
    if (last.className === 'Softmax') steps.pop();
    else last.activation = 'linear';
    notes.push("Dropped the final softmax: Transferlab's models output logits");
  } else if (last && configString(last.layer, 'activation') === 'softmax') {
    last.activation = 'linear';
    notes.push("Dropped the final softmax: Transferlab's models output logits");
  }
  return { steps, notes };
}

function configString(layer: Layer, key: string): string | undefined {
  const value = layer.getConfig()[key];
  return typeof value === 'string' ? value : undefined;
}

/** Whether a layer's output is one row of features per sample ([batch, width]). */
function isFlat(layer: Layer): boolean {
  const shape = layer.outputShape;
  return Array.isArray(shape) && shape.length === 2 && typeof shape[1] === 'number';
}

function flatWidth(layer: Layer | undefined): number {
  const shape = layer?.outputShape;
  const width = Array.isArray(shape) ? shape[1] : undefined;
  return typeof width === 'number' ? width : 0;
}

function canBeFeatures(step: Step, index: number, steps: readonly Step[]): boolean {
  return index < steps.length - 1 && isFlat(step.layer) && !NOT_FEATURES.has(step.className);
}

function pickFeatureIndex(steps: readonly Step[], wanted: string | number | undefined): number {
  const allowed = steps.map((s, i) => canBeFeatures(s, i, steps));
  const names = steps.flatMap((s, i) => (allowed[i] ? [s.layer.name] : []));
  if (wanted === undefined) {
    // The layer the last Dense layer reads, or the nearest one before it that can be features.
    for (let i = steps.length - 2; i >= 0; i--) if (allowed[i]) return i;
    throw new CanonicalModelError(
      'No layer before the last one gives one row of features per sample: the head cannot be cut',
    );
  }
  const index =
    typeof wanted === 'number' ? wanted : steps.findIndex((s) => s.layer.name === wanted);
  if (index < 0 || index >= steps.length) {
    throw new CanonicalModelError(
      `The model has no layer ${String(wanted)}; the feature layer can be: ${names.join(', ')}`,
    );
  }
  if (allowed[index] !== true) {
    throw new CanonicalModelError(
      `${steps[index]?.layer.name ?? String(wanted)} cannot be the feature layer (its output is ` +
        `not one row of features, or it is the last layer); it can be: ${names.join(', ')}`,
    );
  }
  return index;
}

/** The canonical names (see the file's comment) of each step, for a feature layer at `f`. */
function canonicalNames(steps: readonly Step[], f: number): string[] {
  const counts = new Map<string, number>();
  const next = (kind: string): number => {
    const n = (counts.get(kind) ?? 0) + 1;
    counts.set(kind, n);
    return n;
  };
  const lastDense = steps.length - 1;
  return steps.map((step, i) => {
    if (i === lastDense) return OUTPUT_LAYER;
    if (i < f && step.className === 'Conv2D') return `conv_${next('conv')}`;
    if ((i < f && step.className === 'Dense') || i === f) return `hidden_${next('hidden')}`;
    if (i > f && step.className === 'Dense') return `head_${next('head')}`;
    const kind = step.className.toLowerCase();
    return `${kind}_${next(kind)}`;
  });
}

/** A new layer of the step's class and configuration, under `name`, with any fused activation. */
function rebuild(tf: Tf, step: Step, name: string): Layer {
  const config = { ...step.layer.getConfig() };
  delete config.batchInputShape;
  delete config.inputShape;
  delete config.inputDType;
  config.name = name;
  if (step.activation !== undefined) config.activation = step.activation;
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[step.className];
  if (entry === undefined) {
    throw new CanonicalModelError(`tfjs does not know the layer class ${step.className}`);
  }
  const [cls, fromConfig] = entry;
  const layer: unknown = fromConfig(cls, config);
  if (!(layer instanceof tf.layers.Layer)) {
    throw new CanonicalModelError(`${step.className} did not rebuild as a layer`);
  }
  return layer;
}

function describeLayers(layers: readonly Layer[], featureIndex: number): ModelLayer[] {
  return layers.map((layer, i) => {
    const shape = layer.outputShape;
    const outputShape = Array.isArray(shape)
      ? shape.slice(1).filter((d): d is number => typeof d === 'number')
      : [];
    const activation = configString(layer, 'activation');
    const className = layer.getClassName();
    return {
      name: layer.name,
      className,
      outputShape,
      parameters: layer.countParams(),
      ...(activation !== undefined && FUSABLE.has(className) ? { activation } : {}),
      role: i < featureIndex ? 'trunk' : i === featureIndex ? 'features' : 'head',
      canBeFeatures:
        i < layers.length - 1 && outputShape.length === 1 && !NOT_FEATURES.has(className),
    };
  });
}
