import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { Tf } from '../../../../src-main/engine/backend';
import { buildCnn } from '../../../../src-main/engine/cnn';
import { crossEntropy } from '../../../../src-main/engine/head';
import { buildMlp, logits } from '../../../../src-main/engine/model';
import { expectAllClose, expectNoLeak, onCpuAndWasm, values } from './helpers';

/**
 * Whole models on wasm with the engine's kernels against the cpu backend: the gradient of the
 * loss for every weight of a Dense network and of a CNN (conv, pooling, dense), from the same
 * weights and batch; and Adam training steps that leave nothing behind.
 */

const CLASSES = 5;

/** Builds on the current backend, then loads weights fixed by the seed (same on both). */
function withFixedWeights(tf: Tf, build: () => LayersModel): LayersModel {
  const model = build();
  model.setWeights(model.getWeights().map((w, i) => tf.tensor(values(w.shape, 100 + i), w.shape)));
  return model;
}

function gradients(tf: Tf, model: LayersModel, x: Tensor, y: Tensor): Tensor[] {
  // Every trainable variable the loss touches, keyed by variable name: the model's weights.
  const { grads } = tf.variableGrads(() =>
    crossEntropy(tf, logits(tf, model, x, true), y, CLASSES),
  );
  return model.trainableWeights.map((w) => {
    const g = grads[w.name];
    if (g === undefined) throw new Error(`No gradient for ${w.name}`);
    return g;
  });
}

function labels(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => (i * 7) % CLASSES);
}

const MLP = (tf: Tf): LayersModel =>
  withFixedWeights(tf, () =>
    buildMlp(tf, { type: 'mlp', hidden: [96, 48], activation: 'relu' }, [60], CLASSES, 1),
  );
const CNN = (tf: Tf): LayersModel =>
  withFixedWeights(tf, () =>
    buildCnn(tf, { conv: [8, 16], dense: [32], kernelSize: 3 }, [14, 14, 1], CLASSES, 1),
  );

describe('layers on wasm with the engine kernels', () => {
  it('give the Dense network the cpu backend’s gradients', async () => {
    const result = await onCpuAndWasm((tf) => {
      const model = MLP(tf);
      const grads = tf.tidy(() =>
        gradients(
          tf,
          model,
          tf.tensor(values([64, 60], 1), [64, 60]),
          tf.tensor1d(labels(64), 'int32'),
        ),
      );
      expect(grads).toHaveLength(6);
      model.dispose();
      return grads;
    });
    expectAllClose(result);
  });

  it('give the CNN the cpu backend’s gradients', async () => {
    const result = await onCpuAndWasm((tf) => {
      const model = CNN(tf);
      const grads = tf.tidy(() =>
        gradients(
          tf,
          model,
          tf.tensor(values([16, 14, 14, 1], 2), [16, 14, 14, 1]),
          tf.tensor1d(labels(16), 'int32'),
        ),
      );
      expect(grads).toHaveLength(8);
      model.dispose();
      return grads;
    });
    expectAllClose(result);
  });

  it('train with Adam without accumulating tensors or wasm memory', async () => {
    const x = values([32, 14, 14, 1], 3);
    const y = labels(32);
    let state: { tf: Tf; model: LayersModel; step: () => void } | undefined;
    await expectNoLeak((tf) => {
      if (state === undefined) {
        const model = CNN(tf);
        const optimizer = tf.train.adam(1e-3);
        state = {
          tf,
          model,
          step: () => {
            tf.tidy(() => {
              const xs = tf.tensor(x, [32, 14, 14, 1]);
              const ys = tf.tensor1d(y, 'int32');
              optimizer.minimize(() => crossEntropy(tf, logits(tf, model, xs, true), ys, CLASSES));
            });
          },
        };
      }
      state.step();
    });
    state?.model.dispose();
  });
});
