import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, type Tf } from '../../../../src-main/engine/backend';
import { loadRunData } from '../../../../src-main/engine/data/index';
import type { SavedModel } from '../../../../src-main/engine/model';
import { train } from '../../../../src-main/engine/train';
import type { StrategyId } from '../../../../src-shared/domain/experimentSpec';
import type { SplitSizes } from '../../../../src-shared/domain/runs';
import { STRATEGIES, strategyInfo } from '../../../../src-shared/domain/strategies';
import { trainMetricPool, trainMetricSample } from '../../../../src-shared/domain/trainMetrics';
import { recorder, trainJob } from '../fixtures';
import { SYNTHETIC, syntheticConfig, trainSource, useSuiteDir } from './helpers';

/**
 * The UI, the CLI and reports say "train metrics on a fixed sample of N of M rows" from a run's
 * config and split sizes (src-shared/domain/trainMetrics.ts); the engine samples the rows its
 * strategy measures (PreparedModel.trainMetrics). The two must count the same M for every
 * strategy, or the caption would misstate it.
 */

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

const CAP = 7;

const CASES: [StrategyId, Record<string, number | boolean>][] = [
  ...STRATEGIES.map((s): [StrategyId, Record<string, number | boolean>] => [s.id, {}]),
  ['source-only', { targetLabels: true }],
];

describe('the rows train metrics cover', () => {
  for (const [id, params] of CASES) {
    it(`${id} ${JSON.stringify(params)}: the engine samples from as many rows as the caption says`, async () => {
      const config = syntheticConfig(id, params, {
        trainMetricRows: CAP,
        training: { epochs: 1, learningRate: 0.01, batchSize: 16 },
      });
      const info = strategyInfo(id);
      const job = trainJob(config, {
        data: SYNTHETIC.data,
        ...(info.needsSourceData ? { sourceData: SYNTHETIC.sourceData } : {}),
        ...(info.needsSourceModel ? { sourceModel: source } : {}),
      });
      const data = await loadRunData(job);
      // As the trainer reports them (trainer/entry.ts).
      const sizes: SplitSizes = {
        train: data.train.n,
        val: data.val.n,
        test: data.test.n,
        validationFrom: data.validationFrom,
        ...(data.source ? { source: data.source.train.n } : {}),
      };
      const rec = recorder();
      const before = tf.memory().numTensors;
      const result = await train(job, tf, rec.emit, () => false, data);
      expect(result.status).toBe('completed');
      expect(tf.memory().numTensors).toBe(before);
      const line = rec.messages
        .flatMap((m) => (m.type === 'log' ? [m.message] : []))
        .find((m) => m.startsWith('Train metrics (loss, acc) on a fixed sample'));
      const pool = trainMetricPool(config, sizes);
      expect(pool).toBeGreaterThan(CAP);
      expect(line).toBe(
        `Train metrics (loss, acc) on a fixed sample of ${CAP} of ${pool} rows, the same every epoch`,
      );
      expect(trainMetricSample(config, sizes)).toEqual({ rows: CAP, of: pool });
    });
  }
});
