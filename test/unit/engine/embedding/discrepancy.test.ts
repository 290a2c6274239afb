import { describe, expect, it } from 'vitest';
import { selectBackend, type Tf } from '../../../../src-main/engine/backend';
import { gaussianMmd2 } from '../../../../src-main/engine/embedding/probe';
import { project } from '../../../../src-main/engine/embedding/projection';
import { proxyADistance } from '../../../../src-main/engine/embedding/proxyADistance';
import { drawRows } from '../../../../src-main/engine/embedding/sample';
import { Rng } from '../../../../src-main/engine/random';

/** The embedding view's numbers (issue 14, point 3) against values worked out by hand. */

async function cpu(): Promise<Tf> {
  return (await selectBackend('cpu')).tf;
}

/** n rows of d standard normals from `seed`, the first feature moved by `shift`. */
function gaussianRows(n: number, d: number, seed: number, shift = 0): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) out[i * d + j] = rng.normal() + (j === 0 ? shift : 0);
  }
  return out;
}

function rows(data: number[], cols: number) {
  return { data: Float32Array.from(data), rows: data.length / cols, cols };
}

describe('proxy A-distance (Ben-David et al.)', () => {
  it('is 2 for separable domains: the linear classifier makes no held-out error', async () => {
    const tf = await cpu();
    const before = tf.memory().numTensors;
    const result = await proxyADistance(
      tf,
      gaussianRows(100, 5, 1),
      gaussianRows(100, 5, 2, 20),
      5,
      {
        seed: 0,
      },
    );
    expect(result).toEqual({ distance: 2, error: 0 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is near 0 for two draws of one distribution, and the same on every call', async () => {
    const tf = await cpu();
    const s = gaussianRows(200, 5, 3);
    const t = gaussianRows(200, 5, 4);
    const first = await proxyADistance(tf, s, t, 5, { seed: 7 });
    expect(first.error).toBeGreaterThan(0.4);
    expect(first.distance).toBeLessThan(0.4);
    expect(first.distance).toBeCloseTo(2 * (1 - 2 * first.error), 10);
    expect(await proxyADistance(tf, s, t, 5, { seed: 7 })).toEqual(first);
  });

  it('lies between for overlapping domains', async () => {
    const tf = await cpu();
    const { distance } = await proxyADistance(
      tf,
      gaussianRows(200, 4, 5),
      gaussianRows(200, 4, 6, 1.5),
      4,
      {
        seed: 1,
      },
    );
    // Two unit Gaussians 1.5 apart: the best linear error is Φ(−0.75) ≈ 0.23, d̂_A ≈ 1.1.
    expect(distance).toBeGreaterThan(0.7);
    expect(distance).toBeLessThan(1.5);
  });

  it('refuses a domain with fewer than two rows', async () => {
    const tf = await cpu();
    await expect(
      proxyADistance(tf, new Float32Array(3), gaussianRows(4, 3, 1), 3, { seed: 0 }),
    ).rejects.toThrow(/two or more rows/);
  });
});

describe('Gaussian MMD² at the median bandwidth', () => {
  it('is 0 for identical samples', async () => {
    const tf = await cpu();
    const x = rows([0, 1, 2, 3, 5, 8], 2);
    expect(await gaussianMmd2(tf, x, x)).toBe(0);
  });

  it('matches the hand-computed 2 − 2·e^(−1/2) for one point per domain', async () => {
    const tf = await cpu();
    // ‖s − t‖² = 1 is the only off-diagonal distance, so σ₀² = 1 and k(s, t) = e^(−1/2).
    expect(await gaussianMmd2(tf, rows([0], 1), rows([1], 1))).toBeCloseTo(
      2 - 2 * Math.exp(-0.5),
      6,
    );
  });

  it('matches the hand-computed value for two points per domain', async () => {
    const tf = await cpu();
    const before = tf.memory().numTensors;
    // Off-diagonal squared distances: 0 (s₁s₂), 0 (t₁t₂) and four 100s: the median is 100, so
    // k(s, t) = e^(−100/200) and MMD² = 1 + 1 − 2·e^(−1/2).
    const value = await gaussianMmd2(tf, rows([0, 0, 0, 0], 2), rows([10, 0, 10, 0], 2));
    expect(value).toBeCloseTo(2 - 2 * Math.exp(-0.5), 6);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('rows drawn for the embedding', () => {
  const split = {
    x: Float32Array.from({ length: 20 }, (_, i) => i),
    y: Int32Array.from([0, 1, 0, 1, 1, 0, 1, 0, 0, 1]),
    n: 10,
  };

  it('draws without replacement, the same rows for the same seed, with original labels', () => {
    const a = drawRows(split, 2, [5, 7], 4, 11);
    expect(drawRows(split, 2, [5, 7], 4, 11)).toEqual(a);
    expect(a.n).toBe(4);
    const firsts = Array.from({ length: 4 }, (_, i) => a.x[i * 2] ?? -1);
    expect(new Set(firsts).size).toBe(4);
    firsts.forEach((v, i) => {
      expect(a.labels[i]).toBe((split.y[v / 2] ?? -1) === 0 ? 5 : 7);
    });
  });

  it('takes every row when asked for more than the split has', () => {
    expect(drawRows(split, 2, [5, 7], 50, 1).n).toBe(10);
  });
});

describe('2-D projections', () => {
  it('gives PCA and UMAP coordinates for every row, the same under the seed', () => {
    // Points on a line in 3-D, with a little noise off it: PC1 explains almost everything.
    const rng = new Rng(2);
    const data = new Float32Array(40 * 3);
    for (let i = 0; i < 40; i++) {
      data.set([i, 2 * i + rng.normal() * 0.01, -i], i * 3);
    }
    const first = project(data, 3, { seed: 3, epochs: 30 });
    expect(first.pca).toHaveLength(80);
    expect(first.umap).toHaveLength(80);
    expect(first.pcaExplained[0]).toBeGreaterThan(0.999);
    expect(first.umap.every(Number.isFinite)).toBe(true);
    expect(project(data, 3, { seed: 3, epochs: 30 })).toEqual(first);
  });
});
