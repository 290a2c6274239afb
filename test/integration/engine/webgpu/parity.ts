import type { Tf } from '../../../../src-main/engine/backend';
import type { SavedModel } from '../../../../src-main/engine/model';
import type { DataLocator, TrainJob } from '../../../../src-main/engine/protocol';
import { train } from '../../../../src-main/engine/train';
import type { DomainSpec, ModelSpec } from '../../../../src-shared/domain/experimentSpec';
import type {
  FinalMetrics,
  ResolvedRunConfig,
  SplitSizes,
} from '../../../../src-shared/domain/runs';
import type { StrategyId } from '../../../../src-shared/domain/strategyEntry';
import {
  digitsLocator,
  domain,
  linearBinaryLocator,
  recorder,
  runConfig,
  syntheticDomain,
  trainJob,
} from '../../../unit/engine/fixtures';

/**
 * The same training jobs on two backends (issue 15, point 2): every strategy on a tiny MLP over
 * the synthetic linear-binary pair, and the convolution path on a tiny CNN over digits, each
 * recorded with its per-epoch metrics, final metrics and tf.memory() at every epoch, so a test
 * (parity.test.ts, cnn.test.ts) or the measuring script (bench/webgpuParity.ts) can compare wasm
 * with webgpu, and webgpu with itself. Tiny on purpose: lavapipe runs a kernel about 100× slower
 * than wasm, and CI gives every webgpu test together two minutes.
 */

export type Params = Record<string, number | boolean>;
type Budget = ResolvedRunConfig['budget'];
type Locator = Extract<DataLocator, { kind: 'synthetic' | 'csv' }>;

/** A source domain, a target domain, their data and the model both are trained with. */
export interface Pair {
  name: string;
  source: DomainSpec;
  target: DomainSpec;
  sourceData: Locator;
  data: Locator;
  model: ModelSpec;
  batchSize: number;
}

const taskA = linearBinaryLocator({ samples: 200, angleDeg: 0 });
const taskB = linearBinaryLocator({ samples: 200, angleDeg: 30 });

/** linear-binary, 20 features, 200 rows each (120 train, 40 validation, 40 test), MLP 20-10-1. */
export const MLP_PAIR: Pair = {
  name: 'linear-binary 0° → 30°, MLP 20-10-1',
  source: syntheticDomain('task A (0°)', taskA),
  target: syntheticDomain('task B (30°)', taskB),
  sourceData: taskA,
  data: taskB,
  model: { type: 'mlp', hidden: [10], activation: 'relu' },
  batchSize: 16,
};

/**
 * Digits 0–2 → the same digits rotated by 30° (8×8 images, same classes, so the adaptation
 * strategies apply) on a CNN of one 3×3 convolution of 4 filters, 2×2 max-pooling and Dense(8):
 * Conv2D, its two backward kernels and MaxPool's gradient all run.
 */
export const CNN_PAIR: Pair = {
  name: 'digits 0–2 → rotated 30°, CNN conv4-pool-dense8',
  source: domain({ name: 'digits 0-2', classes: [0, 1, 2] }),
  target: domain({
    name: 'digits 0-2 rotated 30°',
    classes: [0, 1, 2],
    splitSeed: 1,
    transform: { rotateDeg: 30 },
  }),
  sourceData: digitsLocator(),
  data: digitsLocator(),
  model: { type: 'cnn', conv: [4], dense: [8], kernelSize: 3 },
  batchSize: 16,
};

/** One run to compare: a strategy with its parameters and the target-label budget. */
export interface ParityCase {
  strategy: StrategyId;
  params: Params;
  /** Labelled target rows per class; 0 is unsupervised domain adaptation. */
  budget: Budget;
}

/** Every strategy once, with the options that take another code path (frozen layers, L2-SP). */
export const MLP_CASES: readonly ParityCase[] = [
  { strategy: 'scratch', params: {}, budget: 20 },
  { strategy: 'structure', params: {}, budget: 20 },
  { strategy: 'fine-tune', params: { freezeLayers: 1, l2sp: 0.01 }, budget: 20 },
  { strategy: 'feature-extraction', params: {}, budget: 20 },
  { strategy: 'distillation', params: {}, budget: 20 },
  { strategy: 'multi-task', params: {}, budget: 20 },
  { strategy: 'source-only', params: {}, budget: 0 },
  { strategy: 'mmd', params: {}, budget: 0 },
  { strategy: 'coral', params: {}, budget: 0 },
  { strategy: 'dann', params: {}, budget: 0 },
  { strategy: 'importance-weighting', params: {}, budget: 0 },
  { strategy: 'kmm', params: {}, budget: 0 },
  { strategy: 'tradaboost', params: {}, budget: 10 },
];

/** The convolution path: from scratch, fine-tuned from a CNN source, adversarial on its features. */
export const CNN_CASES: readonly ParityCase[] = [
  { strategy: 'scratch', params: {}, budget: 10 },
  { strategy: 'fine-tune', params: { l2sp: 0.01 }, budget: 10 },
  { strategy: 'dann', params: {}, budget: 0 },
];

/**
 * TrAdaBoost keeps the learners of the rounds that may still vote (⌈t/2⌉..t), so the tensors it
 * holds change from epoch to epoch; every other strategy holds a fixed set.
 */
export const GROWS_PER_EPOCH: ReadonlySet<StrategyId> = new Set(['tradaboost']);

/** Every run here trains this many epochs: enough for the second to start from trained weights. */
export const EPOCHS = 2;

/** Trains and saves the pair's source model: one source run, on the backend tf is set to. */
export async function trainSourceModel(tf: Tf, modelsDir: string, pair: Pair): Promise<SavedModel> {
  const job = trainJob(
    runConfig({
      kind: 'source',
      strategy: 'source',
      domain: pair.source,
      model: pair.model,
      seed: 1,
      training: { epochs: EPOCHS, batchSize: pair.batchSize },
    }),
    { data: pair.sourceData, saveModel: true, modelsDir },
  );
  const result = await train(
    job,
    tf,
    () => undefined,
    () => false,
  );
  if (result.status !== 'completed' || result.model === undefined)
    throw new Error(`the source run on ${pair.name} ended ${result.status}`);
  return result.model;
}

/** The transfer job of a case: the same on every backend, the source model included. */
export function parityJob(pair: Pair, c: ParityCase, source: SavedModel, seed = 3): TrainJob {
  const config = runConfig({
    strategy: c.strategy,
    strategyParams: c.params,
    domain: pair.target,
    sourceDomain: pair.source,
    budget: c.budget,
    seed,
    model: pair.model,
    training: { epochs: EPOCHS, learningRate: 0.01, batchSize: pair.batchSize },
  });
  return trainJob(config, {
    data: pair.data,
    sourceData: pair.sourceData,
    sourceModel: source,
  });
}

export interface MemorySample {
  numTensors: number;
  numBytes: number;
  /** Bytes of the GPU buffers tensors hold (webgpu only; undefined elsewhere). */
  numBytesInGPU: number | undefined;
}

export interface RunRecord {
  status: string;
  epochs: Record<string, number>[];
  final: FinalMetrics | undefined;
  /** Rows of each split, as the 'started' message reports them. */
  splitSizes: SplitSizes | undefined;
  /** tf.memory() before the run, at each 'epoch' message, and after the run. */
  memory: { before: MemorySample; perEpoch: MemorySample[]; after: MemorySample };
  seconds: number;
}

function memorySample(tf: Tf): MemorySample {
  const m = tf.memory();
  const inGpu: unknown = Reflect.get(m, 'numBytesInGPU');
  return {
    numTensors: m.numTensors,
    numBytes: m.numBytes,
    numBytesInGPU: typeof inGpu === 'number' ? inGpu : undefined,
  };
}

/** Runs a job on the backend tf is set to, sampling tf.memory() as each epoch is reported. */
export async function recordRun(tf: Tf, job: TrainJob): Promise<RunRecord> {
  const rec = recorder();
  const perEpoch: MemorySample[] = [];
  const before = memorySample(tf);
  const t0 = performance.now();
  const result = await train(
    job,
    tf,
    (m) => {
      rec.emit(m);
      if (m.type === 'epoch') perEpoch.push(memorySample(tf));
    },
    () => false,
  );
  return {
    status: result.status,
    epochs: rec.epochs(),
    final: result.status === 'completed' ? result.finalMetrics : undefined,
    splitSizes: rec.messages.flatMap((m) => (m.type === 'started' ? [m.splitSizes] : []))[0],
    memory: { before, perEpoch, after: memorySample(tf) },
    seconds: (performance.now() - t0) / 1000,
  };
}
