import { describe, expect, it } from 'vitest';
import { selectBackend, type Tf } from '../../../src-main/engine/backend';
import { loadRunData } from '../../../src-main/engine/data/index';
import { crossEntropy, predictedClasses } from '../../../src-main/engine/head';
import { loadModel, logits, type SavedModel } from '../../../src-main/engine/model';
import type { TrainJob } from '../../../src-main/engine/protocol';
import { train } from '../../../src-main/engine/train';
import { trainMetricSampleRows } from '../../../src-main/engine/trainMetricSample';
import type { Split } from '../../../src-main/engine/data/domain';
import type { ResolvedRunConfig } from '../../../src-shared/domain/runs';
import { useTempDirs } from '../../helpers/tempDir';
import { recorder, runConfig, trainJob } from './fixtures';

/**
 * Train metrics on a fixed sample (issue 12): a run that records `trainMetricRows` measures its
 * per-epoch loss and acc and its final train_* on exactly that many rows, drawn from its seed;
 * a run that records none (planned before the cap) on every row, as it did when it ran.
 */

const tempDir = useTempDirs();

const SAMPLE = 200;

async function runJob(tf: Tf, config: ResolvedRunConfig, modelsDir?: string) {
  const job = trainJob(config, modelsDir ? { saveModel: true, modelsDir } : {});
  const rec = recorder();
  const result = await train(job, tf, rec.emit, () => false);
  if (result.status !== 'completed') throw new Error(`run ${result.status}`);
  const logs = rec.messages.flatMap((m) => (m.type === 'log' ? [m.message] : []));
  return { job, result, epochs: rec.epochs(), logs };
}

/** Mean cross-entropy and accuracy of a saved model over some rows of a split, as train() measures. */
async function evaluateOn(
  tf: Tf,
  job: TrainJob,
  saved: SavedModel | undefined,
  rows: (split: Split) => Int32Array,
): Promise<{ loss: number; acc: number; n: number }> {
  if (saved === undefined) throw new Error('no model saved');
  const data = await loadRunData(job);
  const model = await loadModel(tf, saved.dir, saved.hash);
  const picked = rows(data.train);
  const [loss, hits] = tf.tidy(() => {
    const index = tf.tensor1d(picked, 'int32');
    const all = tf.tensor(data.train.x, [data.train.n, ...data.featureShape], 'float32');
    const x = tf.gather(all, index);
    const y = tf.gather(tf.tensor1d(data.train.y, 'int32'), index);
    const out = logits(tf, model, x);
    const sum = crossEntropy(tf, out, y, data.numClasses, true).dataSync()[0] ?? NaN;
    const correct = tf.sum(tf.cast(tf.equal(predictedClasses(tf, out), y), 'int32'));
    return [sum, correct.dataSync()[0] ?? NaN];
  });
  model.dispose();
  return { loss: loss / picked.length, acc: hits / picked.length, n: picked.length };
}

const everyRow = (split: Split): Int32Array => Int32Array.from({ length: split.n }, (_, i) => i);

describe('train metrics on a fixed sample', () => {
  it('draws the cap of rows once from the seed: distinct, ascending, within the rows', () => {
    const rows = trainMetricSampleRows(7, 1000, SAMPLE);
    expect(rows).toHaveLength(SAMPLE);
    const list = [...(rows ?? [])];
    expect(new Set(list).size).toBe(SAMPLE);
    expect(list).toEqual([...list].sort((a, b) => a - b));
    expect(Math.min(...list)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...list)).toBeLessThan(1000);
    expect(trainMetricSampleRows(7, 1000, SAMPLE)).toEqual(rows);
    expect(trainMetricSampleRows(8, 1000, SAMPLE)).not.toEqual(rows);
    // Every row: no cap recorded, or no more rows than the cap.
    expect(trainMetricSampleRows(7, 1000, undefined)).toBeNull();
    expect(trainMetricSampleRows(7, SAMPLE, SAMPLE)).toBeNull();
  });

  it('measures a run with more training rows than its cap on exactly the sampled rows', async () => {
    const { tf } = await selectBackend('wasm');
    const config = runConfig({ seed: 4, trainMetricRows: SAMPLE, training: { epochs: 2 } });
    const { job, result, epochs, logs } = await runJob(tf, config, tempDir());
    const data = await loadRunData(job);
    expect(data.train.n).toBeGreaterThan(SAMPLE);
    expect(logs).toContain(
      `Train metrics (loss, acc) on a fixed sample of ${SAMPLE} of ${data.train.n} rows, the same every epoch`,
    );
    // The final train metrics are the last epoch's, of the final weights, on the sampled rows.
    expect(result.finalMetrics.train_loss).toBe(epochs.at(-1)?.loss);
    const sampled = await evaluateOn(tf, job, result.model, (split) => {
      const rows = trainMetricSampleRows(config.seed, split.n, SAMPLE);
      if (rows === null) throw new Error('no sample');
      return rows;
    });
    expect(sampled.n).toBe(SAMPLE);
    expect(result.finalMetrics.train_loss).toBeCloseTo(sampled.loss, 6);
    expect(result.finalMetrics.train_acc).toBe(sampled.acc);
    // Not the whole split's figure; validation still uses every row (the same run uncapped).
    const whole = await evaluateOn(tf, job, result.model, everyRow);
    expect(whole.loss).not.toBeCloseTo(sampled.loss, 6);
    const uncapped = await runJob(tf, runConfig({ seed: 4, training: { epochs: 2 } }));
    expect(epochs.map((e) => e.val_loss)).toEqual(uncapped.epochs.map((e) => e.val_loss));
    expect(result.finalMetrics.test_acc).toBe(uncapped.result.finalMetrics.test_acc);
  });

  it('is deterministic: the same seed gives the same sample and the same epochs', async () => {
    const { tf } = await selectBackend('wasm');
    const config = runConfig({ seed: 9, budget: 60, trainMetricRows: SAMPLE });
    const a = await runJob(tf, config);
    const b = await runJob(tf, config);
    expect(a.logs.some((m) => m.startsWith('Train metrics (loss, acc) on a fixed sample'))).toBe(
      true,
    );
    expect(b.epochs).toEqual(a.epochs);
    expect(b.result).toEqual(a.result);
  });

  it('measures every row of a run that records no cap (planned before it), as it did', async () => {
    const { tf } = await selectBackend('wasm');
    const old = runConfig({ seed: 4, training: { epochs: 2 } });
    expect(old.trainMetricRows).toBeUndefined();
    const { job, result, logs } = await runJob(tf, old, tempDir());
    expect(logs.some((m) => m.startsWith('Train metrics'))).toBe(false);
    const whole = await evaluateOn(tf, job, result.model, everyRow);
    expect(result.finalMetrics.train_loss).toBeCloseTo(whole.loss, 6);
    expect(result.finalMetrics.train_acc).toBe(whole.acc);
  });

  it('changes nothing for a run with no more training rows than its cap', async () => {
    const { tf } = await selectBackend('wasm');
    const small = { seed: 3, budget: 20 } as const;
    const capped = await runJob(tf, runConfig({ ...small, trainMetricRows: 10_000 }));
    const uncapped = await runJob(tf, runConfig(small));
    expect(capped.logs.some((m) => m.startsWith('Train metrics'))).toBe(false);
    expect(capped.epochs).toEqual(uncapped.epochs);
    expect(capped.result).toEqual(uncapped.result);
  });

  it('still stops a diverging run: a sampled loss that is not finite ends it', async () => {
    const { tf } = await selectBackend('wasm');
    const config = runConfig({
      domain: { name: 'synthetic', dataset: 'synthetic', splitSeed: 0 },
      model: { type: 'mlp', hidden: [64], activation: 'relu' },
      trainMetricRows: 50,
      training: { epochs: 20, learningRate: 10, optimizer: 'sgd' },
    });
    const job = trainJob(config, {
      data: {
        kind: 'synthetic',
        params: {
          generator: 'linear-binary',
          features: 20,
          samples: 500,
          taskSeed: 1,
          angleDeg: 0,
          noise: 0.1,
        },
      },
    });
    const rec = recorder();
    const before = tf.memory().numTensors;
    const result = await train(job, tf, rec.emit, () => false);
    expect(result.status).toBe('diverged');
    const epochs = rec.epochs();
    expect(epochs.length).toBeLessThan(20);
    for (const values of epochs.slice(0, -1)) expect(Number.isFinite(values.loss)).toBe(true);
    expect(rec.messages.at(-1)).toEqual({
      type: 'failed',
      diverged: true,
      error: expect.stringMatching(/^The loss became (NaN|-?Infinity) at epoch \d+/) as unknown,
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
