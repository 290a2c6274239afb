import { describe, expect, it } from 'vitest';
import { deriveSeed, Rng } from '../../../src-main/engine/random';

describe('Rng', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const seqA = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 100 }, () => c.next())).not.toEqual(seqA);
    for (const v of seqA) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
    }
  });

  it('matches the reference mulberry32 output', () => {
    // First outputs of the reference C implementation (Tommy Ettinger's mulberry32), as uint32.
    const ints = (seed: number) => {
      const rng = new Rng(seed);
      return Array.from({ length: 3 }, () => Math.round(rng.next() * 4294967296));
    };
    expect(ints(0)).toEqual([1144304738, 1416247, 958946056]);
    expect(ints(123456789)).toEqual([1107202814, 4169434471, 3372958138]);
  });

  it('draws standard normals (Box–Muller)', () => {
    const rng = new Rng(7);
    const n = 20000;
    const xs = Array.from({ length: n }, () => rng.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / n;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.04);
  });

  it('shuffles into a permutation, reproducibly', () => {
    const p = new Rng(3).permutation(1000);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(p).toEqual(new Rng(3).permutation(1000));
    expect(p).not.toEqual(new Rng(4).permutation(1000));
    // Not the identity, and roughly uniform: element 0 lands in each half about equally often.
    let firstHalf = 0;
    for (let s = 0; s < 2000; s++) if (new Rng(s).permutation(10).indexOf(0) < 5) firstHalf++;
    expect(firstHalf / 2000).toBeGreaterThan(0.45);
    expect(firstHalf / 2000).toBeLessThan(0.55);
  });

  it('derives independent 32-bit sub-seeds from a seed and a label', () => {
    expect(deriveSeed(1, 'shuffle')).toBe(deriveSeed(1, 'shuffle'));
    expect(deriveSeed(1, 'shuffle')).not.toBe(deriveSeed(1, 'init'));
    expect(deriveSeed(1, 'shuffle')).not.toBe(deriveSeed(2, 'shuffle'));
    // The separator keeps (1, '2x') and (12, 'x') apart.
    expect(deriveSeed(1, '2x')).not.toBe(deriveSeed(12, 'x'));
    const s = deriveSeed(5, 'a');
    expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
  });
});
