import { describe, expect, it } from 'vitest';
import {
  DEFAULT_KMM_ITERATIONS,
  DEFAULT_KMM_TOLERANCE,
  solveKmm,
  type KmmProblem,
} from '../../../../src-main/engine/losses/kmm';

/**
 * The 1-D example of issue 12 (point 6), in float64: 21 source points 0, 0.5, ..., 10, 20 target
 * points 0.5 + 0.5·z_j, a Gaussian kernel of width σ = 3, B = 10 (the kmm strategy's default)
 * and ε = (√n_S − 1)/√n_S (kmmWeights' default).
 */
const Z = [
  -1.96, -1.44, -1.15, -0.93, -0.76, -0.6, -0.45, -0.32, -0.19, -0.06, 0.06, 0.19, 0.32, 0.45, 0.6,
  0.76, 0.93, 1.15, 1.44, 1.96,
];
const SOURCE = Array.from({ length: 21 }, (_, i) => i / 2);
const TARGET = Z.map((z) => 0.5 + 0.5 * z);
const SIGMA = 3;

/**
 * The optimum, from bench/reference/kmm_qp_reference.py (/usr/bin/python3 with Debian's
 * python3-scipy 1.10): SciPy's SLSQP and trust-constr solve the same program and agree on the
 * active set (β_0, β_1, β_2 and β_11 free, the others at 0, the sum constraint slack); these are
 * the exact solution of the KKT system on that set (K_FF·β_F = κ_F, KKT residual 0; SLSQP is
 * within 1.2e-6 of it, the interior-point trust-constr within 3.2e-3), to 10 significant digits.
 */
const REFERENCE = [
  9.6385912, 1.72628663, 9.630830624, 0, 0, 0, 0, 0, 0, 0, 0, 0.003030637217, 0, 0, 0, 0, 0, 0, 0,
  0, 0,
];

function example(): { k: Float64Array; kappa: Float64Array; sumMin: number; sumMax: number } {
  const kernel = (a: number, b: number): number => Math.exp(-((a - b) ** 2) / (2 * SIGMA * SIGMA));
  const n = SOURCE.length;
  const k = new Float64Array(n * n);
  const kappa = new Float64Array(n);
  SOURCE.forEach((xi, i) => {
    SOURCE.forEach((xj, j) => {
      k[i * n + j] = kernel(xi, xj);
    });
    kappa[i] = (n / TARGET.length) * TARGET.reduce((s, t) => s + kernel(xi, t), 0);
  });
  const epsilon = (Math.sqrt(n) - 1) / Math.sqrt(n);
  return { k, kappa, sumMin: n * (1 - epsilon), sumMax: n * (1 + epsilon) };
}

function maxAbsDifference(a: ArrayLike<number>, b: readonly number[]): number {
  let d = 0;
  for (let i = 0; i < b.length; i++) d = Math.max(d, Math.abs((a[i] ?? Number.NaN) - (b[i] ?? 0)));
  return d;
}

describe('the KMM solver', () => {
  it('stops at the optimum SciPy finds on a 1-D example, by the KKT residual', () => {
    const { k, kappa, sumMin, sumMax } = example();
    const problem: KmmProblem = {
      bound: 10,
      sumMin,
      sumMax,
      maxIterations: 20_000,
      tolerance: 1e-10,
    };
    const result = solveKmm(k, kappa, problem);
    expect(result.converged).toBe(true);
    expect(result.residual).toBeLessThanOrEqual(1e-10);
    // 1.1e-5 when written; the reference has 10 digits.
    expect(maxAbsDifference(result.weights, REFERENCE)).toBeLessThan(1e-4);
  });

  it('says it has not converged, with the residual, when the budget runs out first', () => {
    // A step-size rule (no β moving by 1e-5·max β) stopped here after 65 iterations and called it
    // converged, with β 5.3 from the optimum. The KKT residual is still above the tolerance.
    const { k, kappa, sumMin, sumMax } = example();
    const result = solveKmm(k, kappa, {
      bound: 10,
      sumMin,
      sumMax,
      maxIterations: DEFAULT_KMM_ITERATIONS,
      tolerance: DEFAULT_KMM_TOLERANCE,
    });
    expect(result.iterations).toBe(DEFAULT_KMM_ITERATIONS);
    expect(result.converged).toBe(false);
    expect(result.residual).toBeGreaterThan(DEFAULT_KMM_TOLERANCE);
    expect(maxAbsDifference(result.weights, REFERENCE)).toBeGreaterThan(1);
  });

  it("measures the residual with the sum constraint's multiplier, of the sign its bound allows", () => {
    // K = I, κ = 3: the gradient at the start β = 1 is −2 everywhere. With Σβ ≤ 3 binding, the
    // multiplier μ = 2 cancels it (β = 1 is optimal); with Σβ free it must be 0, and β is not.
    const k = new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const up = new Float64Array([3, 3, 3]);
    const box = { bound: 10, maxIterations: 0, tolerance: 1e-12 };
    const binding = solveKmm(k, up, { ...box, sumMin: 0, sumMax: 3 });
    expect(binding).toMatchObject({ iterations: 0, converged: true, residual: 0 });
    const free = solveKmm(k, up, { ...box, sumMin: 0, sumMax: 30 });
    expect(free.converged).toBe(false);
    expect(free.residual).toBeCloseTo(2 / 3, 12); // |g + 0| over max(1, max κ)
    // The same below: κ = −1, Σβ ≥ 3 binding takes μ = −2; with Σβ ≥ 0 it may not.
    const down = new Float64Array([-1, -1, -1]);
    expect(solveKmm(k, down, { ...box, sumMin: 3, sumMax: 30 }).residual).toBe(0);
    expect(solveKmm(k, down, { ...box, sumMin: 0, sumMax: 30 }).residual).toBeCloseTo(2, 12);
    // Solved, each reaches its optimum: β = κ = 3 (Σβ = 9 is inside) and β = 0 (κ = −1 clipped).
    const solved = { ...box, maxIterations: 1000 };
    const upSolved = solveKmm(k, up, { ...solved, sumMin: 0, sumMax: 30 });
    expect(upSolved.converged).toBe(true);
    for (const b of upSolved.weights) expect(b).toBeCloseTo(3, 10);
    const downSolved = solveKmm(k, down, { ...solved, sumMin: 0, sumMax: 30 });
    expect(downSolved.converged).toBe(true);
    for (const b of downSolved.weights) expect(b).toBe(0);
  });
});
