import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src-main/cli/io';
import { plainReporter } from '../../../src-main/cli/progress';

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
