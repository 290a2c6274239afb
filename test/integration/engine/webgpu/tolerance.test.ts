import { describe, expect, it } from 'vitest';
import { differences } from './differences';
import type { MemorySample, RunRecord } from './parity';
import { flatMemory, outsideTolerance, TOLERANCE } from './tolerance';

/** The comparisons the webgpu tests rest on, on made-up runs: no adapter needed. */

const memory = (numTensors: number, numBytes = 400): MemorySample => ({
  numTensors,
  numBytes,
  numBytesInGPU: numBytes,
});

function run(loss: number, testAcc: number, perEpoch = [memory(10), memory(10)]): RunRecord {
  return {
    status: 'completed',
    epochs: [
      { loss: 0.7, acc: 0.5, val_loss: 0.8, val_acc: 0.5 },
      { loss, acc: 0.6, val_loss: 0.75, val_acc: 0.55 },
    ],
    final: {
      test_loss: 0.74,
      test_acc: testAcc,
      val_loss: 0.75,
      val_acc: 0.55,
      train_loss: loss,
      train_acc: 0.6,
    },
    splitSizes: { train: 40, val: 40, test: 40, validationFrom: 'split' },
    memory: { before: memory(4), perEpoch, after: memory(4) },
    seconds: 1,
  };
}

describe('the tolerance of webgpu against wasm', () => {
  it('accepts losses within LOSS_RELATIVE and an accuracy one row of 40 away', () => {
    const wasm = run(0.6, 0.5);
    const gpu = run(0.6 * (1 + TOLERANCE.LOSS_RELATIVE / 2), 0.5 + 1 / 40);
    expect(outsideTolerance(differences(wasm, gpu), wasm)).toEqual([]);
  });

  it('names every loss beyond it, two rows of accuracy, and a NaN', () => {
    const wasm = run(0.6, 0.5);
    const gpu = run(0.6 * (1 + 2 * TOLERANCE.LOSS_RELATIVE), 0.5 + 2 / 40);
    expect(outsideTolerance(differences(wasm, gpu), wasm).map((d) => d.metric)).toEqual([
      'epoch 2 loss',
      'final test_acc',
      'final train_loss',
    ]);
    const diverged = run(NaN, 0.5);
    expect(outsideTolerance(differences(wasm, diverged), wasm).map((d) => d.metric)).toEqual([
      'epoch 2 loss',
      'final train_loss',
    ]);
  });

  it('refuses to compare runs that ended differently or trained other epochs', () => {
    const failed = { ...run(0.6, 0.5), status: 'failed' };
    expect(() => differences(run(0.6, 0.5), failed)).toThrow(/completed, the other failed/);
    const short = { ...run(0.6, 0.5), epochs: run(0.6, 0.5).epochs.slice(0, 1) };
    expect(() => differences(run(0.6, 0.5), short)).toThrow(/2 epochs, the other 1/);
  });
});

describe('flat memory', () => {
  it('holds when every epoch holds the same tensors and the run gives them all back', () => {
    expect(flatMemory(run(0.6, 0.5)).problem).toBeUndefined();
  });

  it('names a count that grows across epochs, unless the strategy grows by design', () => {
    const growing = run(0.6, 0.5, [memory(10, 400), memory(12, 480)]);
    expect(flatMemory(growing).problem).toBe(
      'numTensors per epoch 10 → 12; numBytes per epoch 400 → 480; numBytesInGPU per epoch 400 → 480',
    );
    expect(flatMemory(growing, { growsPerEpoch: true }).problem).toBeUndefined();
  });

  it('names tensors left behind after the run', () => {
    const leaky = run(0.6, 0.5);
    leaky.memory.after = memory(6, 480);
    expect(flatMemory(leaky).problem).toBe(
      '2 tensors left after the run; 80 bytes left after the run',
    );
  });
});
