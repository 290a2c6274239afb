import type { LayersModel } from '@tensorflow/tfjs';
import type { Tf } from './backend';
import { outputLayer } from './model';
import { deriveSeed } from './random';

/**
 * A small convolutional network for images (NHWC): blocks of Conv2D(3×3, relu) + MaxPool(2×2),
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
  /** Filters of each Conv2D(3×3, 'valid', relu) + MaxPool(2×2) block, from the input side. */
  conv: number[];
  /** Units of the Dense(relu) layers after Flatten. */
  dense: number[];
  /** Side of the square convolution kernel. */
  kernelSize: number;
}

export const DEFAULT_CNN: CnnSpec = { conv: [32, 64], dense: [128], kernelSize: 3 };

/** Builds the CNN for images of `imageShape` ([height, width, channels]) and k classes. */
export function buildCnn(
  tf: Tf,
  spec: CnnSpec,
  imageShape: [number, number, number],
  numClasses: number,
  seed: number,
): LayersModel {
  if (spec.conv.length === 0) throw new Error('A CNN needs at least one convolution block');
  const model = tf.sequential();
  let [height, width] = imageShape;
  spec.conv.forEach((filters, i) => {
    const name = `conv_${i + 1}`;
    height = Math.floor((height - spec.kernelSize + 1) / 2);
    width = Math.floor((width - spec.kernelSize + 1) / 2);
    if (height < 1 || width < 1) {
      throw new Error(
        `${imageShape[0]}×${imageShape[1]} images are too small for ${spec.conv.length} ` +
          `${spec.kernelSize}×${spec.kernelSize} convolution + 2×2 pooling blocks`,
      );
    }
    model.add(
      tf.layers.conv2d({
        filters,
        kernelSize: spec.kernelSize,
        activation: 'relu',
        name,
        kernelInitializer: tf.initializers.heNormal({ seed: deriveSeed(seed, `init:${name}`) }),
        biasInitializer: 'zeros',
        ...(i === 0 ? { inputShape: imageShape } : {}),
      }),
    );
    model.add(tf.layers.maxPooling2d({ poolSize: 2, name: `pool_${i + 1}` }));
  });
  model.add(tf.layers.flatten({ name: 'flatten' }));
  spec.dense.forEach((units, i) => {
    const name = `hidden_${i + 1}`;
    model.add(
      tf.layers.dense({
        units,
        activation: 'relu',
        name,
        kernelInitializer: tf.initializers.heNormal({ seed: deriveSeed(seed, `init:${name}`) }),
        biasInitializer: 'zeros',
      }),
    );
  });
  model.add(outputLayer(tf, numClasses, seed));
  return model;
}
