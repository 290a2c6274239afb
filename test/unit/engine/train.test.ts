import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/engine/backend';
import { loadRunData } from '../../../src-main/engine/data/index';
import { loadModel, logits } from '../../../src-main/engine/model';
import { train } from '../../../src-main/engine/train';
import { useTempDirs } from '../../helpers/tempDir';
import { linearBinaryLocator, recorder, runConfig, syntheticDomain, trainJob } from './fixtures';

const tempDir = useTempDirs();

describe('train', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    it(`learns digits on the ${backend} backend, streaming progress, epochs and final metrics`, async () => {
      const { tf } = await selectBackend(backend);
      const rec = recorder();
      const job = trainJob(runConfig({ training: { epochs: 3, backend } }));
      const result = await train(job, tf, rec.emit, () => false);
      expect(result.status).toBe('completed');
      const epochs = rec.epochs();
      expect(epochs).toHaveLength(3);
      for (const values of epochs)
        expect(Object.keys(values).sort()).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
      // Chance is 10 %; a 32-unit MLP passes 85 % within three epochs.
      expect(epochs.at(-1)?.val_acc).toBeGreaterThan(0.85);
      expect(epochs.at(-1)?.loss).toBeLessThan(epochs[0]?.loss ?? 0);
      const elapsed = rec.messages.flatMap((m) => (m.type === 'epoch' ? [m.elapsedS] : []));
      expect(elapsed).toEqual([...elapsed].sort((a, b) => a - b));
      const progress = rec.messages.filter((m) => m.type === 'progress');
      expect(progress.length).toBeGreaterThanOrEqual(3);
      expect(progress.at(-1)).toEqual({
        type: 'progress',
        epoch: 3,
        epochs: 3,
        batch: 34,
        batches: 34,
      });
      const last = rec.messages.at(-1);
      expect(last?.type).toBe('completed');
      if (result.status !== 'completed' || last?.type !== 'completed') return;
      expect(Object.keys(result.finalMetrics).sort()).toEqual([
        'test_acc',
        'test_loss',
        'train_acc',
        'train_loss',
        'val_acc',
        'val_loss',
      ]);
      expect(result.finalMetrics.test_acc).toBeGreaterThan(0.85);
      expect(result.finalMetrics.val_acc).toBe(epochs.at(-1)?.val_acc);
      expect(last.finalMetrics).toEqual(result.finalMetrics);
      expect(result.model).toBeUndefined();
    });
  }

  it('learns the linear-binary task with one logit, and its loss is the binary cross-entropy', async () => {
    const { tf } = await selectBackend('wasm');
    const modelsDir = tempDir();
    const data = linearBinaryLocator({ samples: 1000 });
    const config = runConfig({
      domain: syntheticDomain('task A (0°)', data),
      model: { type: 'mlp', hidden: [10], activation: 'relu' },
      training: { epochs: 5, learningRate: 0.01, batchSize: 32, optimizer: 'adam' },
    });
    const job = trainJob(config, { data, saveModel: true, modelsDir });
    const run = async () => {
      const rec = recorder();
      const result = await train(job, tf, rec.emit, () => false);
      return { result, epochs: rec.epochs() };
    };
    const before = tf.memory().numTensors;
    const { result, epochs } = await run();
    expect(tf.memory().numTensors).toBe(before);
    expect(result.status).toBe('completed');
    if (result.status !== 'completed' || result.model === undefined) return;

    // Chance: the larger class's share of the test split, about one half on a rotation-symmetric
    // task. Five epochs of the articles' model clear it by far.
    const runData = await loadRunData(job);
    const ones = runData.test.y.reduce((a, b) => a + b, 0);
    const chance = Math.max(ones, runData.test.n - ones) / runData.test.n;
    expect(chance).toBeLessThan(0.6);
    expect(result.finalMetrics.test_acc).toBeGreaterThan(0.9);
    expect(result.finalMetrics.val_acc).toBeGreaterThan(0.9);
    expect(epochs.at(-1)?.loss).toBeLessThan(epochs[0]?.loss ?? 0);

    // The saved model ends in one logit, and the reported train loss and accuracy are the float64
    // binary cross-entropy and the z ≥ 0 hit rate of that logit over the training split.
    const model = await loadModel(tf, result.model.dir, result.model.hash);
    expect(model.outputs[0]?.shape).toEqual([null, 1]);
    const { train: split } = runData;
    const x = tf.tensor2d(split.x, [split.n, 20]);
    const out = logits(tf, model, x);
    const z = Float64Array.from(out.dataSync());
    tf.dispose([x, out]);
    model.dispose();
    let loss = 0;
    let hits = 0;
    z.forEach((zi, i) => {
      const y = split.y[i] ?? NaN;
      const p = 1 / (1 + Math.exp(-zi));
      loss -= y === 1 ? Math.log(p) : Math.log(1 - p);
      if ((zi >= 0 ? 1 : 0) === y) hits++;
    });
    expect(Math.abs((result.finalMetrics.train_loss ?? NaN) - loss / split.n)).toBeLessThan(1e-5);
    expect(result.finalMetrics.train_acc).toBe(hits / split.n);

    // Deterministic with the new head too: the same job gives the same epochs and metrics.
    const again = await run();
    expect(again.epochs).toEqual(epochs);
    expect(again.result).toEqual(result);
  });

  it('ends with the last epoch’s own figures and one pass over the test split for its confusion', async () => {
    const { tf } = await selectBackend('wasm');
    const rec = recorder();
    const result = await train(
      trainJob(runConfig({ training: { epochs: 2 } })),
      tf,
      rec.emit,
      () => false,
    );
    if (result.status !== 'completed' || !result.confusion) throw new Error('run failed');
    const last = rec.epochs().at(-1);
    // Not measured again after the loop: the same weights, the same numbers, bit for bit.
    expect(result.finalMetrics.train_loss).toBe(last?.loss);
    expect(result.finalMetrics.train_acc).toBe(last?.acc);
    expect(result.finalMetrics.val_loss).toBe(last?.val_loss);
    expect(result.finalMetrics.val_acc).toBe(last?.val_acc);
    // The confusion matrix is counted in the pass that measures test_acc: its diagonal is it.
    const m = result.confusion;
    const total = m.flat().reduce((a, b) => a + b, 0);
    const diagonal = m.reduce((sum, row, i) => sum + (row[i] ?? 0), 0);
    expect(diagonal / total).toBe(result.finalMetrics.test_acc);
  });

  it('is deterministic: the same seed and backend give identical metrics, another seed others', async () => {
    const { tf } = await selectBackend('wasm');
    const run = async (seed: number) => {
      const rec = recorder();
      await train(
        trainJob(runConfig({ seed, budget: 20, training: { epochs: 3, batchSize: 16 } })),
        tf,
        rec.emit,
        () => false,
      );
      return rec.epochs();
    };
    const a = await run(5);
    const b = await run(5);
    const c = await run(6);
    expect(a).toHaveLength(3);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    expect(c[0]?.loss).not.toBe(a[0]?.loss);
  });

  it('leaks no tensors: the count is flat across epochs and back to its start afterwards', async () => {
    const { tf } = await selectBackend('wasm');
    const before = tf.memory().numTensors;
    const perEpoch: number[] = [];
    const result = await train(
      trainJob(runConfig({ training: { epochs: 4 } })),
      tf,
      (m) => {
        if (m.type === 'epoch') perEpoch.push(tf.memory().numTensors);
      },
      () => false,
    );
    expect(result.status).toBe('completed');
    expect(perEpoch).toHaveLength(4);
    expect(new Set(perEpoch).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops at the first epoch whose loss is not finite and reports divergence', async () => {
    const { tf } = await selectBackend('wasm');
    const rec = recorder();
    // Plain SGD at learning rate 10 on unscaled Gaussian inputs blows up within a few epochs.
    const config = runConfig({
      domain: { name: 'synthetic', dataset: 'synthetic', splitSeed: 0 },
      model: { type: 'mlp', hidden: [64], activation: 'relu' },
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
    const before = tf.memory().numTensors;
    const result = await train(job, tf, rec.emit, () => false);
    expect(result.status).toBe('diverged');
    const epochs = rec.epochs();
    expect(epochs.length).toBeLessThan(20);
    const lastEpoch = epochs.at(-1);
    expect(Number.isFinite(lastEpoch?.loss) && Number.isFinite(lastEpoch?.val_loss)).toBe(false);
    for (const values of epochs.slice(0, -1)) expect(Number.isFinite(values.loss)).toBe(true);
    const final = rec.messages.at(-1);
    expect(final).toEqual({
      type: 'failed',
      diverged: true,
      error: expect.stringMatching(/^The loss became (NaN|-?Infinity) at epoch \d+/) as unknown,
    });
    expect(rec.messages.at(-2)?.type).toBe('epoch');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('cancels before the next batch once asked', async () => {
    const { tf } = await selectBackend('wasm');
    const rec = recorder();
    let polls = 0;
    let cancelAt = Infinity;
    const before = tf.memory().numTensors;
    const result = await train(
      trainJob(runConfig({ training: { epochs: 50, batchSize: 8 } })),
      tf,
      (m) => {
        rec.emit(m);
        // Ask for the cancel as the first epoch ends, as a parent's message would arrive.
        if (m.type === 'epoch' && cancelAt === Infinity) cancelAt = polls;
      },
      () => {
        polls++;
        return polls > cancelAt;
      },
    );
    expect(result.status).toBe('cancelled');
    // One poll after the request: no further batch ran.
    expect(polls).toBe(cancelAt + 1);
    expect(rec.epochs()).toHaveLength(1);
    expect(rec.messages.at(-1)).toEqual({ type: 'cancelled' });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('saves the model of a source run and reports it', async () => {
    const { tf } = await selectBackend('wasm');
    const modelsDir = tempDir();
    const rec = recorder();
    const config = runConfig({ kind: 'source', strategy: 'source', training: { epochs: 1 } });
    const result = await train(
      trainJob(config, { saveModel: true, modelsDir }),
      tf,
      rec.emit,
      () => false,
    );
    expect(result.status).toBe('completed');
    if (result.status !== 'completed') return;
    expect(result.model?.dir).toBe(join(modelsDir, result.model?.hash ?? ''));
    expect(existsSync(join(result.model?.dir ?? '', 'weights.bin'))).toBe(true);
    const last = rec.messages.at(-1);
    expect(last?.type === 'completed' ? last.model : undefined).toEqual(result.model);
  });
});
