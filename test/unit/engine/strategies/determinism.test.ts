import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, type Tf } from '../../../../src-main/engine/backend';
import type { SavedModel } from '../../../../src-main/engine/model';
import { STRATEGY_IMPLEMENTATIONS } from '../../../../src-main/engine/strategies/index';
import { train } from '../../../../src-main/engine/train';
import type { StrategyId } from '../../../../src-shared/domain/experimentSpec';
import type { ResolvedRunConfig } from '../../../../src-shared/domain/runs';
import { STRATEGIES } from '../../../../src-shared/domain/strategies';
import { recorder, trainJob } from '../fixtures';
import { SYNTHETIC, syntheticConfig, trainSource, useSuiteDir } from './helpers';

const suiteDir = useSuiteDir();
let tf: Tf;
let source: SavedModel;
beforeAll(async () => {
  tf = (await selectBackend('wasm')).tf;
  source = await trainSource(tf, suiteDir(), {
    source: SYNTHETIC.source,
    data: SYNTHETIC.sourceData,
    model: SYNTHETIC.model,
  });
});

type Budget = ResolvedRunConfig['budget'];

/** One run of a strategy on the synthetic pair, with tf.memory() sampled at every epoch. */
async function run(
  id: StrategyId,
  params: Record<string, number | boolean>,
  seed: number,
  budget: Budget,
) {
  const rec = recorder();
  const tensors: number[] = [];
  const before = tf.memory().numTensors;
  const result = await train(
    trainJob(syntheticConfig(id, params, { seed, budget }), {
      data: SYNTHETIC.data,
      sourceData: SYNTHETIC.sourceData,
      sourceModel: source,
    }),
    tf,
    (m) => {
      rec.emit(m);
      if (m.type === 'epoch') tensors.push(tf.memory().numTensors);
    },
    () => false,
  );
  return { result, epochs: rec.epochs(), tensors, leaked: tf.memory().numTensors - before };
}

/** Each case: a strategy, its parameters and the label budget (0: no target label). */
const CASES: [StrategyId, Record<string, number | boolean>, Budget][] = [
  ['scratch', {}, 20],
  ['structure', {}, 20],
  ['fine-tune', { l2sp: 0.1, l2: 0.01 }, 20],
  ['feature-extraction', { headHidden: 4 }, 20],
  ['distillation', {}, 20],
  ['distillation', { onFeatures: true, unlabelled: false }, 20],
  ['multi-task', { taskWeight: 0.5 }, 20],
  ['source-only', {}, 0],
  ['mmd', {}, 0],
  ['mmd', { layer: 1 }, 5],
  ['coral', {}, 0],
  ['dann', {}, 0],
  ['dann', { domainHidden: 0, schedule: false }, 5],
  ['importance-weighting', {}, 0],
  ['kmm', {}, 0],
  ['tradaboost', {}, 10],
  ['tradaboost', { warmStart: false }, 10],
];

/**
 * TrAdaBoost keeps the learners of the rounds that may still vote (⌈t/2⌉..t), so the tensors it
 * holds vary from epoch to epoch (about half a model more per epoch); every other strategy holds
 * a fixed set.
 */
const GROWS = new Set<StrategyId>(['tradaboost']);

describe('every strategy', () => {
  it('is covered here', () => {
    expect(new Set(CASES.map(([id]) => id))).toEqual(new Set(STRATEGIES.map((s) => s.id)));
  });

  for (const [id, params, budget] of CASES) {
    it(`${id} ${JSON.stringify(params)}, budget ${budget}: same seed and backend, same epochs; no tensor leaks`, async () => {
      const a = await run(id, params, 5, budget);
      expect(a.result.status).toBe('completed');
      expect(a.epochs).toHaveLength(3);
      // Flat across epochs, and back where it started once the run is over.
      // (TrAdaBoost: within a learner's 4 weights, Dense(10) and Dense(1), per epoch.)
      if (GROWS.has(id))
        expect(Math.max(...a.tensors) - Math.min(...a.tensors)).toBeLessThanOrEqual(4 * 3);
      else expect(new Set(a.tensors).size).toBe(1);
      expect(a.leaked).toBe(0);
      const b = await run(id, params, 5, budget);
      expect(b.epochs).toEqual(a.epochs);
      expect(b.result).toEqual(a.result);
      const c = await run(id, params, 6, budget);
      expect(c.epochs).not.toEqual(a.epochs);
    });
  }

  it("declares needs within what the planner reads from the strategy's metadata", () => {
    for (const info of STRATEGIES) {
      const needs = STRATEGY_IMPLEMENTATIONS[info.id].needs(syntheticConfig(info.id));
      expect(needs.sourceModel).toBe(info.needsSourceModel);
      expect(needs.sourceData).toBe(info.needsSourceData);
      expect(needs.unlabelledTarget).toBe(info.needsUnlabelledTarget);
    }
    const off = STRATEGY_IMPLEMENTATIONS.distillation.needs(
      syntheticConfig('distillation', { unlabelled: false }),
    );
    expect(off.unlabelledTarget).toBe(false);
  });
});
