import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, type Tf } from '../../../../src-main/engine/backend';
import type { SavedModel } from '../../../../src-main/engine/model';
import { STRATEGY_IMPLEMENTATIONS } from '../../../../src-main/engine/strategies/index';
import { train } from '../../../../src-main/engine/train';
import type { StrategyId } from '../../../../src-shared/domain/experimentSpec';
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

/** One run of a strategy on the synthetic pair, with tf.memory() sampled at every epoch. */
async function run(id: StrategyId, params: Record<string, number | boolean>, seed: number) {
  const rec = recorder();
  const tensors: number[] = [];
  const before = tf.memory().numTensors;
  const result = await train(
    trainJob(syntheticConfig(id, params, { seed }), {
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

const CASES: [StrategyId, Record<string, number | boolean>][] = [
  ['scratch', {}],
  ['structure', {}],
  ['fine-tune', { l2sp: 0.1, l2: 0.01 }],
  ['feature-extraction', { headHidden: 4 }],
  ['distillation', {}],
  ['distillation', { onFeatures: true, unlabelled: false }],
  ['multi-task', { taskWeight: 0.5 }],
];

describe('every strategy', () => {
  it('is covered here', () => {
    expect(new Set(CASES.map(([id]) => id))).toEqual(new Set(STRATEGIES.map((s) => s.id)));
  });

  for (const [id, params] of CASES) {
    it(`${id} ${JSON.stringify(params)}: same seed and backend, same epochs; no tensor leaks`, async () => {
      const a = await run(id, params, 5);
      expect(a.result.status).toBe('completed');
      expect(a.epochs).toHaveLength(3);
      // Flat across epochs, and back where it started once the run is over.
      expect(new Set(a.tensors).size).toBe(1);
      expect(a.leaked).toBe(0);
      const b = await run(id, params, 5);
      expect(b.epochs).toEqual(a.epochs);
      expect(b.result).toEqual(a.result);
      const c = await run(id, params, 6);
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
