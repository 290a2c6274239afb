import type { LayersModel } from '@tensorflow/tfjs';

/**
 * Floating-point operations of a training step, counted analytically from a model's layers, so
 * that `npm run bench` can print GFLOP/s beside samples/s and a GPU's share of its FP32 peak
 * (issue 15, "Measured").
 *
 * Forward: a Dense layer multiplies and adds once per weight, 2·in·out per sample; a Conv2D layer
 * does that at every output position, 2·kh·kw·cin·cout·hout·wout. A training step counts three
 * times the forward pass: the forward product, the gradient of the weights and the gradient of
 * the inputs each cost one such product (the usual convention, e.g. Kaplan et al. 2020's 6·N per
 * token). Biases, activations, pooling, the loss and the optimizer's update are left out: they are
 * linear in the activations or the weights, well under 1% of the products for the bench's models.
 * The first layer's input gradient is not needed either, so the count is an upper bound by that
 * one product (for the CNN, 2% of a step); the same count is used for every runner, so ratios are
 * unaffected.
 */

/** A layer whose products are counted; every other layer with weights is refused. */
export type CountedLayer =
  | { kind: 'dense'; inputs: number; units: number }
  | {
      kind: 'conv2d';
      kernelHeight: number;
      kernelWidth: number;
      inChannels: number;
      filters: number;
      outHeight: number;
      outWidth: number;
    };

/** Forward FLOPs of one layer for one sample. */
export function forwardFlops(layer: CountedLayer): number {
  if (layer.kind === 'dense') return 2 * layer.inputs * layer.units;
  return (
    2 *
    layer.kernelHeight *
    layer.kernelWidth *
    layer.inChannels *
    layer.filters *
    layer.outHeight *
    layer.outWidth
  );
}

/** Forward, weight-gradient and input-gradient products: three forward passes. */
export const TRAINING_STEP_FACTOR = 3;

/** FLOPs of a training step per sample for these layers. */
export function trainingFlopsPerSample(layers: readonly CountedLayer[]): number {
  return TRAINING_STEP_FACTOR * layers.reduce((sum, layer) => sum + forwardFlops(layer), 0);
}

/**
 * The counted layers of a tfjs model, nested models included, read from the weights' shapes and
 * the layers' output shapes. A layer with weights that is neither Dense nor Conv2D (channels
 * last) is an error, so that no product goes uncounted without saying so.
 */
export function countedLayers(model: LayersModel): CountedLayer[] {
  const counted: CountedLayer[] = [];
  for (const layer of model.layers) {
    if (isLayersModel(layer)) {
      counted.push(...countedLayers(layer));
      continue;
    }
    if (layer.weights.length === 0) continue;
    const kernel = layer.weights.find((w) => /kernel(_\d+)?$/.test(w.originalName))?.shape;
    const className = layer.getClassName();
    if (className === 'Dense' && kernel?.length === 2) {
      counted.push({ kind: 'dense', inputs: dim(kernel, 0), units: dim(kernel, 1) });
      continue;
    }
    const config = layer.getConfig();
    if (className === 'Conv2D' && kernel?.length === 4 && config.dataFormat !== 'channelsFirst') {
      const output = layer.outputShape;
      if (!Array.isArray(output) || Array.isArray(output[0]) || output.length !== 4) {
        throw new Error(`Conv2D layer ${layer.name} has no single rank-4 output shape`);
      }
      counted.push({
        kind: 'conv2d',
        kernelHeight: dim(kernel, 0),
        kernelWidth: dim(kernel, 1),
        inChannels: dim(kernel, 2),
        filters: dim(kernel, 3),
        outHeight: dim(output as (number | null)[], 1),
        outWidth: dim(output as (number | null)[], 2),
      });
      continue;
    }
    throw new Error(`No FLOP count for layer ${layer.name} (${className}) with weights`);
  }
  return counted;
}

function isLayersModel(layer: LayersModel['layers'][number]): layer is LayersModel {
  return 'layers' in layer && Array.isArray((layer as { layers?: unknown }).layers);
}

function dim(shape: readonly (number | null)[], axis: number): number {
  const value = shape[axis];
  if (typeof value !== 'number' || !(value > 0)) {
    throw new Error(`Shape [${shape.join(', ')}] has no size on axis ${axis}`);
  }
  return value;
}
