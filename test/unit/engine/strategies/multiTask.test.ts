import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, type Tf } from '../../../../src-main/engine/backend';
import { loadRunData, type RunData } from '../../../../src-main/engine/data/index';
import { logits } from '../../../../src-main/engine/model';
import { multiTask } from '../../../../src-main/engine/strategies/multiTask';
import type { TrainStep } from '../../../../src-main/engine/strategies/strategy';
import { crossEntropy } from '../../../../src-main/engine/head';
import { train } from '../../../../src-main/engine/train';
import { recorder, trainJob } from '../fixtures';
import { DIGITS, digitsConfig, layerBytes } from './helpers';

let tf: Tf;
let data: RunData;
beforeAll(async () => {
  tf = (await selectBackend('wasm')).tf;
  data = await loadRunData(trainJob(digitsConfig('multi-task'), { sourceData: DIGITS.data }));
});

function prepare(taskWeight: number) {
  const source = data.source;
  if (!source) throw new Error('no source data');
  return multiTask.prepare({
    tf,
    config: digitsConfig('multi-task', { taskWeight }),
    featureShape: data.featureShape,
    numClasses: data.numClasses,
    source: {
      featureShape: source.featureShape,
      numClasses: source.numClasses,
      classes: source.classes,
      rows: source.train.n,
    },
    log: () => undefined,
  });
}

/** A step of the first 20 target rows and the first 20 source rows. */
function step(prepared: ReturnType<typeof prepare>): TrainStep {
  const source = data.source;
  if (!source) throw new Error('no source data');
  const n = 20;
  const x = tf.tensor(data.train.x.slice(0, n * 64), [n, 8, 8]);
  const y = tf.tensor1d(data.train.y.slice(0, n), 'int32');
  const out = logits(tf, prepared.model, x, true);
  return {
    target: { x, y, rows: new Int32Array(n), logits: out },
    targetLoss: crossEntropy(tf, out, y, 3),
    source: {
      x: tf.tensor(source.train.x.slice(0, n * 64), [n, 8, 8]),
      y: tf.tensor1d(source.train.y.slice(0, n), 'int32'),
      rows: new Int32Array(n),
    },
    epoch: 1,
    step: 0,
    progress: 0,
  };
}

describe('multi-task', () => {
  it('shares one trunk between a target head and a source head, and adds w·L_source', () => {
    const prepared = [prepare(0), prepare(1), prepare(2.5)];
    const [p0, p1, p2] = prepared;
    if (!p0 || !p1 || !p2) return;
    expect(p1.model.outputs[0]?.shape).toEqual([null, 3]);
    // Trunk (2 layers) + target head + source head, kernels and biases.
    expect(p1.trainable).toHaveLength(8);
    expect(p1.trainable.filter((v) => v.name.includes('source_output'))).toHaveLength(2);
    expect(p1.epochLength).toBe('longest');
    const [t, l0, l1, l2] = tf.tidy(() => {
      const s = step(p1);
      return [
        s.targetLoss.dataSync()[0] ?? NaN,
        p0.loss(step(p0)).dataSync()[0] ?? NaN,
        p1.loss(s).dataSync()[0] ?? NaN,
        p2.loss(step(p2)).dataSync()[0] ?? NaN,
      ];
    });
    // Same seed, same initial weights: the terms differ by w·L_source only.
    expect(l0).toBeCloseTo(t, 6);
    const sourceLoss = l1 - t;
    expect(sourceLoss).toBeGreaterThan(0.5);
    expect(l2 - t).toBeCloseTo(2.5 * sourceLoss, 4);
    for (const p of prepared) p.dispose();
  });

  it('trains both heads and the trunk; at w = 0 the source head never moves', () => {
    for (const w of [0, 1]) {
      const prepared = prepare(w);
      const layers = ['hidden_1', 'output'].map((n) => prepared.model.getLayer(n));
      const sourceHead = prepared.trainable.filter((v) => v.name.includes('source_output'));
      const before = layers.map(layerBytes);
      const headBefore = sourceHead.map((v) => Array.from(v.dataSync()));
      const optimizer = tf.train.adam(0.01);
      for (let i = 0; i < 5; i++) {
        tf.tidy(() => {
          optimizer.minimize(() => prepared.loss(step(prepared)), false, prepared.trainable);
        });
      }
      layers.forEach((l, i) => {
        expect(layerBytes(l)[0]).not.toEqual(before[i]?.[0]);
      });
      const headAfter = sourceHead.map((v) => Array.from(v.dataSync()));
      if (w === 0) expect(headAfter).toEqual(headBefore);
      else expect(headAfter[0]).not.toEqual(headBefore[0]);
      optimizer.dispose();
      prepared.dispose();
    }
  });

  it('runs through the loop: an epoch covers the source rows, the target rows cycling', async () => {
    const rec = recorder();
    const before = tf.memory().numTensors;
    const result = await train(
      trainJob(digitsConfig('multi-task'), { sourceData: DIGITS.data }),
      tf,
      rec.emit,
      () => false,
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(result.status).toBe('completed');
    const progress = rec.messages.flatMap((m) => (m.type === 'progress' ? [m.batches] : []));
    const sourceRows = data.source?.train.n ?? 0;
    expect(sourceRows).toBeGreaterThan(500);
    expect(progress[0]).toBe(Math.ceil(sourceRows / 10));
    if (result.status === 'completed') expect(result.finalMetrics.test_acc).toBeGreaterThan(0.6);
  });

  it("refuses to run without the source domain's data", async () => {
    await expect(
      train(
        trainJob(digitsConfig('multi-task')),
        tf,
        () => undefined,
        () => false,
      ),
    ).rejects.toThrow("Strategy multi-task needs the source domain's data");
  });
});
