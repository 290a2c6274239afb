import { describe, expect, it } from 'vitest';
import type { TrainerToParent } from '../../../src-main/engine/protocol';
import { startTrainer, trainerEntry } from '../../../src-main/engine/trainer/host';
import { digitsLocator, runConfig, trainJob } from '../../unit/engine/fixtures';

/**
 * The real thing: a forked trainer process (the TypeScript entry through tsx), real tfjs on wasm,
 * real digits. Each fork costs about a second of start-up (tsx, tfjs, the wasm module).
 */

describe('trainer host', () => {
  it('forks the TypeScript entry through tsx when running from the sources', () => {
    const entry = trainerEntry();
    expect(entry.script).toMatch(/src-main\/engine\/trainer\/entry\.ts$/);
    expect(entry.execArgv[0]).toBe('--import');
    expect(entry.execArgv[1]).toMatch(/^file:\/\/.*\/node_modules\/tsx\/dist\/esm\/index\.mjs$/);
  });

  it('runs a job in a child process and streams started, epochs and the result', async () => {
    const messages: TrainerToParent[] = [];
    const handle = startTrainer(
      trainJob(runConfig({ training: { epochs: 3 } }), { runId: 7 }),
      (m) => messages.push(m),
    );
    expect(handle.pid).toBeGreaterThan(0);
    const exit = await handle.done;
    expect(exit).toMatchObject({ status: 'completed', code: 0, signal: null });
    expect(exit.finalMetrics?.test_acc).toBeGreaterThan(0.85);

    const types = messages.map((m) => m.type).filter((t) => t !== 'progress' && t !== 'log');
    expect(types).toEqual(['started', 'epoch', 'epoch', 'epoch', 'completed']);
    const started = messages[0];
    expect(started?.type).toBe('started');
    if (started?.type === 'started') {
      expect(started.environment.backend).toBe('wasm');
      expect(started.environment.node).toBe(process.versions.node);
      expect(started.dataHash).toMatch(/^[0-9a-f]{64}$/);
    }
    const epochs = messages.flatMap((m) => (m.type === 'epoch' ? [m.epoch] : []));
    expect(epochs).toEqual([1, 2, 3]);
    const completed = messages.at(-1);
    expect(completed?.type === 'completed' ? completed.finalMetrics : null).toEqual(
      exit.finalMetrics,
    );
  });

  it('cancels promptly: the trainer stops within a batch and exits by itself', async () => {
    const messages: TrainerToParent[] = [];
    let cancelledAt = 0;
    const job = trainJob(runConfig({ training: { epochs: 1000, batchSize: 8 } }));
    const handle = startTrainer(
      job,
      (m) => {
        messages.push(m);
        if (m.type === 'epoch' && cancelledAt === 0) {
          cancelledAt = performance.now();
          handle.cancel();
        }
      },
      { cancelGraceMs: 5000 },
    );
    const exit = await handle.done;
    const stopMs = performance.now() - cancelledAt;
    // Stopped by itself (exit code 0, no signal), long before the 5 s grace period's kill; a batch
    // takes about a millisecond here, so this is the cancel being seen at the next batch (measured
    // about 40 ms, process exit included).
    expect(exit).toEqual({ status: 'cancelled', code: 0, signal: null });
    expect(stopMs).toBeLessThan(1000);
    expect(messages.at(-1)).toEqual({ type: 'cancelled' });
    expect(messages.filter((m) => m.type === 'epoch').length).toBeLessThanOrEqual(2);
  });

  it('kills a trainer that ignores the cancel once the grace period is over', async () => {
    // Before 'started', the trainer is busy loading tfjs; with a 1 ms grace it cannot answer in time.
    const handle = startTrainer(
      trainJob(runConfig({ training: { epochs: 1000 } })),
      () => undefined,
      {
        cancelGraceMs: 1,
      },
    );
    handle.cancel();
    const exit = await handle.done;
    expect(exit.status).toBe('cancelled');
    expect(exit.signal).toBe('SIGKILL');
  });

  it('reports a SIGKILLed trainer as crashed with the signal, not a hang', async () => {
    let pid: number | undefined;
    const handle = startTrainer(trainJob(runConfig({ training: { epochs: 1000 } })), (m) => {
      if (m.type === 'epoch' && pid === undefined) {
        pid = handle.pid;
        if (pid !== undefined) process.kill(pid, 'SIGKILL');
      }
    });
    const exit = await handle.done;
    expect(pid).toBeDefined();
    expect(exit.status).toBe('crashed');
    expect(exit.signal).toBe('SIGKILL');
    expect(exit.error).toMatch(/^The trainer process ended without a result \(signal SIGKILL\)/);
  });

  it('turns an error inside the trainer into a failed result with its message', async () => {
    const messages: TrainerToParent[] = [];
    const job = trainJob(runConfig(), {
      data: { ...digitsLocator(), contentHash: 'e'.repeat(64) },
    });
    const exit = await startTrainer(job, (m) => messages.push(m)).done;
    expect(exit.status).toBe('failed');
    expect(exit.code).toBe(1);
    expect(exit.error).toMatch(/content hash .* differs from the recorded e{64}; the file changed/);
    expect(messages.at(-1)).toEqual({ type: 'failed', error: exit.error, diverged: false });
  });
});
