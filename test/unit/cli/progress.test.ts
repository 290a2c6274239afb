import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src-main/cli/io';
import { plainReporter } from '../../../src-main/cli/progress';
import { withTrainSampleNotes } from '../../../src-main/cli/trainSampleNotes';
import type { RunDetail, SplitSizes } from '../../../src-shared/domain/runs';
import { runConfig } from '../engine/fixtures';

function capture(): { io: CliIo; lines: () => string[] } {
  let text = '';
  const io: CliIo = {
    out: () => undefined,
    err: (t) => {
      text += t;
    },
    stderrIsTTY: false,
    stdoutIsTTY: false,
    stderr: new PassThrough(),
  };
  return { io, lines: () => text.split('\n').filter((l) => l !== '') };
}

describe('plain progress lines', () => {
  it('print an epoch in the trainer’s order, also when it was read back from another process', () => {
    const { io, lines } = capture();
    const reporter = plainReporter(io, (id) => `#${id}`);
    // What the workspace watcher sends: values in the database's order (by name).
    reporter.handle({
      type: 'run.epoch',
      runId: 1,
      experimentId: 1,
      epoch: 6,
      epochs: 12,
      values: { acc: 0.9183, best: 1, loss: 0.2247, val_acc: 0.897, val_loss: 0.2719 },
      elapsedS: 3,
    });
    reporter.note('Waiting for source run #1 (trained by server (pid 12771)).');
    expect(lines()).toEqual([
      'run #1 epoch 6/12 loss=0.2247 acc=0.9183 val_loss=0.2719 val_acc=0.8970 best=1.0000',
      'Waiting for source run #1 (trained by server (pid 12771)).',
    ]);
  });
});

describe('train metrics on a fixed sample (issue 12)', () => {
  it('adds one line per run whose epoch lines are measured on a sample, once it has started', async () => {
    const { io, lines } = capture();
    const sizes = (train: number): SplitSizes => ({
      train,
      val: 5000,
      test: 10_000,
      validationFrom: 'split',
    });
    const recorded: Record<number, Pick<RunDetail, 'config' | 'splitSizes'>> = {
      1: { config: runConfig({ trainMetricRows: 10_000 }), splitSizes: sizes(60_000) },
      2: { config: runConfig({ trainMetricRows: 10_000 }), splitSizes: sizes(200) },
      3: { config: runConfig(), splitSizes: sizes(60_000) },
    };
    const read: number[] = [];
    const reporter = withTrainSampleNotes(
      (id) => {
        read.push(id);
        const run = recorded[id];
        return run ? Promise.resolve(run) : Promise.reject(new Error('gone'));
      },
      plainReporter(io, (id) => `#${id}`),
      (id) => `#${id}`,
    );
    const status = (runId: number, backend: string | null): void => {
      reporter.handle({
        type: 'run.status',
        runId,
        experimentId: 1,
        status: 'running',
        backend,
        error: null,
      });
    };
    status(1, null);
    for (const id of [1, 1, 2, 3, 4]) status(id, 'wasm');
    await new Promise((resolve) => setImmediate(resolve));
    expect(read).toEqual([1, 2, 3, 4]);
    expect(lines()).toEqual([
      'run #1 running [wasm]',
      'run #2 running [wasm]',
      'run #3 running [wasm]',
      'run #4 running [wasm]',
      'run #1 train metrics on a fixed sample of 10,000 of 60,000 rows',
    ]);
  });
});
