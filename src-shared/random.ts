/**
 * A seeded generator shared by the engine (data, splits, batches) and the planner (random search
 * over a strategy's parameters, src-shared/domain/sweeps.ts): pure TypeScript, so both sides of
 * the contract draw the same numbers from the same seed.
 */

/**
 * mulberry32 (Tommy Ettinger, 2017): a 32-bit state generator, small and fast, with good enough
 * statistics for shuffling and sampling (it passes gjrand and PractRand up to 2^32 bytes).
 */
export class Rng {
  private state: number;
  /** Box–Muller yields normals in pairs; the second is kept for the next call. */
  private spare: number | null = null;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1), with 32 bits of resolution. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal, by the Box–Muller transform (Box & Muller, 1958). */
  normal(): number {
    if (this.spare !== null) {
      const value = this.spare;
      this.spare = null;
      return value;
    }
    // 1 - next() lies in (0, 1], so the logarithm is finite.
    const u1 = 1 - this.next();
    const u2 = this.next();
    const radius = Math.sqrt(-2 * Math.log(u1));
    this.spare = radius * Math.sin(2 * Math.PI * u2);
    return radius * Math.cos(2 * Math.PI * u2);
  }

  /** Shuffles in place: Fisher–Yates (Durstenfeld's version, Knuth's Algorithm P). */
  shuffle<T extends { length: number; [i: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const perm = new Int32Array(n);
    for (let i = 0; i < n; i++) perm[i] = i;
    return this.shuffle(perm);
  }
}
