import { describe, expect, it } from 'vitest';
import {
  parseSpec,
  planExperiment,
  type PlannedDomain,
} from '../../../../src-main/core/experimentPlan';
import type { DatasetRecord } from '../../../../src-main/store/datasets';
import { StrategyIdSchema, type DomainSpec } from '../../../../src-shared/domain/experimentSpec';
import { AppFailure, type Issue } from '../../../../src-shared/result';
import { digitsLocator, linearBinaryLocator } from '../fixtures';

/** Workspace records of the shapes that matter: 8×8 and 28×28 images, 20 and 12 features. */
function record(id: number, name: string, featureShape: number[]): DatasetRecord {
  return {
    id,
    name,
    kind: 'builtin',
    contentHash: name,
    samples: 1000,
    featureShape,
    classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    provenance: {},
    createdAt: '',
    locator: featureShape.length === 1 ? linearBinaryLocator() : digitsLocator(),
  };
}
const DATASETS: Record<string, DatasetRecord> = {
  digits: record(1, 'digits', [8, 8]),
  'fashion-mnist': record(2, 'fashion-mnist', [28, 28]),
  wide: record(3, 'wide', [20]),
  narrow: record(4, 'narrow', [12]),
};

function resolve(d: DomainSpec): PlannedDomain {
  const dataset = typeof d.dataset === 'string' ? DATASETS[d.dataset] : undefined;
  if (!dataset) throw new Error('unknown dataset');
  return { spec: d, dataset };
}

function plan(o: {
  source: string;
  target: string;
  strategies: { id: string; params?: Record<string, unknown> }[];
  model?: object;
}): Issue[] {
  try {
    planExperiment(
      parseSpec({
        name: 'shapes',
        sources: [{ name: 's', dataset: o.source, classes: [0, 1, 2] }],
        targets: [{ name: 't', dataset: o.target, classes: [0, 1, 2] }],
        strategies: o.strategies,
        budgets: [10],
        ...(o.model ? { model: o.model } : {}),
      }),
      resolve,
    );
  } catch (e) {
    if (e instanceof AppFailure) return e.issues ?? [];
    throw e;
  }
  return [];
}

const EVERY = StrategyIdSchema.options.map((id) => ({ id }));

describe('planning across input shapes', () => {
  it('plans every strategy from 8×8 digits to 28×28 Fashion-MNIST: images are resized', () => {
    expect(plan({ source: 'digits', target: 'fashion-mnist', strategies: EVERY })).toEqual([]);
  });

  it('plans a learned adapter from 20 to 12 features, except where rows are compared as they are', () => {
    expect(plan({ source: 'wide', target: 'narrow', strategies: EVERY })).toEqual(
      (['importance-weighting', 'kmm', 'tradaboost'] as const).map((id) => ({
        path: `strategies.${StrategyIdSchema.options.indexOf(id)}`,
        message: `${id}: source 0 has rows of shape [20] and target 0 [12]; ${
          {
            'importance-weighting': 'Importance weighting',
            kmm: 'Kernel mean matching',
            tradaboost: 'TrAdaBoost',
          }[id]
        } compares the rows of both domains in the input space, which a learned input adapter cannot map (only images are resized to fit)`,
      })),
    );
  });
});

describe('planning a CNN', () => {
  const cnn = { type: 'cnn', conv: [8], dense: [16] };

  it('takes image domains it fits, counting convolutions as weight layers', () => {
    expect(
      plan({
        source: 'digits',
        target: 'fashion-mnist',
        strategies: [{ id: 'scratch' }, { id: 'fine-tune', params: { freezeLayers: 2 } }],
        model: cnn,
      }),
    ).toEqual([]);
    expect(
      plan({
        source: 'digits',
        target: 'digits',
        strategies: [
          { id: 'fine-tune', params: { freezeLayers: 3 } },
          { id: 'feature-extraction', params: { layer: 2 } },
        ],
        model: cnn,
      }),
    ).toEqual([
      {
        path: 'strategies.0.params.freezeLayers',
        message:
          "freezeLayers 3 exceeds the model's 2 weight layers (convolutions and hidden layers)",
      },
      { path: 'strategies.1.params.layer', message: "layer 2 exceeds the model's 1 hidden layers" },
    ]);
  });

  it('refuses tabular domains and images too small, listing every problem', () => {
    expect(
      plan({
        source: 'wide',
        target: 'narrow',
        strategies: [{ id: 'scratch' }, { id: 'fine-tune' }],
        model: cnn,
      }),
    ).toEqual([
      {
        path: 'sources.0.model',
        message:
          'a CNN needs image features [height, width] or [height, width, channels], not [20] (dataset wide)',
      },
      {
        path: 'targets.0.model',
        message:
          'a CNN needs image features [height, width] or [height, width, channels], not [12] (dataset narrow)',
      },
    ]);
    // The default CNN (two blocks) needs 10×10 images at least: 8×8 digits are too small.
    expect(
      plan({
        source: 'digits',
        target: 'fashion-mnist',
        strategies: [{ id: 'fine-tune' }],
        model: { type: 'cnn' },
      }),
    ).toEqual([
      {
        path: 'sources.0.model',
        message:
          '8×8 images are too small for 2 3×3 convolution + 2×2 pooling blocks (dataset digits)',
      },
    ]);
  });

  it('checks only the domains a model is built on: scratch alone never builds on the source', () => {
    expect(
      plan({
        source: 'wide',
        target: 'fashion-mnist',
        strategies: [{ id: 'scratch' }],
        model: cnn,
      }),
    ).toEqual([]);
  });
});
