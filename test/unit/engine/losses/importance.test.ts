import type { Tensor2D } from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend, type Tf } from '../../../../src-main/engine/backend';
import {
  domainClassifierWeights,
  importanceWeightsFromLogits,
  importanceWeightsFromProbabilities,
  kmmWeights,
  misclassified,
  normalizeWeights,
  projectOntoBoxAndSum,
  solveKmm,
  trAdaBoostHypothesisWeights,
  trAdaBoostPredict,
  trAdaBoostSourceBeta,
  trAdaBoostUpdate,
  trAdaBoostVote,
  type DomainClassifierWeights,
  type KmmOptions,
  type KmmResult,
} from '../../../../src-main/engine/losses/importance';
import { Rng } from '../../../../src-main/engine/random';
import { gaussianSample, type Matrix } from './reference';

function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, digits = 12) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(actual[i]).toBeCloseTo(expected[i] ?? Number.NaN, digits);
  }
}

function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] ?? 0;
  return s / values.length;
}

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ma = mean(a);
  const mb = mean(b);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    const da = (a[i] ?? 0) - ma;
    const db = (b[i] ?? 0) - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** Runs a tfjs-backed weighting with tensors made from the rows; checks no tensor is left. */
async function weigh<R>(
  tf: Tf,
  source: Matrix,
  target: Matrix,
  f: (s: Tensor2D, t: Tensor2D) => Promise<R>,
): Promise<R> {
  const before = tf.memory().numTensors;
  const s = tf.tensor2d(source);
  const t = tf.tensor2d(target);
  try {
    return await f(s, t);
  } finally {
    s.dispose();
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }
}

describe('weights from domain-classifier probabilities', () => {
  it('are all 1 when the classifier cannot tell the domains apart (p = the prior)', () => {
    for (const [ns, nt] of [
      [50, 50],
      [30, 10],
      [7, 21],
    ] as const) {
      const prior = nt / (ns + nt);
      const w = importanceWeightsFromProbabilities(new Float64Array(ns).fill(prior), ns, nt);
      expectAllClose(w, new Float64Array(ns).fill(1));
      const logit = Math.log(prior / (1 - prior));
      expectAllClose(
        importanceWeightsFromLogits(new Float64Array(ns).fill(logit), ns, nt),
        new Float64Array(ns).fill(1),
      );
    }
  });

  it('are the prior-corrected odds, clipped to c, then scaled to mean 1', () => {
    // odds p/(1 − p) = [1, 4, 1/4, ∞]; × n_S/n_T = 2: [2, 8, 1/2, ∞]; clipped to 5: [2, 5, 1/2, 5].
    const w = importanceWeightsFromProbabilities([0.5, 0.8, 0.2, 1], 20, 10, 5);
    const clipped = [2, 5, 0.5, 5];
    expectAllClose(
      w,
      clipped.map((v) => (v * 4) / 12.5),
    );
    expect(mean(w)).toBeCloseTo(1, 14);
    // From logits: the same weights, and finite odds where p would round to 1.
    const z = [0, Math.log(4), Math.log(0.25), 40];
    expectAllClose(importanceWeightsFromLogits(z, 20, 10, 5), w);
    expectAllClose(importanceWeightsFromLogits([40, -40], 1, 1, 1e30), [2, 2 * Math.exp(-80)]);
  });

  it('refuses probabilities outside [0, 1] and a source with no weight left', () => {
    expect(() => importanceWeightsFromProbabilities([0.5, 1.2], 2, 2)).toThrow('[0, 1]');
    expect(() => importanceWeightsFromProbabilities([Number.NaN], 2, 2)).toThrow('[0, 1]');
    expect(() => importanceWeightsFromProbabilities([0, 0], 2, 2)).toThrow('weight 0');
    expect(() => importanceWeightsFromProbabilities([0.5], 0, 2)).toThrow('positive integers');
    expect(() => importanceWeightsFromLogits([Number.NaN], 1, 1)).toThrow('NaN');
  });
});

describe.each(['cpu', 'wasm'] as const)(
  'trained domain classifier on the %s backend',
  (backend) => {
    it('gives weights within 1e-6 of 1 when source and target are the same rows', async () => {
      const { tf } = await selectBackend(backend);
      const x = gaussianSample(30, 300, 6);
      const result = await weigh(tf, x, x, (s, t) => domainClassifierWeights(tf, s, t));
      for (const w of result.weights) expect(Math.abs(w - 1)).toBeLessThan(1e-6);
      for (const p of result.pTarget) expect(p).toBeCloseTo(0.5, 6);
      expect(result.converged).toBe(true);
      // The same rows twice as often in the target: the prior correction keeps the weights at 1.
      const twice = await weigh(tf, x, [...x, ...x], (s, t) => domainClassifierWeights(tf, s, t));
      for (const w of twice.weights) expect(Math.abs(w - 1)).toBeLessThan(1e-6);
      // float32 logits: p within a few 1e-6 of 2/3; the normalisation takes the common factor out of w.
      for (const p of twice.pTarget) expect(p).toBeCloseTo(2 / 3, 5);
    });

    it('up-weights source rows where the shifted target lies, like the true density ratio', async () => {
      const { tf } = await selectBackend(backend);
      // Source N(0, I), target N(e₁, I): p_T/p_S = exp(x₁ − 1/2), which logistic regression models
      // exactly.
      const source = gaussianSample(31, 400, 3);
      const target = gaussianSample(32, 300, 3, 1);
      const result: DomainClassifierWeights = await weigh(tf, source, target, (s, t) =>
        domainClassifierWeights(tf, s, t),
      );
      const truth = source.map((r) => Math.exp((r[0] ?? 0) - 0.5));
      expect(correlation(result.weights.map(Math.log), truth.map(Math.log))).toBeGreaterThan(0.95);
      expect(mean(result.weights)).toBeCloseTo(1, 12);
      expect(result.accuracy).toBeGreaterThan(0.6);
      expect(result.accuracy).toBeLessThan(0.8);
      // Deterministic: the same data give the same weights.
      const again = await weigh(tf, source, target, (s, t) => domainClassifierWeights(tf, s, t));
      expect(again.weights).toEqual(result.weights);
    });
  },
);

describe('KMM', () => {
  it('gives β ≈ 1 when source and target are the same rows (also with the target repeated)', async () => {
    const { tf } = await selectBackend('wasm');
    const x = gaussianSample(40, 120, 4);
    for (const target of [x, [...x, ...x]]) {
      const result = await weigh(tf, x, target, (s, t) => kmmWeights(tf, s, t));
      for (const b of result.weights) expect(Math.abs(b - 1)).toBeLessThan(1e-6);
    }
  });

  it('up-weights source points where the target is dense (1-D) within its constraints', async () => {
    const { tf } = await selectBackend('wasm');
    const rng = new Rng(41);
    const grid = Array.from({ length: 61 }, (_, i) => [Math.fround(-3 + i * 0.1)]);
    const target = Array.from({ length: 200 }, () => [Math.fround(1 + 0.5 * rng.normal())]);
    const options: KmmOptions = { bound: 8, epsilon: 0.05 };
    const result: KmmResult = await weigh(tf, grid, target, (s, t) =>
      kmmWeights(tf, s, t, options),
    );
    const beta = result.weights;
    const at = (x: number): number => beta[Math.round((x + 3) / 0.1)] ?? Number.NaN;
    // Constraints: 0 ≤ β ≤ B, |Σβ − n_S| ≤ n_S·ε.
    for (const b of beta) {
      expect(b).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThanOrEqual(8);
    }
    expect(Math.abs(beta.reduce((a, b) => a + b, 0) - 61)).toBeLessThanOrEqual(61 * 0.05 + 1e-9);
    // Mass moves to the target's mode at 1 and away from the left, where the target has none.
    expect(at(1)).toBeGreaterThan(3);
    expect(Math.min(at(0.8), at(1), at(1.2))).toBeGreaterThan(Math.max(at(0), at(2)));
    for (let x = -3; x <= -1.5; x += 0.1) expect(at(x)).toBeLessThan(0.05);
    // The shape of the true ratio p_T/p_S, with p_S uniform on [−3, 3].
    const ratio = grid.map(([x]) => Math.exp(-(((x ?? 0) - 1) ** 2) / (2 * 0.25)));
    expect(correlation(beta, ratio)).toBeGreaterThan(0.95);
    expect(result.sigma).toBeGreaterThan(0);
  });

  it('solves small problems whose optimum is known', () => {
    const problem = { bound: 10, sumMin: 0, sumMax: 100, maxIterations: 5000, tolerance: 1e-12 };
    // K = [[2, 1], [1, 2]], κ = [1, 4]: the unconstrained optimum (−2/3, 7/3) leaves the box;
    // the constrained one is (0, κ₂/K₂₂) = (0, 2), where the gradient (1, 0) points out of it.
    const twoByTwo = solveKmm(new Float64Array([2, 1, 1, 2]), new Float64Array([1, 4]), problem);
    expectAllClose(twoByTwo.weights, [0, 2], 9);
    expect(twoByTwo.converged).toBe(true);
    expect(twoByTwo.objective).toBeCloseTo(0.5 * 2 * 4 - 8, 9);
    // K = I: the solution is the projection of κ onto the feasible set.
    const identity = new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const kappa = new Float64Array([3, -1, 0.5]);
    const bounded = { ...problem, bound: 2, sumMax: 2 };
    expectAllClose(solveKmm(identity, kappa, bounded).weights, [2, 0, 0], 9);
    expectAllClose(projectOntoBoxAndSum(kappa, 2, 0, 2), [2, 0, 0], 12);
  });

  it('projects onto the box and the sum constraint: nearest point, by a shift μ', () => {
    const rng = new Rng(42);
    for (let trial = 0; trial < 20; trial++) {
      const v = Float64Array.from({ length: 12 }, () => 3 * rng.normal());
      const [bound, lo, hi] = [1.5, 4, 6];
      const p = projectOntoBoxAndSum(v, bound, lo, hi);
      const sum = p.reduce((a, b) => a + b, 0);
      expect(sum).toBeGreaterThanOrEqual(lo - 1e-9);
      expect(sum).toBeLessThanOrEqual(hi + 1e-9);
      const distance = (q: Float64Array): number =>
        q.reduce((s, qi, i) => s + (qi - (v[i] ?? 0)) ** 2, 0);
      // No random feasible point is nearer (feasible: the box, then scaled into the sum range).
      for (let k = 0; k < 50; k++) {
        const q = Float64Array.from({ length: 12 }, () => bound * rng.next());
        const qs = q.reduce((a, b) => a + b, 0);
        const target = Math.min(hi, Math.max(lo, qs));
        const scaled = q.map((qi) => (qi * target) / qs);
        if (scaled.every((qi) => qi <= bound)) {
          expect(distance(p)).toBeLessThanOrEqual(distance(scaled) + 1e-9);
        }
      }
    }
    // Already feasible: unchanged. Below the sum: shifted up, clipped at the bound.
    expectAllClose(projectOntoBoxAndSum(new Float64Array([0.5, 1]), 2, 1, 2), [0.5, 1]);
    expectAllClose(projectOntoBoxAndSum(new Float64Array([0, 1.9, -3]), 2, 3, 10), [1, 2, 0]);
  });

  it('refuses infeasible constraints and oversized sources', async () => {
    expect(() =>
      solveKmm(new Float64Array([1]), new Float64Array([1]), {
        bound: 1,
        sumMin: 2,
        sumMax: 3,
        maxIterations: 1,
        tolerance: 0,
      }),
    ).toThrow('infeasible');
    const { tf } = await selectBackend('cpu');
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      expect(() => kmmWeights(tf, tf.zeros([5001, 1]), tf.zeros([2, 1]))).toThrow('subsample');
      expect(() => kmmWeights(tf, tf.zeros([3, 2]), tf.zeros([2, 1]))).toThrow('differ in size');
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('TrAdaBoost', () => {
  it('computes β = 1/(1 + √(2 ln n_S / N))', () => {
    expect(trAdaBoostSourceBeta(3, 10)).toBeCloseTo(0.6808530934965117, 14);
    expect(trAdaBoostSourceBeta(100, 20)).toBeCloseTo(0.5957295570728811, 14);
    expect(trAdaBoostSourceBeta(1, 5)).toBe(1);
    expect(() => trAdaBoostSourceBeta(3, 0)).toThrow('rounds');
  });

  it('updates the weights as computed by hand', () => {
    // Three source samples then two target samples, N = 10 rounds.
    const weights = new Float64Array([1, 2, 1, 3, 1]);
    const errors = new Float64Array([1, 0, 1, 0, 1]);
    const round = trAdaBoostUpdate(weights, errors, 3, 10);
    // ε_t on the target only: (3·0 + 1·1)/(3 + 1) = 1/4; β_t = (1/4)/(3/4) = 1/3.
    expect(round.error).toBeCloseTo(0.25, 15);
    expect(round.betaT).toBeCloseTo(1 / 3, 15);
    // Source: w·β^e, β = 0.6808530934965117; target: w·β_t^(−e).
    const beta = 0.6808530934965117;
    expectAllClose(round.weights, [beta, 2, beta, 3, 3], 14);
    expect(weights).toEqual(new Float64Array([1, 2, 1, 3, 1]));
    expectAllClose(
      normalizeWeights(round.weights),
      [beta, 2, beta, 3, 3].map((w) => w / (8 + 2 * beta)),
    );
  });

  it('takes soft errors |h(x) − y| ∈ [0, 1]', () => {
    const round = trAdaBoostUpdate(new Float64Array([1, 1, 1]), [0.5, 0.2, 0.6], 1, 4);
    // ε = (0.2 + 0.6)/2 = 0.4, β_t = 2/3; β = 1/(1 + √(2 ln 1 / 4)) = 1.
    expect(round.betaT).toBeCloseTo(2 / 3, 15);
    expectAllClose(round.weights, [1, (2 / 3) ** -0.2, (2 / 3) ** -0.6], 14);
  });

  it('clamps ε_t: a target error of 1/2 or more leaves the target weights, 0 stays finite', () => {
    const worse = trAdaBoostUpdate(new Float64Array([1, 1, 1, 1]), [1, 1, 1, 0], 2, 5);
    expect(worse.error).toBeCloseTo(0.5, 15);
    expect(worse.betaT).toBe(1);
    expectAllClose(worse.weights.subarray(2), [1, 1]);
    const perfect = trAdaBoostUpdate(new Float64Array([1, 1, 1]), [1, 0, 0], 1, 5);
    expect(perfect.error).toBe(0);
    expect(perfect.betaT).toBeGreaterThan(0);
    expectAllClose(perfect.weights.subarray(1), [1, 1]);
    expect(() => trAdaBoostUpdate(new Float64Array([1, 1]), [0, 2], 1, 5)).toThrow('[0, 1]');
    expect(() => trAdaBoostUpdate(new Float64Array([1, 1]), [0, 0], 2, 5)).toThrow('nSource');
  });

  it('weighs the second half of the rounds by ln(1/β_t) and votes like the paper', () => {
    const betaTs = [0.5, 0.25, 0.1, 0.2];
    // ⌈4/2⌉ = 2: rounds 2..4 vote.
    expectAllClose(trAdaBoostHypothesisWeights(betaTs), [
      0,
      Math.log(4),
      Math.log(10),
      Math.log(5),
    ]);
    expectAllClose(trAdaBoostHypothesisWeights([0.5, 0.5, 0.5, 0.5, 0.5]), [
      0,
      0,
      Math.LN2,
      Math.LN2,
      Math.LN2,
    ]);
    const hypotheses = [
      [0, 0, 1],
      [1, 0, 1],
      [0, 1, 1],
      [1, 0, 0],
    ];
    // The paper's rule written as products: Π β_t^(−h_t(x)) ≥ Π β_t^(−1/2) over t = 2..4.
    const byProducts = [0, 1, 2].map((j) => {
      let left = 1;
      let right = 1;
      for (let t = 1; t < 4; t++) {
        left *= (betaTs[t] ?? 1) ** -(hypotheses[t]?.[j] ?? 0);
        right *= (betaTs[t] ?? 1) ** -0.5;
      }
      return left >= right ? 1 : 0;
    });
    // Sample 0: ln4 − ln10 + ln5 = ln2 > 0 → 1; sample 1: −ln2 → 0; sample 2: ln4 + ln10 − ln5 → 1.
    expect(byProducts).toEqual([1, 0, 1]);
    expect([...trAdaBoostPredict(betaTs, hypotheses)]).toEqual(byProducts);
    expect([...trAdaBoostVote(betaTs, hypotheses, 2)]).toEqual(byProducts);
    // Three classes: votes ln4 for class 2, ln10 for class 0, ln5 for class 1 → class 0.
    expect([...trAdaBoostVote(betaTs, [[1], [2], [0], [1]], 3)]).toEqual([0]);
    expect([...trAdaBoostVote([0.5, 0.2, 0.3], [[0], [2], [1]], 3)]).toEqual([2]);
  });

  it('turns predictions into 0/1 errors', () => {
    expect([...misclassified([0, 2, 1], [0, 1, 1])]).toEqual([0, 1, 0]);
    expect(() => misclassified([0], [0, 1])).toThrow('1 predictions for 2 labels');
  });
});
