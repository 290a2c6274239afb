import type { LayersModel } from '@tensorflow/tfjs';
import type { WeightInit } from '../../src-shared/domain/experimentSpec';
import type { Tf } from './backend';
import { hiddenLayerName, lecunUniform, OUTPUT_LAYER, outputLayer, seededDense } from './model';
import { imageShapeOf } from '../data/imageShape';
import { deriveSeed } from './random';

/**
 * A small convolutional network for images (NHWC): blocks of Conv2D(k×k, relu) + MaxPool(2×2),
 * then Flatten, Dense hidden layers and the engine's usual linear output layer (model.ts's
 * outputLayer: one logit for two classes, k logits from three; the loss comes from head.ts).
 *
 * The default is the classic 2-conv network of the Keras MNIST examples, which the benchmark
 * and the accuracy check train on Fashion-MNIST: conv 32 → pool → conv 64 → pool → dense 128.
 * Seeding follows buildMlp: every initialiser is seeded from (seed, layer name), He-normal for
 * the relu layers (He et al. 2015), zeros for biases, so one seed gives bit-identical weights.
 * Dense layers are named hidden_1, hidden_2, ... like the MLP's, so model.ts's hiddenLayers and
 * the strategies that select layers by those names work on a CNN as well.
 */

export interface CnnSpec {
  /** Filters of each Conv2D(k×k, 'valid', relu) + MaxPool(2×2) block, from the input side. */
  conv: number[];
  /** Units of the Dense(relu) layers after Flatten. */
  dense: number[];
  /** Side k of the square convolution kernel. */
  kernelSize: number;
  /** How the weights start (WeightInitSchema); `he` when absent. */
  init?: WeightInit;
}

export const DEFAULT_CNN: CnnSpec = { conv: [32, 64], dense: [128], kernelSize: 3 };

/** Any tfjs layer, without importing the tfjs value here. */
type Layer = LayersModel['layers'][number];

/**
 * Why a CNN cannot take inputs of `featureShape`, or undefined when it can: rank-1 (tabular)
 * features have no spatial layout, and each block shrinks a side s to ⌊(s − k + 1)/2⌋, which must
 * stay ≥ 1. Pure: the planner asks it before any run starts.
 */
export function cnnInputProblem(
  spec: CnnSpec,
  featureShape: readonly number[],
): string | undefined {
  const image = imageShapeOf(featureShape);
  if (image === undefined) {
    return (
      `a CNN needs image features [height, width] or [height, width, channels], ` +
      `not [${featureShape.join(', ')}]`
    );
  }
  let [height, width] = image;
  for (let i = 0; i < spec.conv.length; i++) {
    height = Math.floor((height - spec.kernelSize + 1) / 2);
    width = Math.floor((width - spec.kernelSize + 1) / 2);
    if (height < 1 || width < 1) {
      return (
        `${image[0]}×${image[1]} images are too small for ${spec.conv.length} ` +
        `${spec.kernelSize}×${spec.kernelSize} convolution + 2×2 pooling blocks`
      );
    }
  }
  return undefined;
}

/**
 * The CNN's layers without its output layer: a Reshape to [h, w, 1] for [h, w] features (the
 * datasets store greyscale images without a channel axis), the convolution blocks, Flatten and the
 * hidden Dense layers. The first layer carries the input shape, so the list can fill a
 * tf.sequential as well as be applied to a symbolic input.
 */
export function cnnLayers(
  tf: Tf,
  spec: CnnSpec,
  featureShape: readonly number[],
  seed: number,
): Layer[] {
  const problem = cnnInputProblem(spec, featureShape);
  const image = imageShapeOf(featureShape);
  if (problem !== undefined || image === undefined)
    throw new Error(`Cannot build the model: ${problem}`);
  const out: Layer[] = [];
  const inputShape = [...featureShape];
  if (featureShape.length === 2)
    out.push(tf.layers.reshape({ targetShape: image, inputShape, name: 'to_image' }));
  spec.conv.forEach((filters, i) => {
    const name = `conv_${i + 1}`;
    out.push(
      tf.layers.conv2d({
        filters,
        kernelSize: spec.kernelSize,
        activation: 'relu',
        name,
        kernelInitializer:
          spec.init === 'lecun-uniform'
            ? lecunUniform(tf, deriveSeed(seed, `init:${name}`))
            : tf.initializers.heNormal({ seed: deriveSeed(seed, `init:${name}`) }),
        biasInitializer: 'zeros',
        ...(out.length === 0 ? { inputShape } : {}),
      }),
      tf.layers.maxPooling2d({ poolSize: 2, name: `pool_${i + 1}` }),
    );
  });
  out.push(tf.layers.flatten({ name: 'flatten' }));
  spec.dense.forEach((units, i) => {
    out.push(
      seededDense(tf, {
        units,
        activation: 'relu',
        name: hiddenLayerName(i + 1),
        seed,
        ...(spec.init ? { init: spec.init } : {}),
      }),
    );
  });
  return out;
}

/** Builds the CNN for images of `imageShape` ([height, width, channels]) and k classes. */
export function buildCnn(
  tf: Tf,
  spec: CnnSpec,
  imageShape: [number, number, number] | number[],
  numClasses: number,
  seed: number,
): LayersModel {
  if (spec.conv.length === 0) throw new Error('A CNN needs at least one convolution block');
  const model = tf.sequential();
  for (const layer of cnnLayers(tf, spec, imageShape, seed)) model.add(layer);
  model.add(outputLayer(tf, numClasses, seed, OUTPUT_LAYER, spec.init));
  return model;
}
