import { Rng } from './random';

/** Where a BatchStream stands, for a checkpoint (checkpoint.ts). */
export interface BatchStreamState {
  /** Permutations drawn so far (passes begun). */
  passes: number;
  /** Rows of the current permutation already handed out. */
  at: number;
  /** FNV-1a of the current permutation: a check that replaying the draws gave it back. */
  orderHash: string;
}

/**
 * Batches of up to `batchSize` row indices of a split of n rows, in seeded random orders: each
 * pass is a fresh permutation, and its last batch holds the remainder (n mod batchSize), so a
 * pass over the target's rows is exactly one epoch of ceil(n / batchSize) batches. Streams
 * shorter than the epoch cycle through further passes.
 *
 * Its state is the seed, the number of permutations drawn and the position in the last one.
 * Rng keeps its generator state private (src-shared/random.ts), so a restore replays the draws
 * from the seed: a pass costs n − 1 draws, microseconds for the splits the engine trains on, and
 * the replay stays right whatever generator Rng uses.
 */
export class BatchStream {
  private readonly rng: Rng;
  private order: Int32Array = new Int32Array(0);
  private at = 0;
  private passes = 0;

  constructor(
    private readonly n: number,
    private readonly batchSize: number,
    seed: number,
  ) {
    this.rng = new Rng(seed);
  }

  next(): Int32Array {
    if (this.at >= this.order.length) {
      this.order = this.rng.permutation(this.n);
      this.passes++;
      this.at = 0;
    }
    const rows = this.order.subarray(this.at, Math.min(this.at + this.batchSize, this.n));
    this.at += rows.length;
    return rows;
  }

  /**
   * The permutation a batch this stream just returned was cut from, and where it starts in it
   * (DeviceRowOrder keeps a copy of the permutation on the backend).
   */
  position(rows: Int32Array): { order: Int32Array; start: number } {
    if (rows.buffer !== this.order.buffer) throw new Error('Not a batch of the current pass');
    return {
      order: this.order,
      start: (rows.byteOffset - this.order.byteOffset) / rows.BYTES_PER_ELEMENT,
    };
  }

  state(): BatchStreamState {
    return { passes: this.passes, at: this.at, orderHash: fnv1a(this.order) };
  }

  /** Puts a fresh stream (same n, batch size and seed) where `state` says; throws on a mismatch. */
  restore(state: BatchStreamState): void {
    if (this.passes !== 0) throw new Error('Only a fresh batch stream can be restored');
    for (let i = 0; i < state.passes; i++) this.order = this.rng.permutation(this.n);
    this.passes = state.passes;
    if (state.at > this.order.length || fnv1a(this.order) !== state.orderHash) {
      throw new Error('the batch order does not replay from the seed');
    }
    this.at = state.at;
  }
}

/** 32-bit FNV-1a over the values, as 8 hex digits. */
function fnv1a(values: Int32Array): string {
  let h = 0x811c9dc5;
  for (const v of values) {
    h ^= v;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
