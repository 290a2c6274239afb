import { describe, expect, it } from 'vitest';
import { latestCheckpointEpochs } from '../../../src-main/engine/checkpointFiles';
import type { TrainJob, TrainerToParent } from '../../../src-main/engine/protocol';
import { startTrainer } from '../../../src-main/engine/trainer/host';
import { useTempDirs } from '../../helpers/tempDir';
import { runConfig, trainJob } from '../../unit/engine/fixtures';

/**
 * Issue 11 through real trainer processes: a trainer SIGKILLed once the parent has epoch 2, and a
 * new trainer resuming from that epoch's checkpoint, end with the later epochs and the final
 * metrics of a trainer that was never interrupted.
 */

const tempDir = useTempDirs();

const job = (checkpoint?: TrainJob['checkpoint']): TrainJob =>
  trainJob(
    runConfig({
      training: {
        epochs: 4,
        batchSize: 8,
        earlyStopping: { monitor: 'val_loss', patience: 3, restoreBest: true },
      },
    }),
    checkpoint ? { checkpoint } : {},
  );

describe('a crashed trainer', () => {
  it('resumes in a new process from the epoch the parent last had, bit for bit', async () => {
    const dir = tempDir();
    const [uninterrupted, crashed] = await Promise.all([
      (async () => {
        const messages: TrainerToParent[] = [];
        const exit = await startTrainer(job(), (m) => messages.push(m)).done;
        return { exit, messages };
      })(),
      (async () => {
        let committed = 0;
        const handle = startTrainer(job({ dir }), (m) => {
          if (m.type !== 'epoch') return;
          committed = m.epoch;
          if (m.epoch === 2 && handle.pid !== undefined) process.kill(handle.pid, 'SIGKILL');
        });
        return { exit: await handle.done, committed };
      })(),
    ]);
    expect(uninterrupted.exit.status).toBe('completed');
    expect(crashed.exit.status).toBe('crashed');
    expect(crashed.committed).toBe(2);
    // The epoch the parent committed is on disk, whether or not the next one was written.
    expect(latestCheckpointEpochs(dir)).toContain(2);

    const messages: TrainerToParent[] = [];
    const resumed = await startTrainer(job({ dir, resumeFromEpoch: 2 }), (m) => messages.push(m))
      .done;
    expect(resumed.status).toBe('completed');
    expect(messages).toContainEqual({
      type: 'log',
      level: 'info',
      message: 'Resumed from the checkpoint of epoch 2',
    });
    const values = (ms: TrainerToParent[]) =>
      ms.flatMap((m) => (m.type === 'epoch' ? [{ epoch: m.epoch, values: m.values }] : []));
    expect(values(messages)).toEqual(values(uninterrupted.messages).slice(2));
    expect(resumed.finalMetrics).toEqual(uninterrupted.exit.finalMetrics);
    expect(resumed.confusion).toEqual(uninterrupted.exit.confusion);
    expect(latestCheckpointEpochs(dir)).toEqual([4, 3]);
  });
});
