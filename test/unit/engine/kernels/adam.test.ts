import type { LayersModel, Optimizer } from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend, type Tf } from '../../../../src-main/engine/backend';
import { crossEntropy } from '../../../../src-main/engine/head';
import { EngineAdam } from '../../../../src-main/engine/kernels/index';
import { buildMlp, logits } from '../../../../src-main/engine/model';
import { expectAllClose, expectClose, expectNoLeak, values } from './helpers';

/**
 * EngineAdam (one fused kernel per variable on wasm, ordinary ops elsewhere) against
 * tf.train.adam: the same weights after the same steps, on wasm and on cpu.
 */

const X = values([48, 12], 1);
const Y = Int32Array.from({ length: 48 }, (_, i) => i % 3);

function trainWith(tf: Tf, optimizer: Optimizer, steps: number): Float32Array[] {
  const model: LayersModel = buildMlp(
    tf,
    { type: 'mlp', hidden: [16], activation: 'relu' },
    [12],
    3,
    7,
  );
  for (let i = 0; i < steps; i++) {
    tf.tidy(() => {
      const x = tf.tensor2d(X, [48, 12]);
      const y = tf.tensor1d(Y, 'int32');
      optimizer.minimize(() => crossEntropy(tf, logits(tf, model, x, true), y, 3));
    });
  }
  const weights = model.getWeights().map((w) => Float32Array.from(w.dataSync()));
  model.dispose();
  optimizer.dispose();
  return weights;
}

describe('EngineAdam', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    it(`takes tf.train.adam's steps on ${backend}`, async () => {
      const { tf } = await selectBackend(backend);
      const reference = trainWith(tf, tf.train.adam(0.01), 25);
      const ours = trainWith(tf, new EngineAdam(0.01), 25);
      expectAllClose({ cpu: reference, wasm: ours }, 1e-4);
      // The weights moved: the comparison is not between two untrained models.
      const untrained = trainWith(tf, new EngineAdam(0.01), 0);
      expect(Math.abs((ours[0]?.[0] ?? 0) - (untrained[0]?.[0] ?? 0))).toBeGreaterThan(1e-3);
      await tf.setBackend('wasm');
    });
  }

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`leaves a variable the loss did not reach alone on ${backend}, as tf.train.adam does`, async () => {
      const { tf } = await selectBackend(backend);
      const used = tf.variable(tf.tensor1d([1, 2]), true, `adam-skip-${backend}/used`);
      const unused = tf.variable(tf.tensor1d([5, 6]), true, `adam-skip-${backend}/unused`);
      const optimizer = new EngineAdam(0.1);
      // minimize() passes every listed variable; `unused` arrives without a gradient.
      optimizer.minimize(() => tf.sum(tf.square(used)), false, [used, unused]);
      expect(Array.from(unused.dataSync())).toEqual([5, 6]);
      expect(used.dataSync()[0]).toBeCloseTo(0.9, 5);
      optimizer.dispose();
      tf.dispose([used, unused]);
      await tf.setBackend('wasm');
    });
  }

  it('saves and restores its moments and step count', async () => {
    const { tf } = await selectBackend('wasm');
    const a = new EngineAdam(0.01);
    const variable = tf.variable(tf.tensor1d([1, 2, 3]), true, 'adam-test/w');
    a.applyGradients({ [variable.name]: tf.tensor1d([0.5, -1, 2]) });
    // Copies: the optimizer hands out its live slot variables, as tf.train.adam does.
    const saved = (await a.getWeights()).map((w) => ({ name: w.name, tensor: w.tensor.clone() }));
    expect(saved.map((w) => w.name)).toEqual(['iter', 'adam-test/w/m', 'adam-test/w/v']);
    const afterOne = tf.tensor1d(variable.dataSync());
    a.applyGradients({ [variable.name]: tf.tensor1d([1, 1, 1]) });
    const afterTwo = Float32Array.from(variable.dataSync());
    variable.dispose();

    // A fresh optimizer, restored, takes the same second step on the same variable.
    const b = new EngineAdam(0.01);
    await b.setWeights(saved);
    expect(b.iterations).toBe(1);
    const again = tf.variable(afterOne, true, 'adam-test/w');
    b.applyGradients({ [again.name]: tf.tensor1d([1, 1, 1]) });
    expectClose(Float32Array.from(again.dataSync()), afterTwo, 1e-7);
    tf.dispose([again, afterOne, ...saved.map((w) => w.tensor)]);
    a.dispose();
    b.dispose();
  });

  it('leaves nothing behind on wasm', async () => {
    let state: { model: LayersModel; optimizer: EngineAdam } | undefined;
    await expectNoLeak((tf) => {
      state ??= {
        model: buildMlp(tf, { type: 'mlp', hidden: [16], activation: 'relu' }, [12], 3, 7),
        optimizer: new EngineAdam(0.01),
      };
      const { model, optimizer } = state;
      tf.tidy(() => {
        const x = tf.tensor2d(X, [48, 12]);
        const y = tf.tensor1d(Y, 'int32');
        optimizer.minimize(() => crossEntropy(tf, logits(tf, model, x, true), y, 3));
      });
    });
    state?.model.dispose();
    state?.optimizer.dispose();
  });
});
