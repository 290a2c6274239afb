import type { LayersModel, Optimizer, Tensor } from '@tensorflow/tfjs';
import type { Tf } from '../src-main/engine/backend';
import { buildCnn, DEFAULT_CNN } from '../src-main/engine/cnn';
import { generateLinearBinary } from '../src-main/engine/data/synthetic';
import { crossEntropy } from '../src-main/engine/head';
import { engineAdam } from '../src-main/engine/kernels/index';
import { buildMlp, logits } from '../src-main/engine/model';
import { Rng } from '../src-main/engine/random';
import { loadFashionMnist } from './fashionMnist';

/**
 * The benchmark's workloads, built with the engine's own code (buildMlp, buildCnn, crossEntropy)
 * and trained the way the engine's loop (train.ts) trains: every step gathers a shuffled batch
 * of rows from the whole set held as tensors, runs optimizer.minimize inside tf.tidy, and
 * yields to the event loop. bench/torchPeer.py runs the same workloads in PyTorch.
 */

export type WorkloadId = 'mlp20' | 'mlp784' | 'cnn';

export interface Workload {
  id: WorkloadId;
  title: string;
  batch: number;
  featureShape: number[];
  numClasses: number;
  build(tf: Tf): LayersModel;
}

export const WORKLOADS: Record<WorkloadId, Workload> = {
  mlp20: {
    id: 'mlp20',
    title: "articles' MLP 20→10→1",
    batch: 32,
    featureShape: [20],
    numClasses: 2,
    build: (tf) => buildMlp(tf, { type: 'mlp', hidden: [10], activation: 'relu' }, [20], 2, 0),
  },
  mlp784: {
    id: 'mlp784',
    title: 'MLP 784→256→128→10',
    batch: 128,
    featureShape: [784],
    numClasses: 10,
    build: (tf) =>
      buildMlp(tf, { type: 'mlp', hidden: [256, 128], activation: 'relu' }, [784], 10, 0),
  },
  cnn: {
    id: 'cnn',
    title: '2-conv CNN (32, 64) + pooling',
    batch: 128,
    featureShape: [28, 28, 1],
    numClasses: 10,
    build: (tf) => buildCnn(tf, DEFAULT_CNN, [28, 28, 1], 10, 0),
  },
};

export interface Rows {
  x: Float32Array;
  y: Int32Array;
  n: number;
  /** What the rows are, for the report. */
  source: string;
}

/** The rows a workload trains on: the articles' synthetic task, or Fashion-MNIST images. */
export async function workloadRows(id: WorkloadId, rows: number, fashion: boolean): Promise<Rows> {
  if (id === 'mlp20') {
    const table = generateLinearBinary({
      generator: 'linear-binary',
      features: 20,
      samples: rows,
      taskSeed: 1,
      angleDeg: 0,
      noise: 0.1,
    });
    return { x: table.features, y: table.labels, n: rows, source: 'linear-binary (synthetic)' };
  }
  if (fashion) {
    const set = await loadFashionMnist('train', rows);
    return { ...set, source: `Fashion-MNIST train, first ${set.n}` };
  }
  const rng = new Rng(0);
  const x = Float32Array.from({ length: rows * 784 }, () => rng.next());
  const y = Int32Array.from({ length: rows }, () => Math.floor(rng.next() * 10));
  return { x, y, n: rows, source: 'random images (Fashion-MNIST not installed)' };
}

export interface Measurement {
  /** Samples per second of wall-clock time. */
  samplesPerSecond: number;
  /** Samples per second of the process's CPU time (user + system): per-core throughput. */
  samplesPerCpuSecond: number;
  msPerStep: number;
  steps: number;
  /** Engine tensors and backend data blocks gained over the timed steps (0, 0 when nothing leaks). */
  tensorGrowth: number;
  dataIdGrowth: number;
}

/**
 * Trains `workload` on the current backend: warm-up steps (at least one, up to three or one
 * second), then timed steps until `seconds` have passed (at least `minSteps`); the timed section
 * starts and ends with the device idle (`settled`: on webgpu steps run after their calls return).
 * The workload's `batch` is the batch size (run.ts's --batch overrides it). Both wall-clock
 * and CPU time are taken: on a machine shared with other work, the process's CPU time is what
 * says how much one core does (wall-clock time also counts the time spent waiting for a core).
 */
export async function measure(
  tf: Tf,
  workload: Workload,
  rows: Rows,
  seconds: number,
  optimizerKind: 'tfjs' | 'engine' = 'tfjs',
  minSteps = 1,
): Promise<Measurement> {
  const model = workload.build(tf);
  // tf.train.adam is what train.ts uses today; EngineAdam is the fused alternative (kernels/adam.ts).
  const optimizer = optimizerKind === 'engine' ? engineAdam(1e-3) : tf.train.adam(1e-3);
  const x = tf.tensor(rows.x, [rows.n, ...workload.featureShape], 'float32');
  const y = tf.tensor1d(rows.y, 'int32');
  const shuffle = new Rng(0);
  let order = shuffle.permutation(rows.n);
  let cursor = 0;
  const step = async (): Promise<void> => {
    if (cursor + workload.batch > rows.n) {
      order = shuffle.permutation(rows.n);
      cursor = 0;
    }
    const batch = order.subarray(cursor, cursor + workload.batch);
    cursor += workload.batch;
    trainBatch(tf, model, optimizer, x, y, batch, workload.numClasses);
    await new Promise<void>((resolve) => setImmediate(resolve));
  };
  try {
    let start = performance.now();
    for (let warm = 0; warm < 3 && (warm === 0 || performance.now() - start < 1000); warm++) {
      await step();
    }
    await settled(model);
    const before = footprint(tf);
    const cpuStart = process.cpuUsage();
    start = performance.now();
    let steps = 0;
    while (steps < minSteps || performance.now() - start < seconds * 1000) {
      await step();
      steps++;
    }
    await settled(model);
    const elapsed = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const after = footprint(tf);
    return {
      samplesPerSecond: (steps * workload.batch) / elapsed,
      samplesPerCpuSecond: (steps * workload.batch) / cpuSeconds,
      msPerStep: (1000 * elapsed) / steps,
      steps,
      tensorGrowth: after.tensors - before.tensors,
      dataIdGrowth: after.dataIds - before.dataIds,
    };
  } finally {
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  }
}

/** One optimizer step, as train.ts's trainBatch takes it. */
function trainBatch(
  tf: Tf,
  model: LayersModel,
  optimizer: Optimizer,
  x: Tensor,
  y: Tensor,
  rows: Int32Array,
  numClasses: number,
): void {
  tf.tidy(() => {
    const index = tf.tensor1d(rows, 'int32');
    const xb = tf.gather(x, index);
    const yb = tf.gather(y, index);
    optimizer.minimize(() => crossEntropy(tf, logits(tf, model, xb, true), yb, numClasses), false);
  });
}

/**
 * Waits until every step queued so far has run. On wasm and cpu a step has finished when its
 * call returns; on webgpu the call only queues the step's kernels, and timing it would time the
 * encoding of commands, not the computing. A read-back of every weight (each written by the last
 * step's optimizer update, after its moments) resolves only once the device has run all of it.
 * The copy is a few hundred kilobytes, once per measurement.
 */
async function settled(model: LayersModel): Promise<void> {
  await Promise.all(model.trainableWeights.map((weight) => weight.read().data()));
}

function footprint(tf: Tf): { tensors: number; dataIds: number } {
  return { tensors: tf.memory().numTensors, dataIds: tf.engine().backend.numDataIds() };
}
