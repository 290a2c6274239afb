import { beforeAll, describe, expect, it } from 'vitest';
import {
  countedLayers,
  forwardFlops,
  trainingFlopsPerSample,
  type CountedLayer,
} from '../../../bench/flops';
import { WORKLOADS } from '../../../bench/workloads';
import { selectBackend, type Tf } from '../../../src-main/engine/backend';

/**
 * Hand-computed counts (issue 15, "Measured"):
 * MLP 784→256→128→10, forward 2·(784·256 + 256·128 + 128·10) = 2·234,752 = 469,504.
 * CNN on 28×28×1, 3×3 valid convolutions and 2×2 pooling: conv 1→32 gives 26×26 (pool 13×13),
 * conv 32→64 gives 11×11 (pool 5×5, 1,600 features), dense 1600→128, dense 128→10.
 * Forward 2·9·1·32·676 + 2·9·32·64·121 + 2·1600·128 + 2·128·10
 *       = 389,376 + 4,460,544 + 409,600 + 2,560 = 5,262,080.
 * A training step is three forward passes.
 */
const MLP784_FORWARD = 469_504;
const CNN_FORWARD = 5_262_080;

describe('training FLOPs per sample', () => {
  let tf: Tf;
  beforeAll(async () => {
    tf = (await selectBackend('cpu')).tf;
  });

  it('counts the MLP 784→256→128→10 from the model the bench trains', () => {
    const model = WORKLOADS.mlp784.build(tf);
    const layers = countedLayers(model);
    model.dispose();
    expect(layers).toEqual([
      { kind: 'dense', inputs: 784, units: 256 },
      { kind: 'dense', inputs: 256, units: 128 },
      { kind: 'dense', inputs: 128, units: 10 },
    ]);
    expect(trainingFlopsPerSample(layers)).toBe(3 * MLP784_FORWARD);
  });

  it('counts the 2-conv CNN from the model the bench trains', () => {
    const model = WORKLOADS.cnn.build(tf);
    const layers = countedLayers(model);
    model.dispose();
    expect(layers.map((l) => l.kind)).toEqual(['conv2d', 'conv2d', 'dense', 'dense']);
    expect(layers.map(forwardFlops)).toEqual([389_376, 4_460_544, 409_600, 2_560]);
    expect(trainingFlopsPerSample(layers)).toBe(3 * CNN_FORWARD);
  });

  it('refuses a layer with weights it cannot count rather than leave it out', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ units: 4, inputShape: [8] }),
        tf.layers.batchNormalization({ name: 'bn' }),
      ],
    });
    expect(() => countedLayers(model)).toThrow(/bn \(BatchNormalization\)/);
    model.dispose();
  });

  it('counts a convolution at every output position', () => {
    const conv: CountedLayer = {
      kind: 'conv2d',
      kernelHeight: 5,
      kernelWidth: 3,
      inChannels: 2,
      filters: 4,
      outHeight: 7,
      outWidth: 6,
    };
    expect(forwardFlops(conv)).toBe(2 * 5 * 3 * 2 * 4 * 7 * 6);
  });
});
