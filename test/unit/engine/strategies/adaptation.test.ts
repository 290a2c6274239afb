import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { selectBackend, type Tf } from '../../../../src-main/engine/backend';
import { loadRunData, type RunData } from '../../../../src-main/engine/data/index';
import { logits } from '../../../../src-main/engine/model';
import type { TrainJob } from '../../../../src-main/engine/protocol';
import { sourceImportanceWeights } from '../../../../src-main/engine/strategies/importanceWeighting';
import { STRATEGY_IMPLEMENTATIONS } from '../../../../src-main/engine/strategies/index';
import { sourceKmmWeights } from '../../../../src-main/engine/strategies/kmm';
import type {
  PreparedModel,
  StrategyContext,
} from '../../../../src-main/engine/strategies/strategy';
import { train } from '../../../../src-main/engine/train';
import type { StrategyId } from '../../../../src-shared/domain/experimentSpec';
import type { ResolvedRunConfig } from '../../../../src-shared/domain/runs';
import { KMM_MAX_ROWS, strategyInfo } from '../../../../src-shared/domain/strategies';
import { recorder, trainJob } from '../fixtures';
import { rotatedDigits } from './rotatedDigits';
import { SYNTHETIC, syntheticConfig, useSuiteDir } from './helpers';

/**
 * The domain-adaptation strategies (issue 3, items 5 and 6) through the training loop: budget 0
 * uses no target label, the alignment terms are the only difference from source-only, instance
 * weights are 1 where there is nothing to correct, and on a real covariate shift (rotated
 * digits) the alignment methods beat source-only without a single target label.
 */

const suiteDir = useSuiteDir();
let tf: Tf;
beforeAll(async () => {
  tf = (await selectBackend('wasm')).tf;
});
afterEach(() => {
  vi.restoreAllMocks();
});

type Params = Record<string, number | boolean>;
type Overrides = Parameters<typeof syntheticConfig>[2];

/** A job on the synthetic pair (0° → 30°), budget 0 unless told. */
function syntheticJob(id: StrategyId, params: Params = {}, overrides: Overrides = {}): TrainJob {
  return trainJob(syntheticConfig(id, params, { budget: 0, ...overrides }), {
    data: SYNTHETIC.data,
    sourceData: SYNTHETIC.sourceData,
  });
}

async function run(job: TrainJob) {
  const rec = recorder();
  const result = await train(job, tf, rec.emit, () => false);
  const logs = rec.messages.flatMap((m) => (m.type === 'log' ? [m.message] : []));
  return { result, epochs: rec.epochs(), logs };
}

/** test_acc of a completed run. */
function testAcc(r: Awaited<ReturnType<typeof run>>): number {
  if (r.result.status !== 'completed') throw new Error(`run ${r.result.status}`);
  return r.result.finalMetrics.test_acc ?? NaN;
}

/** The strategy context train() builds, from a job's data (for the weights' functions). */
function contextOf(config: ResolvedRunConfig, data: RunData): StrategyContext {
  const source = data.source;
  if (!source) throw new Error('no source data');
  return {
    tf,
    config,
    featureShape: data.featureShape,
    numClasses: data.numClasses,
    classes: data.classes,
    data: {
      train: data.train,
      source: source.train,
      ...(data.unlabelled ? { unlabelled: data.unlabelled } : {}),
    },
    source: {
      featureShape: source.featureShape,
      numClasses: source.numClasses,
      classes: source.classes,
      rows: source.train.n,
    },
    ...(data.unlabelled ? { unlabelledRows: data.unlabelled.n } : {}),
    log: () => undefined,
  };
}

const UNSUPERVISED = [
  'source-only',
  'mmd',
  'coral',
  'dann',
  'importance-weighting',
  'kmm',
] as const;

describe('budget 0: unsupervised domain adaptation', () => {
  it('leaves the labelled split empty and puts every training row in the pool; the hash covers both', async () => {
    const none = await loadRunData(syntheticJob('mmd'));
    const all = await loadRunData(syntheticJob('scratch', {}, { budget: 'all' }));
    expect(none.train.n).toBe(0);
    expect(none.train.y).toHaveLength(0);
    expect(none.trainPerClass).toEqual([0, 0]);
    // Labels never reach the trainer; the inputs, all of them, are the pool.
    expect(none.unlabelled?.x).toEqual(all.train.x);
    expect(none.val.y).toEqual(all.val.y);
    expect(none.test.y).toEqual(all.test.y);
    const one = await loadRunData(syntheticJob('mmd', {}, { budget: 1 }));
    expect(one.train.n).toBe(2);
    expect(none.dataHash).not.toBe(one.dataHash);
    expect((await loadRunData(syntheticJob('mmd'))).dataHash).toBe(none.dataHash);
  });

  it('trains source-only, MMD, CORAL, DANN, importance weighting and KMM without a target label', async () => {
    for (const id of UNSUPERVISED) {
      const strategy = STRATEGY_IMPLEMENTATIONS[id];
      const prepare = strategy.prepare.bind(strategy);
      let labelledRows = -1;
      let steps = 0;
      let stepsWithTarget = 0;
      vi.spyOn(strategy, 'prepare').mockImplementation(async (ctx): Promise<PreparedModel> => {
        labelledRows = ctx.data?.train.y.length ?? -1;
        const prepared = await prepare(ctx);
        const loss = prepared.loss;
        if (!loss) throw new Error(`${id} has no loss`);
        prepared.loss = (step) => {
          steps++;
          if (step.target) stepsWithTarget++;
          return loss(step);
        };
        return prepared;
      });
      const r = await run(syntheticJob(id));
      expect(r.result.status, id).toBe('completed');
      expect(labelledRows, id).toBe(0);
      // 3 epochs of one pass over the 360 source rows in batches of 16.
      expect(steps, id).toBe(3 * Math.ceil(360 / 16));
      expect(stepsWithTarget, id).toBe(0);
      expect(r.logs, id).toContain(
        'No labelled target rows (budget 0): no target label is used in training',
      );
      // Training metrics on the source rows it trained on, evaluation on the target's splits.
      expect(r.epochs.every((e) => Number.isFinite(e.loss) && Number.isFinite(e.val_acc))).toBe(
        true,
      );
      vi.restoreAllMocks();
    }
  });

  it('is refused by the strategies that learn from target labels', async () => {
    for (const id of ['scratch', 'multi-task', 'tradaboost'] as const) {
      await expect(run(syntheticJob(id))).rejects.toThrow(
        `Strategy ${id} trains on target labels, and the budget gives none (budget 0)`,
      );
    }
  });

  it('uses the few target labels when the budget gives some', async () => {
    const strategy = STRATEGY_IMPLEMENTATIONS.coral;
    const prepare = strategy.prepare.bind(strategy);
    let stepsWithTarget = 0;
    vi.spyOn(strategy, 'prepare').mockImplementation((ctx): PreparedModel => {
      const prepared = prepare(ctx);
      const loss = prepared.loss;
      if (!loss) throw new Error('coral has no loss');
      prepared.loss = (step) => {
        if (step.target) stepsWithTarget++;
        return loss(step);
      };
      return prepared;
    });
    const r = await run(syntheticJob('coral', {}, { budget: 5 }));
    expect(r.result.status).toBe('completed');
    expect(stepsWithTarget).toBe(3 * Math.ceil(360 / 16));
  });
});

describe('the alignment term is the only difference from source-only', () => {
  it('at λ = 0, MMD, CORAL and DANN are source-only metric for metric; at λ > 0 they are not', async () => {
    const base = await run(syntheticJob('source-only'));
    for (const id of ['mmd', 'coral', 'dann'] as const) {
      expect((await run(syntheticJob(id, { lambda: 0 }))).epochs, id).toEqual(base.epochs);
    }
    expect((await run(syntheticJob('mmd'))).epochs).not.toEqual(base.epochs);
    // With target labels too (budget 5): the λ = 0 ablation of source-only.
    const withLabels = await run(
      syntheticJob('source-only', { targetLabels: true }, { budget: 5 }),
    );
    const mmdOff = await run(syntheticJob('mmd', { lambda: 0 }, { budget: 5 }));
    expect(mmdOff.epochs).toEqual(withLabels.epochs);
    expect(withLabels.epochs).not.toEqual(
      (await run(syntheticJob('source-only', {}, { budget: 5 }))).epochs,
    );
  });
});

describe('instance weights', () => {
  it('are 1 when the source and the target are the same data (classifier and KMM)', async () => {
    // The source domain as its own target: the source rows and the target pool coincide.
    const config = syntheticConfig(
      'importance-weighting',
      {},
      {
        budget: 0,
        domain: SYNTHETIC.source,
      },
    );
    const data = await loadRunData(
      trainJob(config, { data: SYNTHETIC.sourceData, sourceData: SYNTHETIC.sourceData }),
    );
    expect(data.source?.train.x).toEqual(data.unlabelled?.x);
    const classifier = await sourceImportanceWeights(contextOf(config, data));
    expect(classifier.weights).toHaveLength(360);
    expect(classifier.accuracy).toBeCloseTo(0.5, 6);
    for (const w of classifier.weights) expect(w).toBeCloseTo(1, 4);
    const kmmConfig = { ...config, strategy: 'kmm' as const, strategyParams: {} };
    const kmm = await sourceKmmWeights(contextOf(kmmConfig, data));
    for (const w of kmm.weights) expect(w).toBeCloseTo(1, 3);
    // Through the loop, the run says so.
    const r = await run(
      trainJob(config, { data: SYNTHETIC.sourceData, sourceData: SYNTHETIC.sourceData }),
    );
    expect(r.logs).toContain(
      'Importance weights: min 1.000, max 1.000, effective sample size 360.0 of 360',
    );
  });

  it('follow the target under covariate shift: rotated digits get a few heavy source rows', async () => {
    const pair = rotatedDigits(suiteDir(), 30);
    const config = syntheticConfig(
      'importance-weighting',
      {},
      {
        budget: 0,
        domain: pair.target,
        sourceDomain: pair.source,
        model: { type: 'mlp', hidden: [16], activation: 'relu' },
      },
    );
    const data = await loadRunData(
      trainJob(config, { data: pair.data, sourceData: pair.sourceData }),
    );
    const result = await sourceImportanceWeights(contextOf(config, data));
    expect(result.accuracy).toBeGreaterThan(0.9);
    const sum = result.weights.reduce((a, b) => a + b, 0);
    const squares = result.weights.reduce((a, b) => a + b * b, 0);
    expect(sum / result.weights.length).toBeCloseTo(1, 6);
    // Effective sample size well below the source's rows.
    expect((sum * sum) / squares).toBeLessThan(result.weights.length / 2);
  });

  it('KMM cuts a large source into seeded chunks, each of mean 1', async () => {
    // The largest chunk the UI offers is the solver's limit (one constant, KMM_MAX_ROWS).
    expect(strategyInfo('kmm').params.find((p) => p.key === 'sampleSize')?.max).toBe(KMM_MAX_ROWS);
    const config = (seed: number) =>
      syntheticConfig('kmm', { sampleSize: 100 }, { budget: 0, seed });
    const job = (seed: number) =>
      trainJob(config(seed), { data: SYNTHETIC.data, sourceData: SYNTHETIC.sourceData });
    const data = await loadRunData(job(1));
    const a = await sourceKmmWeights(contextOf(config(1), data));
    expect(a.chunks).toBe(4);
    expect(a.weights).toHaveLength(360);
    const mean = a.weights.reduce((s, w) => s + w, 0) / 360;
    expect(mean).toBeCloseTo(1, 6);
    expect(a.weights.every((w) => w >= 0 && w <= 10 * 1.2)).toBe(true);
    expect((await sourceKmmWeights(contextOf(config(1), data))).weights).toEqual(a.weights);
    expect((await sourceKmmWeights(contextOf(config(2), data))).weights).not.toEqual(a.weights);
  });
});

describe('on a covariate shift, without any target label', () => {
  it('MMD and CORAL beat source-only on digits rotated by 30°', async () => {
    const pair = rotatedDigits(suiteDir(), 30);
    const acc = async (id: StrategyId) =>
      testAcc(
        await run(
          trainJob(
            syntheticConfig(
              id,
              {},
              {
                budget: 0,
                seed: 0,
                domain: pair.target,
                sourceDomain: pair.source,
                model: { type: 'mlp', hidden: [64], activation: 'relu' },
                training: { epochs: 10, learningRate: 0.01, batchSize: 32 },
              },
            ),
            { data: pair.data, sourceData: pair.sourceData },
          ),
        ),
      );
    const sourceOnly = await acc('source-only');
    // Measured: source-only 0.37, MMD 0.69, CORAL 0.59 (10 classes: chance is 0.1).
    expect(sourceOnly).toBeLessThan(0.5);
    expect(await acc('mmd')).toBeGreaterThan(sourceOnly + 0.15);
    expect(await acc('coral')).toBeGreaterThan(sourceOnly + 0.08);
  });
});

describe('TrAdaBoost', () => {
  it('votes with its one round after one epoch, and boosts for as many rounds as epochs', async () => {
    const config = syntheticConfig('tradaboost', { warmStart: false }, { budget: 10 });
    const data = await loadRunData(
      trainJob(config, { data: SYNTHETIC.data, sourceData: SYNTHETIC.sourceData }),
    );
    const prepared = await STRATEGY_IMPLEMENTATIONS.tradaboost.prepare(contextOf(config, data));
    const x = tf.tensor2d(data.val.x, [data.val.n, 20]);
    const learner = prepared.model;
    await prepared.endEpoch?.(1);
    const [vote, own] = tf.tidy(() => [
      Array.from(prepared.evalLogits?.(x).dataSync() ?? []),
      Array.from(logits(tf, learner, x).dataSync()),
    ]);
    expect(vote).toHaveLength(data.val.n);
    vote.forEach((z, i) => {
      expect(z).toBeCloseTo(own[i] ?? NaN, 4);
    });
    // A fresh learner for round 2.
    expect(prepared.model).not.toBe(learner);
    x.dispose();
    prepared.dispose();

    for (const warmStart of [true, false]) {
      const r = await run(
        syntheticJob('tradaboost', { warmStart }, { budget: 10, training: { epochs: 4 } }),
      );
      expect(r.result.status).toBe('completed');
      expect(r.logs.filter((m) => m.startsWith('Round ')).map((m) => m.split(':')[0])).toEqual([
        'Round 1',
        'Round 2',
        'Round 3',
        'Round 4',
      ]);
    }
    // Its vote is not the model's weights alone: early stopping may stop it, never restore it.
    const stopping = { monitor: 'val_loss', patience: 2 } as const;
    await expect(
      run(
        syntheticJob(
          'tradaboost',
          {},
          {
            budget: 10,
            training: { epochs: 4, earlyStopping: { ...stopping, restoreBest: true } },
          },
        ),
      ),
    ).rejects.toThrow('cannot restore its best epoch (set restoreBest: false)');
    const stopped = await run(
      syntheticJob(
        'tradaboost',
        {},
        { budget: 10, training: { epochs: 4, earlyStopping: { ...stopping, restoreBest: false } } },
      ),
    );
    expect(stopped.result.status).toBe('completed');
  });
});
