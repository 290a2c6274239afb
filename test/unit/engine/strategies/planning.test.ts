import { describe, expect, it } from 'vitest';
import {
  hashConfig,
  parseSpec,
  planExperiment,
  type PlannedDomain,
} from '../../../../src-main/core/experimentPlan';
import type { DatasetRecord } from '../../../../src-main/store/datasets';
import type { DomainSpec } from '../../../../src-shared/domain/experimentSpec';
import { strategyInfo } from '../../../../src-shared/domain/strategies';
import { TRAIN_METRIC_ROWS } from '../../../../src-shared/domain/trainMetrics';
import { AppFailure, type Issue } from '../../../../src-shared/result';
import { digitsLocator, linearBinaryLocator } from '../fixtures';

/** The digits dataset (64 features) and a 20-feature synthetic one, as the workspace records them. */
const DATASETS: Record<string, DatasetRecord> = {
  digits: {
    id: 1,
    name: 'digits',
    kind: 'builtin',
    contentHash: 'd',
    samples: 1797,
    featureShape: [8, 8],
    classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    provenance: {},
    createdAt: '',
    locator: digitsLocator(),
  },
  wide: {
    id: 2,
    name: 'wide',
    kind: 'synthetic',
    contentHash: 's',
    samples: 600,
    featureShape: [20],
    classes: [0, 1],
    provenance: {},
    createdAt: '',
    locator: linearBinaryLocator(),
  },
};

function resolve(d: DomainSpec): PlannedDomain {
  const dataset = DATASETS[typeof d.dataset === 'string' ? d.dataset : 'wide'];
  if (!dataset) throw new Error('unknown dataset');
  return { spec: d, dataset };
}

function spec(strategies: { id: string; params?: Record<string, unknown> }[], extra: object = {}) {
  return parseSpec({
    name: 'plan',
    sources: [
      { name: 's1', dataset: 'digits', classes: [0, 1, 2, 3, 4] },
      { name: 's2', dataset: 'digits', classes: [0, 1, 2] },
    ],
    targets: [{ name: 't', dataset: 'digits', classes: [5, 6, 7, 8, 9] }],
    strategies,
    budgets: [10],
    seeds: [0, 1],
    model: { type: 'mlp', hidden: [32, 16] },
    ...extra,
  });
}

function problems(fn: () => unknown): Issue[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppFailure) return e.issues ?? [];
    throw e;
  }
  return [];
}

describe('planning the new strategies', () => {
  it('runs source-data strategies once per source, without waiting for a source model', () => {
    const plan = planExperiment(spec([{ id: 'scratch' }, { id: 'multi-task' }]), resolve);
    // Nothing needs a source model: no source run is trained.
    expect(plan.sourceRuns).toHaveLength(0);
    const multi = plan.transferRuns.filter((r) => r.config.strategy === 'multi-task');
    expect(multi).toHaveLength(2 * 2); // sources × seeds
    expect(multi.map((r) => r.config.sourceDomain?.name).sort()).toEqual(['s1', 's1', 's2', 's2']);
    expect(multi.every((r) => r.sourceRunKey === null && r.source !== null)).toBe(true);
    expect(multi[0]?.config.strategyParams).toEqual({ taskWeight: 1 });
    // Scratch stays once per target.
    expect(plan.transferRuns.filter((r) => r.config.strategy === 'scratch')).toHaveLength(2);
  });

  it('plans a source run for every strategy that learns from a source model', () => {
    const ids = ['structure', 'fine-tune', 'feature-extraction', 'distillation'];
    const plan = planExperiment(spec(ids.map((id) => ({ id }))), resolve);
    expect(plan.sourceRuns).toHaveLength(2 * 2);
    for (const id of ids) {
      const runs = plan.transferRuns.filter((r) => r.config.strategy === id);
      expect(runs).toHaveLength(4);
      expect(runs.map((r) => r.sourceRunKey).sort()).toEqual(['0/0', '0/1', '1/0', '1/1']);
    }
    const distil = plan.transferRuns.find((r) => r.config.strategy === 'distillation');
    expect(distil?.config.strategyParams).toEqual({
      alpha: 1,
      temperature: 4,
      onFeatures: false,
      layer: 0,
      unlabelled: true,
    });
  });

  it('checks the layers a strategy names against the model', () => {
    const found = problems(() =>
      planExperiment(
        spec([
          {
            id: 'fine-tune',
            params: { freezeLayers: 3, layerScale2: 2, layerScale3: 5, l2sp: 0.1 },
          },
          { id: 'feature-extraction', params: { layer: 4 } },
          { id: 'distillation', params: { layer: 2 } },
        ]),
        resolve,
      ),
    );
    expect(found).toEqual([
      {
        path: 'strategies.0.params.freezeLayers',
        message: "freezeLayers 3 exceeds the model's 2 hidden layers",
      },
      {
        path: 'strategies.0.params.layerScale3',
        message: 'layerScale3 is set but the model has 2 hidden layers',
      },
      {
        path: 'strategies.1.params.layer',
        message: "layer 4 exceeds the model's 2 hidden layers",
      },
    ]);
    // A value out of its range is the spec schema's to refuse (typed per strategy, issue 10).
    expect(
      problems(() =>
        planExperiment(spec([{ id: 'distillation', params: { temperature: 0.5 } }]), resolve),
      ),
    ).toEqual([
      {
        path: 'strategies.0.params.temperature',
        message: 'Too small: expected number to be >=1',
      },
    ]);
  });

  it("refuses fine-tune's head options that cannot hold, when planned (issue 17)", () => {
    const found = problems(() =>
      planExperiment(
        spec(
          [
            { id: 'fine-tune', params: { keepSourceHead: true, headInitScale: 0.5 } },
            { id: 'fine-tune', params: { probeEpochs: 3 } },
          ],
          { training: { epochs: 3, learningRate: 0.001, batchSize: 32, optimizer: 'adam' } },
        ),
        resolve,
      ),
    );
    expect(found).toEqual([
      {
        path: 'strategies.0.params.headInitScale',
        message: "headInitScale scales a new head, and keepSourceHead keeps the source's",
      },
      {
        path: 'strategies.0.params.keepSourceHead',
        message:
          "keepSourceHead keeps the source's output layer, but source 0 has classes " +
          '[0, 1, 2, 3, 4] and target 0 [5, 6, 7, 8, 9]: it needs the same classes in the same order',
      },
      {
        path: 'strategies.0.params.keepSourceHead',
        message:
          "keepSourceHead keeps the source's output layer, but source 1 has classes " +
          '[0, 1, 2] and target 0 [5, 6, 7, 8, 9]: it needs the same classes in the same order',
      },
      {
        path: 'strategies.1.params.probeEpochs',
        message:
          'probeEpochs 3 leaves none of the 3 epochs to fine-tune (LP-FT probes first, ' +
          'then fine-tunes; for a probe alone use feature-extraction)',
      },
    ]);
    // The same classes in the same order keep the source head.
    const same = planExperiment(
      spec([{ id: 'fine-tune', params: { keepSourceHead: true } }], {
        sources: [{ name: 's', dataset: 'digits', classes: [5, 6, 7, 8, 9] }],
      }),
      resolve,
    );
    expect(same.transferRuns[0]?.config.strategyParams.keepSourceHead).toBe(true);
  });

  it('records the revision of the strategies whose procedure changed, and only theirs', () => {
    const plan = planExperiment(
      spec([{ id: 'scratch' }, { id: 'fine-tune' }, { id: 'feature-extraction' }]),
      resolve,
    );
    const revision = (id: string) =>
      plan.transferRuns.find((r) => r.config.strategy === id)?.config.strategyRevision;
    expect(revision('fine-tune')).toBe(2);
    expect(revision('feature-extraction')).toBe(2);
    expect(revision('scratch')).toBeUndefined();
    expect(plan.sourceRuns[0]?.config.strategyRevision).toBeUndefined();
  });

  it('records the cap on train-metric rows on every run, outside the run’s identity', () => {
    const plan = planExperiment(spec([{ id: 'scratch' }, { id: 'fine-tune' }]), resolve);
    const runs = [...plan.sourceRuns, ...plan.transferRuns];
    expect(runs.length).toBeGreaterThan(0);
    for (const run of runs) expect(run.config.trainMetricRows).toBe(TRAIN_METRIC_ROWS);
    // A measurement setting: the hash of a run recorded before the cap (none) is the same, so a
    // source model trained then is still reused, and old runs' hashes still check out.
    const [first] = runs;
    if (!first) throw new Error('no run planned');
    const { trainMetricRows: _cap, ...before } = first.config;
    expect(_cap).toBe(TRAIN_METRIC_ROWS);
    const datasets = [DATASETS.digits].flatMap((d) => (d ? [d] : []));
    expect(hashConfig(before, datasets)).toBe(hashConfig(first.config, datasets));
    expect(hashConfig({ ...first.config, seed: 99 }, datasets)).not.toBe(
      hashConfig(first.config, datasets),
    );
  });

  it('plans every model-transfer strategy across input shapes (an input adapter fits them)', () => {
    const mixed = (id: string) =>
      problems(() =>
        planExperiment(
          spec([{ id }], {
            sources: [{ name: 'w', dataset: { generator: 'linear-binary', features: 20 } }],
          }),
          resolve,
        ),
      );
    // 20 source features, 64 target features: a learned linear adapter (test/unit/engine/adapter*).
    for (const id of [
      'structure',
      'fine-tune',
      'feature-extraction',
      'distillation',
      'multi-task',
    ] as const) {
      expect(mixed(id)).toEqual([]);
    }
  });
});

describe('planning domain adaptation', () => {
  const shifted = {
    sources: [{ name: 'digits 0–4', dataset: 'digits', classes: [0, 1, 2, 3, 4] }],
    targets: [{ name: 'digits 0–4 again', dataset: 'digits', classes: [0, 1, 2, 3, 4] }],
  };
  const ADAPTATION = ['source-only', 'mmd', 'coral', 'dann', 'importance-weighting', 'kmm'];

  it('runs the adaptation strategies at budget 0, once per source, without a source run', () => {
    const plan = planExperiment(
      spec(
        ADAPTATION.map((id) => ({ id })),
        { ...shifted, budgets: [0, 5] },
      ),
      resolve,
    );
    expect(plan.sourceRuns).toHaveLength(0);
    for (const id of ADAPTATION) {
      const runs = plan.transferRuns.filter((r) => r.config.strategy === id);
      expect(runs.map((r) => r.config.budget).sort()).toEqual([0, 0, 5, 5]);
      expect(runs.every((r) => r.source !== null && r.sourceRunKey === null)).toBe(true);
    }
    expect(
      plan.transferRuns.find((r) => r.config.strategy === 'dann')?.config.strategyParams,
    ).toEqual({ lambda: 1, layer: 0, domainHidden: 32, schedule: true });
  });

  it('refuses budget 0 for every strategy that learns from target labels, naming the ones that do not', () => {
    const ids = [
      'scratch',
      'fine-tune',
      'feature-extraction',
      'structure',
      'distillation',
      'multi-task',
      'tradaboost',
      'mmd',
    ];
    const found = problems(() =>
      planExperiment(
        spec(
          ids.map((id) => ({ id })),
          { ...shifted, budgets: [0, 5] },
        ),
        resolve,
      ),
    );
    const suits = 'budget 0 suits source-only, mmd, coral, dann, importance-weighting, kmm';
    expect(found).toEqual(
      ids.slice(0, -1).map((id, i) => ({
        path: `strategies.${i}`,
        message: `${strategyInfo(id as Parameters<typeof strategyInfo>[0]).name} trains on target labels, so it cannot run with budget 0 (no target labels); ${suits}`,
      })),
    );
  });

  it('needs the same classes in the source and the target', () => {
    const found = problems(() =>
      planExperiment(spec([{ id: 'mmd' }, { id: 'multi-task' }]), resolve),
    );
    expect(found).toEqual([
      {
        path: 'strategies.0',
        message:
          "mmd: source 0 has classes [0, 1, 2, 3, 4] and target 0 has [5, 6, 7, 8, 9]; MMD (DAN) trains the target's classifier on the source labels and needs the same classes",
      },
      {
        path: 'strategies.0',
        message:
          "mmd: source 1 has classes [0, 1, 2] and target 0 has [5, 6, 7, 8, 9]; MMD (DAN) trains the target's classifier on the source labels and needs the same classes",
      },
    ]);
    // Without a class list a domain keeps its dataset's classes, in order.
    expect(
      problems(() =>
        planExperiment(
          spec([{ id: 'coral' }], {
            sources: [{ name: 'all digits', dataset: 'digits' }],
            targets: [
              { name: 'digits listed', dataset: 'digits', classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] },
            ],
          }),
          resolve,
        ),
      ),
    ).toEqual([]);
  });
});
