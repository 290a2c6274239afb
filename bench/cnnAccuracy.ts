/**
 * Trains the 2-conv CNN (cnn.ts, DEFAULT_CNN) from scratch on the full Fashion-MNIST training
 * set on wasm with the engine's kernels, and reports its test accuracy after every epoch with
 * the epoch's time (issue 3's goal: ≥ 0.90 test accuracy). Not a test: run it with
 *   npx tsx bench/cnnAccuracy.ts [--epochs 8] [--batch 128] [--lr 0.001] [--optimizer engine|tfjs]
 * Batches come from a seeded shuffle (random.ts), so a run is reproducible on one backend.
 * tf.memory() is printed after each epoch: it stays flat when nothing leaks.
 */
import { parseArgs } from 'node:util';
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { selectBackend, type Tf } from '../src-main/engine/backend';
import { buildCnn, DEFAULT_CNN } from '../src-main/engine/cnn';
import { crossEntropy, predictedClasses } from '../src-main/engine/head';
import { engineAdam } from '../src-main/engine/kernels/index';
import { logits } from '../src-main/engine/model';
import { Rng } from '../src-main/engine/random';
import { loadFashionMnist, type ImageSet } from './fashionMnist';

const { values: options } = parseArgs({
  options: {
    epochs: { type: 'string', default: '8' },
    batch: { type: 'string', default: '128' },
    lr: { type: 'string', default: '0.001' },
    optimizer: { type: 'string', default: 'engine' },
    seed: { type: 'string', default: '0' },
  },
});
const epochs = Number(options.epochs);
const batchSize = Number(options.batch);
const learningRate = Number(options.lr);
const seed = Number(options.seed);
if (![epochs, batchSize, learningRate].every((n) => Number.isFinite(n) && n > 0)) {
  throw new Error('--epochs, --batch and --lr must be positive numbers');
}
if (options.optimizer !== 'engine' && options.optimizer !== 'tfjs') {
  throw new Error('--optimizer must be engine (EngineAdam) or tfjs (tf.train.adam)');
}

const CLASSES = 10;
const SHAPE = [28, 28, 1];

async function main(): Promise<void> {
  const [trainSet, testSet] = await Promise.all([
    loadFashionMnist('train'),
    loadFashionMnist('t10k'),
  ]);
  const { tf, backend } = await selectBackend('wasm');
  console.log(
    `Fashion-MNIST: ${trainSet.n} training, ${testSet.n} test images; backend ${backend}; ` +
      `CNN conv ${DEFAULT_CNN.conv.join(', ')} + dense ${DEFAULT_CNN.dense.join(', ')}; ` +
      `Adam (${options.optimizer === 'engine' ? 'EngineAdam' : 'tf.train.adam'}) lr ${learningRate}, batch ${batchSize}`,
  );
  const model = buildCnn(tf, DEFAULT_CNN, [28, 28, 1], CLASSES, seed);
  const optimizer =
    options.optimizer === 'engine' ? engineAdam(learningRate) : tf.train.adam(learningRate);
  const x = tf.tensor(trainSet.x, [trainSet.n, ...SHAPE], 'float32');
  const y = tf.tensor1d(trainSet.y, 'int32');
  const shuffle = new Rng(seed);
  const started = performance.now();
  let accuracy = NaN;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const epochStart = performance.now();
    const order = shuffle.permutation(trainSet.n);
    // Each batch's loss stays on the backend until the epoch ends: no read (sync) per batch.
    const losses: Tensor[] = [];
    for (let start = 0; start < trainSet.n; start += batchSize) {
      const rows = order.subarray(start, Math.min(start + batchSize, trainSet.n));
      const loss = tf.tidy(() => {
        const index = tf.tensor1d(rows, 'int32');
        const xb = tf.gather(x, index);
        const yb = tf.gather(y, index);
        const cost = optimizer.minimize(
          () => crossEntropy(tf, logits(tf, model, xb, true), yb, CLASSES),
          true,
        );
        if (cost === null) throw new Error('minimize returned no cost');
        return cost;
      });
      losses.push(loss);
    }
    const trainLoss = mean(tf, losses);
    const trainSeconds = (performance.now() - epochStart) / 1000;
    accuracy = evaluate(tf, model, testSet);
    const memory = tf.memory();
    console.log(
      `epoch ${epoch}/${epochs}: ${trainSeconds.toFixed(1)} s training ` +
        `(${(trainSet.n / trainSeconds).toFixed(0)} samples/s), mean batch loss ${trainLoss.toFixed(4)}, ` +
        `test accuracy ${accuracy.toFixed(4)}; tensors ${memory.numTensors}, bytes ${memory.numBytes}`,
    );
  }
  const total = (performance.now() - started) / 1000;
  console.log(
    `Test accuracy ${accuracy.toFixed(4)} after ${epochs} epochs in ${total.toFixed(0)} s ` +
      `(goal ≥ 0.90: ${accuracy >= 0.9 ? 'met' : 'NOT met'})`,
  );
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
}

/** The mean of scalar tensors, which it disposes. */
function mean(tf: Tf, scalars: Tensor[]): number {
  if (scalars.length === 0) return NaN;
  const total = tf.tidy(() => tf.addN(scalars).dataSync()[0] ?? NaN);
  tf.dispose(scalars);
  return total / scalars.length;
}

/** Test accuracy, in chunks of 1,000 images (forward passes only). */
function evaluate(tf: Tf, model: LayersModel, set: ImageSet): number {
  let correct = 0;
  for (let start = 0; start < set.n; start += 1000) {
    const size = Math.min(1000, set.n - start);
    correct += tf.tidy(() => {
      const xb = tf.tensor(set.x.subarray(start * 784, (start + size) * 784), [size, ...SHAPE]);
      const yb = tf.tensor1d(set.y.subarray(start, start + size), 'int32');
      const hits = tf.sum(
        tf.cast(tf.equal(predictedClasses(tf, logits(tf, model, xb)), yb), 'int32'),
      );
      return hits.dataSync()[0] ?? 0;
    });
  }
  return correct / set.n;
}

await main();
