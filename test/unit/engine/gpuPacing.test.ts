import { describe, expect, it } from 'vitest';
import { selectBackend, type Tf } from '../../../src-main/engine/backend';
import { GpuPacer } from '../../../src-main/engine/gpuPacing';

/** A stand-in for tfjs-backend-webgpu's backend: records calls, and each submission's fence. */
class FakeQueueingBackend {
  readonly calls: string[] = [];
  readonly fences: { resolve: () => void; done: boolean }[] = [];
  commandEncoder: object | null = null;
  readonly queue = {
    onSubmittedWorkDone: (): Promise<void> =>
      new Promise<void>((resolve) => {
        const fence = { done: false, resolve: () => undefined };
        fence.resolve = () => {
          fence.done = true;
          resolve();
        };
        this.fences.push(fence);
      }),
  };

  record(): void {
    this.commandEncoder ??= {};
  }
  endComputePassEncoder(): void {
    this.calls.push('end pass');
  }
  submitQueue(): void {
    this.calls.push('submit');
    this.commandEncoder = null;
  }
}

function tfWith(backend: object): Tf {
  // Only tf.backend() is read by the pacer.
  return { backend: () => backend } as unknown as Tf;
}

describe('GpuPacer', () => {
  it('closes the pass before submitting, and keeps at most two batches in flight', async () => {
    const backend = new FakeQueueingBackend();
    const pacer = new GpuPacer(tfWith(backend));
    backend.record();
    // The first batch waits for nothing.
    await pacer.afterBatch();
    expect(backend.calls).toEqual(['end pass', 'submit']);
    backend.record();
    // The second batch waits for the first's work: not done yet, so it is still pending.
    let second = false;
    const waiting = pacer.afterBatch().then(() => {
      second = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(second).toBe(false);
    backend.fences[0]?.resolve();
    await waiting;
    expect(second).toBe(true);
    expect(backend.fences[1]?.done).toBe(false);
  });

  it('submits nothing when no command was recorded since the last submission', async () => {
    const backend = new FakeQueueingBackend();
    const pacer = new GpuPacer(tfWith(backend));
    await pacer.afterBatch();
    expect(backend.calls).toEqual([]);
  });

  it('does nothing on a backend that computes as it is called', async () => {
    const { tf } = await selectBackend('wasm');
    const before = tf.memory().numTensors;
    await new GpuPacer(tf).afterBatch();
    expect(tf.memory().numTensors).toBe(before);
  });
});
