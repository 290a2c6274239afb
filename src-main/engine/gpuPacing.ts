import type { Tf } from './backend';

/** The parts of tfjs-backend-webgpu's backend the pacing uses. */
interface QueueingBackend {
  /** The encoder of the commands recorded since the last submission; null when there are none. */
  commandEncoder: unknown;
  /** Closes the open compute pass: a command buffer with a pass left open is invalid. */
  endComputePassEncoder(): void;
  /** Submits the commands tfjs has recorded but not yet handed to the GPU. */
  submitQueue(): void;
  queue: { onSubmittedWorkDone(): Promise<unknown> };
}

function isQueueing(backend: unknown): backend is QueueingBackend {
  if (typeof backend !== 'object' || backend === null) return false;
  if (!('submitQueue' in backend) || typeof backend.submitQueue !== 'function') return false;
  if (!('commandEncoder' in backend)) return false;
  if (!('endComputePassEncoder' in backend) || typeof backend.endComputePassEncoder !== 'function')
    return false;
  if (!('queue' in backend) || typeof backend.queue !== 'object' || backend.queue === null)
    return false;
  return (
    'onSubmittedWorkDone' in backend.queue &&
    typeof backend.queue.onSubmittedWorkDone === 'function'
  );
}

/**
 * Keeps a GPU backend's queue short (issue 15). On WebGPU a step only records commands: without
 * a read-back per batch (the loop has none), the host would run ahead and queue epochs of work,
 * so a cancel would wait for all of it and the memory of every queued step would stay held. After
 * each batch this submits the batch's commands and waits until the previous batch's have run: at
 * most two batches are in flight, so the GPU never idles between them and a cancel, seen before
 * the next batch, takes effect within one batch. Nothing is read back. On a backend that computes
 * as it is called (wasm, cpu, native TensorFlow) it does nothing.
 */
export class GpuPacer {
  private readonly backend: QueueingBackend | undefined;
  private previous: Promise<unknown> | undefined;

  constructor(tf: Tf) {
    const backend: unknown = tf.backend();
    this.backend = isQueueing(backend) ? backend : undefined;
  }

  async afterBatch(): Promise<void> {
    if (this.backend === undefined) return;
    // What tfjs does before its own submissions (a read-back, a full batch of dispatches).
    if (this.backend.commandEncoder !== null) {
      this.backend.endComputePassEncoder();
      this.backend.submitQueue();
    }
    const done = this.backend.queue.onSubmittedWorkDone();
    const previous = this.previous;
    this.previous = done;
    await previous;
  }
}
