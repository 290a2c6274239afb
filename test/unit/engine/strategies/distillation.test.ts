import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, type Tf } from '../../../../src-main/engine/backend';
import { buildMlp, loadModel, saveModel, type SavedModel } from '../../../../src-main/engine/model';
import {
  distillation,
  distillationKl,
  featureDistance,
  labelSpacesMatch,
} from '../../../../src-main/engine/strategies/distillation';
import type { ModelSpec } from '../../../../src-shared/domain/experimentSpec';
import { Rng } from '../../../../src-main/engine/random';
import {
  bareStep,
  DIGITS,
  digitsConfig,
  layerBytes,
  SYNTHETIC,
  syntheticConfig,
  useSuiteDir,
} from './helpers';

const suiteDir = useSuiteDir();
let tf: Tf;
beforeAll(async () => {
  tf = (await selectBackend('wasm')).tf;
});

function randomMatrix(rng: Rng, rows: number, cols: number, scale: number): number[][] {
  return Array.from({ length: rows }, () =>
    Array.from({ length: cols }, () => scale * rng.normal()),
  );
}

/** log softmax in float64, from the max-shifted log-sum-exp. */
function logSoftmax64(z: number[]): number[] {
  const max = Math.max(...z);
  const lse = max + Math.log(z.reduce((s, v) => s + Math.exp(v - max), 0));
  return z.map((v) => v - lse);
}

/** T²·mean_i KL(softmax(z_s/T) ‖ softmax(z_t/T)) in float64; one logit z means [0, z]. */
function kl64(teacher: number[][], student: number[][], T: number): number {
  const rows = teacher.map((zs, i) => {
    const zt = student[i] ?? [];
    const widen = (z: number[]): number[] => (z.length === 1 ? [0, z[0] ?? NaN] : z);
    const p = logSoftmax64(widen(zs).map((v) => v / T));
    const q = logSoftmax64(widen(zt).map((v) => v / T));
    return p.reduce((s, lp, c) => s + Math.exp(lp) * (lp - (q[c] ?? NaN)), 0);
  });
  return (T * T * rows.reduce((a, b) => a + b, 0)) / rows.length;
}

/** Saves a fresh model of `spec` built exactly as the student of `seed` will be: teacher = student. */
async function twinOfStudent(
  spec: ModelSpec,
  featureShape: number[],
  k: number,
  seed: number,
): Promise<SavedModel> {
  const model = buildMlp(tf, spec, featureShape, k, seed);
  const saved = await saveModel(tf, model, suiteDir());
  model.dispose();
  return saved;
}

describe('distillation K(θ)', () => {
  it('on logits equals a float64 KL(softmax(z_s/T) ‖ softmax(z_t/T))·T², for k classes and for one logit', () => {
    const rng = new Rng(7);
    for (const [units, T] of [
      [4, 3],
      [10, 1],
      [1, 2.5],
      [1, 1],
    ] as const) {
      const zs = randomMatrix(rng, 6, units, 4);
      const zt = randomMatrix(rng, 6, units, 4);
      const got = tf.tidy(
        () => distillationKl(tf, tf.tensor2d(zs), tf.tensor2d(zt), T).dataSync()[0] ?? NaN,
      );
      const want = kl64(zs, zt, T);
      expect(want).toBeGreaterThan(0.01);
      expect(Math.abs(got - want)).toBeLessThan(1e-5 * Math.max(1, want));
    }
  });

  it('is 0 when the student outputs what the teacher does, and the feature distance too', () => {
    const rng = new Rng(8);
    for (const units of [1, 5]) {
      const z = tf.tensor2d(randomMatrix(rng, 8, units, 10));
      const k = tf.tidy(() => distillationKl(tf, z, z, 2).dataSync()[0] ?? NaN);
      expect(Math.abs(k)).toBeLessThan(1e-6);
      z.dispose();
    }
    const h = tf.tensor2d(randomMatrix(rng, 4, 3, 1));
    expect(tf.tidy(() => featureDistance(tf, h, h).dataSync()[0])).toBe(0);
    // The mean squared difference per unit: ([1, 2] − [0, 0])² averaged over 1 row × 2 units.
    expect(
      tf.tidy(
        () => featureDistance(tf, tf.tensor2d([[1, 2]]), tf.tensor2d([[0, 0]])).dataSync()[0],
      ),
    ).toBeCloseTo(2.5, 6);
    h.dispose();
  });

  it('distils logits when the label spaces match, features otherwise', () => {
    const same = syntheticConfig('distillation');
    expect(labelSpacesMatch(same, 2, 2)).toBe(true);
    expect(labelSpacesMatch(same, 3, 2)).toBe(false);
    const digits = digitsConfig('distillation');
    // digits 0-4 → 5-7: listed classes differ.
    expect(labelSpacesMatch(digits, 3, 3)).toBe(false);
    const relabelled = { ...digits, sourceDomain: DIGITS.target };
    expect(labelSpacesMatch(relabelled, 3, 3)).toBe(true);
  });

  it('is 0 at the first step when the student starts as the teacher, on logits and on features', async () => {
    const rng = new Rng(9);
    const x = tf.tensor2d(randomMatrix(rng, 12, 20, 1));
    const unlabelled = { x: tf.tensor2d(randomMatrix(rng, 7, 20, 1)), rows: new Int32Array(7) };
    const teacher = await twinOfStudent(SYNTHETIC.model, SYNTHETIC.featureShape, 2, 3);
    for (const onFeatures of [false, true]) {
      const logs: string[] = [];
      const prepared = distillation.prepare({
        tf,
        config: syntheticConfig('distillation', { onFeatures, alpha: 5 }),
        featureShape: SYNTHETIC.featureShape,
        numClasses: 2,
        sourceModel: await loadModel(tf, teacher.dir, teacher.hash),
        unlabelledRows: 7,
        log: (_, m) => logs.push(m),
      });
      expect(logs.join('\n')).toMatch(
        onFeatures ? /Distilling hidden_1's features/ : /Distilling logits/,
      );
      const k = tf.tidy(() => prepared.loss(bareStep(tf, x, { unlabelled })).dataSync()[0]);
      expect(Math.abs(k ?? NaN)).toBeLessThan(1e-6);
      prepared.dispose();
    }
    tf.dispose([x, unlabelled.x]);
  });

  it('trains the student only: the teacher stays bit-identical; a regressor bridges other widths', async () => {
    const teacherSaved = await twinOfStudent(
      { type: 'mlp', hidden: [32, 16], activation: 'relu' },
      [8, 8],
      5,
      11,
    );
    const teacher = await loadModel(tf, teacherSaved.dir, teacherSaved.hash);
    const before = teacher.layers.map(layerBytes);
    const tensorsBefore = tf.memory().numTensors;
    const prepared = distillation.prepare({
      tf,
      // The student is narrower than the teacher: FitNets' regressor maps 8 units onto 16.
      config: digitsConfig(
        'distillation',
        {},
        { model: { type: 'mlp', hidden: [24, 8], activation: 'relu' } },
      ),
      featureShape: [8, 8],
      numClasses: 3,
      sourceModel: teacher,
      unlabelledRows: 0,
      log: () => undefined,
    });
    // Student: 2 hidden layers and a head (6 tensors); regressor: kernel and bias.
    expect(prepared.trainable).toHaveLength(8);
    expect(prepared.trainable.some((v) => v.name.includes('hint_regressor'))).toBe(true);
    expect(prepared.epochLength).toBeUndefined();
    const optimizer = tf.train.adam(0.05);
    const rng = new Rng(12);
    const x = tf.tensor(randomMatrix(rng, 10, 64, 1).flat(), [10, 8, 8]);
    const student = prepared.trainable.map((v) => Array.from(v.dataSync()));
    let first = NaN;
    let last = NaN;
    for (let i = 0; i < 20; i++) {
      tf.tidy(() => {
        const value = optimizer.minimize(
          () => prepared.loss(bareStep(tf, x)),
          true,
          prepared.trainable,
        );
        last = value?.dataSync()[0] ?? NaN;
        if (i === 0) first = last;
      });
    }
    expect(first).toBeGreaterThan(0);
    expect(last).toBeLessThan(first / 2);
    expect(teacher.layers.map(layerBytes)).toEqual(before);
    // Feature hints reach the student's trunk and the regressor; its head only learns from labels.
    prepared.trainable.forEach((v, i) => {
      const moved = expect(Array.from(v.dataSync()));
      if (v.name.includes('output')) moved.toEqual(student[i]);
      else moved.not.toEqual(student[i]);
    });
    optimizer.dispose();
    x.dispose();
    prepared.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore - before.flat().length);
  });

  it('refuses a layer the models do not have, and frees what it built', async () => {
    const saved = await twinOfStudent(DIGITS.model, [8, 8], 5, 1);
    const before = tf.memory().numTensors;
    const teacher = await loadModel(tf, saved.dir, saved.hash);
    expect(() =>
      distillation.prepare({
        tf,
        config: digitsConfig('distillation', { layer: 3 }),
        featureShape: [8, 8],
        numClasses: 3,
        sourceModel: teacher,
        log: () => undefined,
      }),
    ).toThrow('layer is 3 but the model has only 2 hidden layer(s)');
    teacher.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
