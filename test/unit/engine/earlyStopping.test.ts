import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/engine/backend';
import { EarlyStopper } from '../../../src-main/engine/earlyStopping';
import { train } from '../../../src-main/engine/train';
import { recorder, runConfig, trainJob } from './fixtures';

async function tinyModel() {
  const { tf } = await selectBackend('wasm');
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 2, inputShape: [3], kernelInitializer: 'zeros' })],
  });
  /** Sets every weight of the model to `value`, standing for an epoch of training. */
  const fill = (value: number): void => {
    const values = model.getWeights().map((w) => tf.fill(w.shape, value));
    model.setWeights(values);
    tf.dispose(values);
  };
  const firstWeight = (): number => model.getWeights()[0]?.dataSync()[0] ?? NaN;
  return { tf, model, fill, firstWeight };
}

describe('EarlyStopper', () => {
  it('stops after `patience` epochs without a lower val_loss and restores the best weights', async () => {
    const { tf, model, fill, firstWeight } = await tinyModel();
    const before = tf.memory().numTensors;
    const stopper = new EarlyStopper(tf, model, {
      monitor: 'val_loss',
      patience: 2,
      restoreBest: true,
    });
    const losses = [1, 0.5, 0.5, 0.7];
    const stops = losses.map((loss, i) => {
      fill(i + 1);
      return stopper.update(i + 1, { val_loss: loss, val_acc: 0 });
    });
    // Epoch 3 ties epoch 2 (no improvement), epoch 4 is worse: the second miss stops.
    expect(stops).toEqual([false, false, false, true]);
    expect(stopper.bestEpochSeen).toBe(2);
    expect(firstWeight()).toBe(4);
    expect(stopper.restore()).toBe(2);
    expect(firstWeight()).toBe(2);
    stopper.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('maximises val_acc, skips non-finite values, and keeps the last weights without restoreBest', async () => {
    const { tf, model, fill, firstWeight } = await tinyModel();
    const stopper = new EarlyStopper(tf, model, {
      monitor: 'val_acc',
      patience: 3,
      restoreBest: false,
    });
    const accs = [NaN, 0.6, 0.8, 0.7];
    accs.forEach((acc, i) => {
      fill(i + 1);
      stopper.update(i + 1, { val_loss: 0, val_acc: acc });
    });
    expect(stopper.bestEpochSeen).toBe(3);
    expect(stopper.restore()).toBeUndefined();
    expect(firstWeight()).toBe(4);
    stopper.dispose();
    model.dispose();
  });
});

describe('train with early stopping', () => {
  it('stops once val_loss stops improving and reports the restored epoch’s metrics', async () => {
    const { tf } = await selectBackend('wasm');
    const rec = recorder();
    // Five labels per class at a high learning rate over-fit within a few dozen epochs.
    const job = trainJob(
      runConfig({
        budget: 5,
        training: {
          epochs: 200,
          learningRate: 0.05,
          earlyStopping: { monitor: 'val_loss', patience: 5, restoreBest: true },
        },
      }),
    );
    const before = tf.memory().numTensors;
    const result = await train(job, tf, rec.emit, () => false);
    expect(tf.memory().numTensors).toBe(before);
    expect(result.status).toBe('completed');
    if (result.status !== 'completed') return;
    const epochs = rec.epochs();
    expect(epochs.length).toBeLessThan(200);
    const valLosses = epochs.map((e) => e.val_loss ?? NaN);
    const best = Math.min(...valLosses);
    const bestEpoch = valLosses.indexOf(best) + 1;
    // Stopped exactly `patience` epochs after the best one.
    expect(epochs.length).toBe(bestEpoch + 5);
    expect(result.finalMetrics.best_epoch).toBe(bestEpoch);
    // The final validation metrics are the best epoch's, measured again on the restored weights.
    expect(result.finalMetrics.val_loss).toBeCloseTo(best, 5);
    expect(result.finalMetrics.val_acc).toBe(epochs[bestEpoch - 1]?.val_acc);
    const logs = rec.messages.flatMap((m) => (m.type === 'log' ? [m.message] : []));
    expect(logs).toContain(`Evaluating the weights of epoch ${bestEpoch}`);
  });
});
