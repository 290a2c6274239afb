import { createHash } from 'node:crypto';

/**
 * Seeded randomness for everything the engine draws: data generation, splits, label budgets,
 * batch order and initialiser seeds. Reproducible runs need every draw to come from a seed, so
 * the engine never calls Math.random, nor model.fit's shuffle (which uses Math.random).
 */

export { Rng } from '../../src-shared/random';

/**
 * A sub-seed for one purpose, e.g. deriveSeed(runSeed, 'shuffle'). Hashing the seed with a label
 * keeps the streams independent: adding a new draw for one purpose never shifts another's.
 * Returns an unsigned 32-bit integer (what mulberry32 and the tfjs initialisers take).
 */
export function deriveSeed(seed: number, label: string): number {
  const digest = createHash('sha256').update(`${seed}\u0000${label}`).digest();
  return digest.readUInt32LE(0);
}
