import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs';
import type { Tf } from '../../../../src-main/engine/backend';
import type { SavedModel } from '../../../../src-main/engine/model';
import type { TrainStep } from '../../../../src-main/engine/strategies/strategy';
import { train } from '../../../../src-main/engine/train';
import type { DomainSpec, ModelSpec } from '../../../../src-shared/domain/experimentSpec';
import type { ResolvedRunConfig } from '../../../../src-shared/domain/runs';
import {
  digitsLocator,
  domain,
  linearBinaryLocator,
  runConfig,
  syntheticDomain,
  trainJob,
} from '../fixtures';

/** The two transfer pairs every strategy is tried on: digits 0–4 → 5–7 and 0° → 30° synthetic. */
export const DIGITS = {
  source: domain({ name: 'digits 0-4', classes: [0, 1, 2, 3, 4] }),
  target: domain({ name: 'digits 5-7', classes: [5, 6, 7] }),
  data: digitsLocator(),
  model: { type: 'mlp', hidden: [32, 16], activation: 'relu' } satisfies ModelSpec,
  featureShape: [8, 8],
};

const taskA = linearBinaryLocator({ samples: 600, angleDeg: 0 });
const taskB = linearBinaryLocator({ samples: 600, angleDeg: 30 });
export const SYNTHETIC = {
  source: syntheticDomain('task A (0°)', taskA),
  target: syntheticDomain('task B (30°)', taskB),
  sourceData: taskA,
  data: taskB,
  model: { type: 'mlp', hidden: [10], activation: 'relu' } satisfies ModelSpec,
  featureShape: [20],
};

/** Trains and saves a source model on a source domain (a source run, in this process). */
export async function trainSource(
  tf: Tf,
  modelsDir: string,
  o: {
    source: DomainSpec;
    data: ReturnType<typeof digitsLocator> | typeof taskA;
    model: ModelSpec;
    epochs?: number;
  },
): Promise<SavedModel> {
  const result = await train(
    trainJob(
      runConfig({
        kind: 'source',
        strategy: 'source',
        domain: o.source,
        model: o.model,
        training: { epochs: o.epochs ?? 2 },
      }),
      { data: o.data, saveModel: true, modelsDir },
    ),
    tf,
    () => undefined,
    () => false,
  );
  if (result.status !== 'completed' || result.model === undefined)
    throw new Error('source run failed');
  return result.model;
}

/** A transfer run config on the digits pair. */
export function digitsConfig(
  strategy: ResolvedRunConfig['strategy'],
  strategyParams: ResolvedRunConfig['strategyParams'] = {},
  overrides: Parameters<typeof runConfig>[0] = {},
): ResolvedRunConfig {
  return runConfig({
    strategy,
    strategyParams,
    domain: DIGITS.target,
    sourceDomain: DIGITS.source,
    budget: 10,
    seed: 2,
    model: DIGITS.model,
    training: { epochs: 3, batchSize: 10 },
    ...overrides,
  });
}

/** A transfer run config on the synthetic pair. */
export function syntheticConfig(
  strategy: ResolvedRunConfig['strategy'],
  strategyParams: ResolvedRunConfig['strategyParams'] = {},
  overrides: Parameters<typeof runConfig>[0] = {},
): ResolvedRunConfig {
  return runConfig({
    strategy,
    strategyParams,
    domain: SYNTHETIC.target,
    sourceDomain: SYNTHETIC.source,
    budget: 20,
    seed: 3,
    model: SYNTHETIC.model,
    training: { epochs: 3, learningRate: 0.01, batchSize: 16 },
    ...overrides,
  });
}

/** A step whose target loss is 0, so a strategy's loss is its extra term alone. */
export function bareStep(
  tf: Tf,
  x: Tensor,
  extra: Partial<Pick<TrainStep, 'source' | 'unlabelled'>> = {},
): TrainStep {
  const [n] = x.shape;
  return {
    target: {
      x,
      y: tf.zeros([n], 'int32'),
      rows: new Int32Array(n),
      logits: tf.zeros([n, 1]),
    },
    targetLoss: tf.scalar(0),
    epoch: 1,
    step: 0,
    progress: 0,
    ...extra,
  };
}

/** The bytes of every weight of a layer, as hex strings (bit-identity checks). */
export function layerBytes(layer: { getWeights(): Tensor[] }): string[] {
  return layer.getWeights().map((w) => Buffer.from(w.dataSync().buffer).toString('hex'));
}

/** A temporary folder for a whole test file (source models trained once in beforeAll). */
export function useSuiteDir(): () => string {
  let dir: string | undefined;
  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });
  return () => (dir ??= mkdtempSync(join(tmpdir(), 'transferlab-strategies-')));
}
