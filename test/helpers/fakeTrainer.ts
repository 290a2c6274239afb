import { mkdirSync, writeFileSync } from 'node:fs';
import type { TrainerLauncher } from '../../src-main/core/runQueue';
import { checkpointPath } from '../../src-main/engine/checkpointFiles';
import type { TrainJob, TrainerToParent } from '../../src-main/engine/protocol';
import type { TrainerExit } from '../../src-main/engine/trainer/host';

/**
 * 'stall': completes its first epoch (from where it starts), then hangs until cancelled.
 * 'damaged-checkpoint': refuses to resume, as the real trainer does for a torn checkpoint, and
 * otherwise completes.
 */
export type Behaviour = 'complete' | 'crash' | 'diverge' | 'hang' | 'stall' | 'damaged-checkpoint';

/**
 * A trainer stand-in for queue tests: it speaks the real protocol with scripted behaviour, so the
 * queue's bookkeeping can be checked without spending seconds on tfjs. The real trainer has its
 * own tests (test/integration/engine) and the full path is covered in core.e2e.test.ts.
 */
export function fakeLauncher(behaviour: (job: TrainJob) => Behaviour = () => 'complete'): {
  launch: TrainerLauncher;
  jobs: TrainJob[];
} {
  const jobs: TrainJob[] = [];
  const launch: TrainerLauncher = (job, onMessage) => {
    jobs.push(job);
    const mode = behaviour(job);
    const state = { cancelled: false };
    const send = (m: TrainerToParent): void => {
      onMessage(m);
    };
    const done = (async (): Promise<TrainerExit> => {
      await tick();
      const resumeFrom = job.checkpoint?.resumeFromEpoch;
      if (mode === 'damaged-checkpoint' && resumeFrom !== undefined) {
        const error = `The checkpoint of epoch ${resumeFrom} (${job.checkpoint?.dir ?? ''}) is damaged: its state does not match its manifest; cannot resume from it`;
        send({ type: 'failed', error, diverged: false });
        return { status: 'failed', error, code: 1, signal: null };
      }
      send({
        type: 'started',
        environment: {
          backend: 'fake',
          versions: {},
          platform: 'linux',
          arch: 'x64',
          cpus: 1,
          node: process.version,
        },
        dataHash: 'data-hash',
      });
      // 'hang' stands for a long epoch: it goes on until cancelled.
      while (mode === 'hang' && !state.cancelled) await tick();
      const epochs = job.config.training.epochs;
      const from = (job.checkpoint?.resumeFromEpoch ?? 0) + 1;
      if (from > 1)
        send({
          type: 'log',
          level: 'info',
          message: `Resumed from the checkpoint of epoch ${from - 1}`,
        });
      for (let epoch = from; epoch <= epochs; epoch++) {
        await tick();
        while (mode === 'stall' && epoch > from && !state.cancelled) await tick();
        if (state.cancelled) {
          send({ type: 'cancelled' });
          return { status: 'cancelled', code: 0, signal: null };
        }
        const loss = mode === 'diverge' && epoch === 2 ? NaN : 1 / epoch;
        // A checkpoint file where the real trainer writes one (its content is the engine's affair).
        if (job.checkpoint) {
          mkdirSync(job.checkpoint.dir, { recursive: true });
          writeFileSync(checkpointPath(job.checkpoint.dir, epoch), '');
        }
        send({ type: 'epoch', epoch, values: { loss, acc: 1 - loss / 2 }, elapsedS: epoch / 10 });
        if (mode === 'diverge' && epoch === 2) {
          send({ type: 'failed', error: 'Loss became NaN at epoch 2', diverged: true });
          return { status: 'diverged', error: 'Loss became NaN at epoch 2', code: 0, signal: null };
        }
        // 'crash': killed after the first epoch it trains (committed, with its checkpoint).
        if (mode === 'crash' && epoch === from) {
          return {
            status: 'crashed',
            error: 'exited by signal SIGKILL',
            code: null,
            signal: 'SIGKILL',
          };
        }
      }
      const finalMetrics = { test_acc: 0.9, test_loss: 0.1 };
      const model = job.saveModel
        ? { model: { dir: `${job.modelsDir}/hash-${job.runId}`, hash: `hash-${job.runId}` } }
        : {};
      send({ type: 'completed', finalMetrics, ...model });
      return { status: 'completed', finalMetrics, ...model, code: 0, signal: null };
    })();
    return {
      cancel: () => {
        state.cancelled = true;
      },
      done,
    };
  };
  return { launch, jobs };
}

function tick(): Promise<void> {
  return new Promise((r) => setTimeout(r, 1));
}
