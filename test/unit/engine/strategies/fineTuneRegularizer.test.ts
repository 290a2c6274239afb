import { beforeAll, describe, expect, it } from 'vitest';
import type { Tensor, Variable } from '@tensorflow/tfjs';
import { selectBackend, type Tf } from '../../../../src-main/engine/backend';
import { loadModel, type SavedModel } from '../../../../src-main/engine/model';
import { fineTune, penalty } from '../../../../src-main/engine/strategies/fineTune';
import { train } from '../../../../src-main/engine/train';
import { useTempDirs } from '../../../helpers/tempDir';
import { trainJob } from '../fixtures';
import { bareStep, DIGITS, digitsConfig, trainSource, useSuiteDir } from './helpers';

const tempDir = useTempDirs();
const suiteDir = useSuiteDir();
let tf: Tf;
let source: SavedModel;
beforeAll(async () => {
  tf = (await selectBackend('wasm')).tf;
  source = await trainSource(tf, suiteDir(), DIGITS);
});

function values(t: Tensor): number[] {
  return Array.from(t.dataSync());
}

/** Gradients of the strategy's loss at a step whose cross-entropy is 0: those of R(θ) alone. */
function gradientsOfR(prepared: ReturnType<typeof fineTune.prepare>): Map<Variable, number[]> {
  const loss = prepared.loss;
  if (loss === undefined) throw new Error('no regulariser');
  const out = new Map<Variable, number[]>();
  tf.tidy(() => {
    const { grads } = tf.variableGrads(
      () => loss(bareStep(tf, tf.zeros([2, 8, 8]))),
      prepared.trainable,
    );
    for (const v of prepared.trainable) {
      const g = grads[v.name];
      out.set(v, g ? values(g) : []);
    }
  });
  return out;
}

async function prepare(params: Record<string, number>) {
  const model = await loadModel(tf, source.dir, source.hash);
  return fineTune.prepare({
    tf,
    config: digitsConfig('fine-tune', params),
    featureShape: DIGITS.featureShape,
    numClasses: 3,
    sourceModel: model,
    log: () => undefined,
  });
}

describe('R(θ) of fine-tuning', () => {
  it('penalty: λ·Σ(θ − θ_source)², whose gradient at θ is 2λ(θ − θ_source)', () => {
    const theta = tf.variable(
      tf.tensor2d([
        [0.5, -1.25],
        [2, 0.125],
      ]),
    );
    const anchor = tf.tensor2d([
      [0.25, 1],
      [-1, 0.125],
    ]);
    const lambda = 0.3;
    const { value, grads } = tf.variableGrads(
      () => penalty(tf, [{ variable: theta, anchor, lambda }]),
      [theta],
    );
    const diff = [0.25, -2.25, 3, 0];
    expect(value.dataSync()[0]).toBeCloseTo(lambda * diff.reduce((s, d) => s + d * d, 0), 5);
    const g = values(grads[theta.name] as Tensor);
    g.forEach((gi, i) => {
      expect(gi).toBeCloseTo(2 * lambda * (diff[i] ?? NaN), 6);
    });
    // A gradient step −η·g moves θ straight towards θ_source.
    const towards = [0.25 - 0.5, 1 + 1.25, -1 - 2, 0.125 - 0.125];
    g.forEach((gi, i) => {
      expect(Math.sign(-gi) || 0).toBe(Math.sign(towards[i] ?? NaN) || 0);
    });
    tf.dispose([theta, anchor, value, ...Object.values(grads)]);
  });

  it('L2-SP pulls the trainable transferred layers towards θ_source, each with its own λ', async () => {
    const lambda = 0.05;
    const prepared = await prepare({
      freezeLayers: 0,
      l2sp: lambda,
      layerScale1: 1,
      layerScale2: 4,
    });
    // Move every trainable weight away from where it started by a known δ.
    const start = new Map(prepared.trainable.map((v) => [v, values(v)]));
    const delta = (i: number): number => 0.01 * ((i % 7) - 3);
    for (const v of prepared.trainable) {
      v.assign(
        tf.tidy(() =>
          tf.add(
            v,
            tf.tensor(
              values(v).map((_, i) => delta(i)),
              v.shape,
            ),
          ),
        ),
      );
    }
    const grads = gradientsOfR(prepared);
    const names = prepared.trainable.map((v) => v.name);
    expect(names.some((n) => n.includes('output'))).toBe(true);
    for (const v of prepared.trainable) {
      const g = grads.get(v) ?? [];
      const scale = v.name.includes('hidden_1') ? 1 : v.name.includes('hidden_2') ? 4 : 0;
      // ∂R/∂θ = 2·λ·m_l·(θ − θ_source): δ by construction; the new head is not regularised.
      g.forEach((gi, i) => {
        const expected = 2 * lambda * scale * delta(i);
        expect(Math.abs(gi - expected)).toBeLessThan(1e-6 + 1e-4 * Math.abs(expected));
      });
      // ... and it points from θ towards θ_source: −g·(θ_source − θ) > 0 unless it is 0.
      const now = values(v);
      const dot = g.reduce((s, gi, i) => s - gi * ((start.get(v)?.[i] ?? 0) - (now[i] ?? 0)), 0);
      expect(dot).toBeGreaterThanOrEqual(0);
    }
    prepared.dispose();
  });

  it('L2 pulls towards 0: every trainable weight without L2-SP, the new head only with it', async () => {
    const mu = 0.02;
    const plain = await prepare({ freezeLayers: 1, l2: mu, layerScale2: 3 });
    // hidden_1 is frozen: neither regularised nor trained.
    expect(plain.trainable.map((v) => v.name).some((n) => n.includes('hidden_1'))).toBe(false);
    for (const [v, g] of gradientsOfR(plain)) {
      const scale = v.name.includes('hidden_2') ? 3 : 1;
      const theta = values(v);
      g.forEach((gi, i) => {
        expect(gi).toBeCloseTo(2 * mu * scale * (theta[i] ?? NaN), 6);
      });
    }
    plain.dispose();

    const both = await prepare({ freezeLayers: 0, l2sp: 0.1, l2: mu });
    for (const [v, g] of gradientsOfR(both)) {
      const theta = values(v);
      // At the start θ = θ_source: L2-SP's gradient is 0, the head's is 2μθ.
      const expected = v.name.includes('output')
        ? theta.map((t) => 2 * mu * t)
        : theta.map(() => 0);
      g.forEach((gi, i) => {
        expect(gi).toBeCloseTo(expected[i] ?? NaN, 6);
      });
    }
    both.dispose();
  });

  it('has no loss term at all when both λ are 0 (plain fine-tuning)', async () => {
    const prepared = await prepare({});
    expect(prepared.loss).toBeUndefined();
    prepared.dispose();
  });

  it('keeps the fine-tuned weights closer to the source the larger λ_SP is', async () => {
    const distance = async (l2sp: number): Promise<number> => {
      const modelsDir = tempDir();
      const result = await train(
        trainJob(digitsConfig('fine-tune', { l2sp }, { training: { epochs: 5, batchSize: 10 } }), {
          sourceModel: source,
          saveModel: true,
          modelsDir,
        }),
        tf,
        () => undefined,
        () => false,
      );
      if (result.status !== 'completed' || result.model === undefined) throw new Error('failed');
      const [src, tuned] = await Promise.all([
        loadModel(tf, source.dir, source.hash),
        loadModel(tf, result.model.dir, result.model.hash),
      ]);
      let d = 0;
      for (const name of ['hidden_1', 'hidden_2']) {
        const a = src.getLayer(name).getWeights();
        const b = tuned.getLayer(name).getWeights();
        a.forEach((w, i) => {
          const v = b[i];
          if (v) d += tf.tidy(() => tf.sum(tf.squaredDifference(w, v)).dataSync()[0] ?? NaN);
        });
      }
      src.dispose();
      tuned.dispose();
      return d;
    };
    const [free, held] = [await distance(0), await distance(1)];
    expect(free).toBeGreaterThan(0);
    expect(held).toBeLessThan(free / 2);
  });
});
