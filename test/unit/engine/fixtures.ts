import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DomainSpec, TrainingSpec } from '../../../src-shared/domain/experimentSpec';
import type { ResolvedRunConfig } from '../../../src-shared/domain/runs';
import type { DataLocator, TrainJob, TrainerToParent } from '../../../src-main/engine/protocol';

/** The built-in digits file, and a locator for it as the dataset service records it. */
export const DIGITS_PATH = join(import.meta.dirname, '../../../resources/datasets/digits.csv.gz');

export function digitsLocator(): Extract<DataLocator, { kind: 'csv' }> {
  const contentHash = createHash('sha256').update(readFileSync(DIGITS_PATH)).digest('hex');
  return { kind: 'csv', path: DIGITS_PATH, featureShape: [8, 8], contentHash };
}

/** A 'linear-binary' synthetic locator: the articles' task family (20 features by default). */
export function linearBinaryLocator(
  overrides: Partial<Extract<DataLocator, { kind: 'synthetic' }>['params']> = {},
): Extract<DataLocator, { kind: 'synthetic' }> {
  return {
    kind: 'synthetic',
    params: {
      generator: 'linear-binary',
      features: 20,
      samples: 1000,
      taskSeed: 1,
      angleDeg: 0,
      noise: 0.1,
      ...overrides,
    },
  };
}

/** A domain over a synthetic locator's dataset, as an experiment spec names it. */
export function syntheticDomain(
  name: string,
  locator: Extract<DataLocator, { kind: 'synthetic' }>,
): DomainSpec {
  return { name, dataset: locator.params, splitSeed: 0 };
}

export function domain(overrides: Partial<DomainSpec> = {}): DomainSpec {
  return { name: 'digits', dataset: 'digits', splitSeed: 0, ...overrides };
}

/** A small, fast run config: digits, one hidden layer of 32, a few epochs. */
export function runConfig(
  overrides: Partial<Omit<ResolvedRunConfig, 'training'>> & {
    training?: Partial<TrainingSpec>;
  } = {},
): ResolvedRunConfig {
  const { training, ...rest } = overrides;
  return {
    kind: 'transfer',
    strategy: 'scratch',
    strategyParams: {},
    domain: domain(),
    budget: 'all',
    seed: 1,
    model: { type: 'mlp', hidden: [32], activation: 'relu' },
    ...rest,
    training: {
      epochs: 3,
      learningRate: 0.01,
      batchSize: 32,
      optimizer: 'adam',
      backend: 'wasm',
      ...training,
    },
  };
}

export function trainJob(config: ResolvedRunConfig, overrides: Partial<TrainJob> = {}): TrainJob {
  return {
    runId: 1,
    config,
    data: digitsLocator(),
    modelsDir: '/nonexistent',
    saveModel: false,
    ...overrides,
  };
}

/** Collects emitted messages; `epochs` gives the per-epoch values in order. */
export function recorder(): {
  emit: (m: TrainerToParent) => void;
  messages: TrainerToParent[];
  epochs: () => Record<string, number>[];
} {
  const messages: TrainerToParent[] = [];
  return {
    emit: (m) => messages.push(m),
    messages,
    epochs: () => messages.flatMap((m) => (m.type === 'epoch' ? [m.values] : [])),
  };
}
