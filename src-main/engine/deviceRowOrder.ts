import type { Tensor1D } from '@tensorflow/tfjs';
import type { Tf } from './backend';
import type { BatchStream } from './batchStream';

/** One batch of a stream: its rows on the host, and where they sit in the device's copy. */
export interface DeviceBatch {
  /** The batch's row indices (for per-row state a strategy keeps on the host). */
  rows: Int32Array;
  /** The stream's current permutation on the backend. */
  order: Tensor1D;
  /** The batch's first position in `order`: its indices are order[start, start + rows.length). */
  start: number;
}

/**
 * A batch stream whose permutation lives on the backend too (issue 15): each pass's order is
 * uploaded once, and a batch's indices are a slice of it taken on the device, so a step uploads
 * nothing (on a GPU an upload per batch is a synchronisation point as much as a read-back is).
 * The order is the stream's own, so the batches are exactly the host's, bitwise, on every backend.
 */
export class DeviceRowOrder {
  private uploadedFrom: Int32Array | undefined;
  private order: Tensor1D | undefined;

  constructor(
    private readonly tf: Tf,
    private readonly stream: BatchStream,
  ) {}

  /** The next batch. Call outside a tidy: the upload of a new pass must outlive the step. */
  next(): DeviceBatch {
    const rows = this.stream.next();
    const { order, start } = this.stream.position(rows);
    if (this.uploadedFrom !== order || this.order === undefined) {
      this.order?.dispose();
      this.order = this.tf.tensor1d(order, 'int32');
      this.uploadedFrom = order;
    }
    return { rows, order: this.order, start };
  }

  dispose(): void {
    this.order?.dispose();
    this.order = undefined;
    this.uploadedFrom = undefined;
  }
}
