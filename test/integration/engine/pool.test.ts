import { afterEach, describe, expect, it } from 'vitest';
import type { TrainerToParent, TrainJob } from '../../../src-main/engine/protocol';
import { startTrainer, type TrainerExit } from '../../../src-main/engine/trainer/host';
import { createTrainerPool, type TrainerPool } from '../../../src-main/engine/trainer/pool';
import { useTempDirs } from '../../helpers/tempDir';
import { digitsLocator, domain, runConfig, trainJob } from '../../unit/engine/fixtures';

/**
 * Warm trainers (issue 12, point 8): real forked trainers (the TypeScript entry through tsx),
 * real tfjs on wasm, real digits. A warm process gives the same run the same result as a fresh
 * one, bit for bit; a crash, a failure or a cancel costs only its run.
 */

const tempDir = useTempDirs();
const pools: TrainerPool[] = [];

afterEach(() => {
  for (const pool of pools.splice(0)) pool.close();
});

function pool(options: Parameters<typeof createTrainerPool>[0] = {}): TrainerPool {
  const p = createTrainerPool(options);
  pools.push(p);
  return p;
}

interface Ran {
  exit: TrainerExit;
  pid: number | undefined;
  epochs: Record<string, number>[];
}

async function run(
  launch: (
    job: TrainJob,
    onMessage: (m: TrainerToParent) => void,
  ) => {
    pid: number | undefined;
    done: Promise<TrainerExit>;
  },
  job: TrainJob,
): Promise<Ran> {
  const epochs: Record<string, number>[] = [];
  const handle = launch(job, (m) => {
    if (m.type === 'epoch') epochs.push(m.values);
  });
  return { exit: await handle.done, pid: handle.pid, epochs };
}

/** A source run that saves its model: its hash covers the topology and every weight. */
function sourceJob(seed: number, modelsDir: string): TrainJob {
  const config = runConfig({
    kind: 'source',
    strategy: 'source',
    seed,
    domain: domain({ name: 'digits 0-4', classes: [0, 1, 2, 3, 4] }),
    model: { type: 'mlp', hidden: [16], activation: 'relu' },
    training: { epochs: 2 },
  });
  return trainJob(config, { runId: seed, saveModel: true, modelsDir });
}

describe('the trainer pool', () => {
  it('runs job after job in one process, each as a fresh trainer would, bit for bit', async () => {
    const warm = pool();
    const coldDir = tempDir();
    const warmDir = tempDir();
    const first = await run(warm.launch, sourceJob(1, warmDir));
    const second = await run(warm.launch, sourceJob(2, warmDir));
    const third = await run(warm.launch, trainJob(runConfig({ seed: 3, training: { epochs: 2 } })));
    expect([first, second, third].map((r) => r.exit.status)).toEqual([
      'completed',
      'completed',
      'completed',
    ]);
    expect(second.pid).toBe(first.pid);
    expect(third.pid).toBe(first.pid);
    // The run ends at its final message; the process says 'ready' once it has cleaned up.
    await until(() => warm.counts().busy === 0);
    expect(warm.counts()).toEqual({ busy: 0, idle: 1, started: 1 });

    // The same jobs, each in a trainer of its own.
    const [cold1, cold2, cold3] = await Promise.all([
      run(startTrainer, sourceJob(1, coldDir)),
      run(startTrainer, sourceJob(2, coldDir)),
      run(startTrainer, trainJob(runConfig({ seed: 3, training: { epochs: 2 } }))),
    ]);
    const cold = [cold1, cold2, cold3];
    expect(cold1.pid).not.toBe(cold2.pid);
    for (const [i, ours] of [first, second, third].entries()) {
      const fresh = cold[i];
      expect(ours.epochs).toEqual(fresh?.epochs);
      expect(ours.exit.finalMetrics).toEqual(fresh?.exit.finalMetrics);
      expect(ours.exit.confusion).toEqual(fresh?.exit.confusion);
      expect(ours.exit.model?.hash).toEqual(fresh?.exit.model?.hash);
    }
    expect(first.exit.model?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(first.exit.model?.hash).not.toBe(second.exit.model?.hash);
  });

  it('loses only the run whose trainer was killed; the next run gets a new process', async () => {
    const warm = pool();
    const before = await run(warm.launch, trainJob(runConfig({ training: { epochs: 1 } })));
    let killed: number | undefined;
    const handle = warm.launch(trainJob(runConfig({ training: { epochs: 1000 } })), (m) => {
      if (m.type === 'epoch' && killed === undefined) {
        killed = handle.pid;
        if (killed !== undefined) process.kill(killed, 'SIGKILL');
      }
    });
    const crashed = await handle.done;
    expect(handle.pid).toBe(before.pid);
    expect(crashed.status).toBe('crashed');
    expect(crashed.signal).toBe('SIGKILL');
    expect(crashed.error).toMatch(/^The trainer process ended without a result \(signal SIGKILL\)/);

    const after = await run(warm.launch, trainJob(runConfig({ training: { epochs: 1 } })));
    expect(after.exit.status).toBe('completed');
    expect(after.pid).not.toBe(before.pid);
    expect(after.exit.finalMetrics).toEqual(before.exit.finalMetrics);
    await until(() => warm.counts().busy === 0);
    expect(warm.counts()).toMatchObject({ busy: 0, idle: 1, started: 2 });
  });

  it('retires a trainer whose run failed, and reports the failure as the run’s', async () => {
    const warm = pool();
    const failed = await run(
      warm.launch,
      trainJob(runConfig(), { data: { ...digitsLocator(), contentHash: 'e'.repeat(64) } }),
    );
    expect(failed.exit.status).toBe('failed');
    expect(failed.exit.error).toMatch(/content hash .* differs from the recorded e{64}/);
    const next = await run(warm.launch, trainJob(runConfig({ training: { epochs: 1 } })));
    expect(next.exit.status).toBe('completed');
    expect(next.pid).not.toBe(failed.pid);
  });

  it('cancels within a batch and keeps the process for the next run', async () => {
    const warm = pool({ cancelGraceMs: 60_000 });
    const job = trainJob(runConfig({ training: { epochs: 1000, batchSize: 8 } }));
    let cancelled = false;
    const handle = warm.launch(job, (m) => {
      if (m.type === 'epoch' && !cancelled) {
        cancelled = true;
        handle.cancel();
      }
    });
    // With a minute's grace, only the trainer's own answer ends this run before the test's limit.
    const exit = await handle.done;
    expect(exit.status).toBe('cancelled');
    expect(exit.signal).toBeNull();
    // The cancel was for that run only: the next one on the same process trains to its end.
    const next = await run(warm.launch, trainJob(runConfig({ training: { epochs: 2 } })));
    expect(next.exit.status).toBe('completed');
    expect(next.epochs).toHaveLength(2);
    expect(next.pid).toBe(handle.pid);
  });

  it('keeps at most maxIdle trainers idle, and close() stops them', async () => {
    const warm = pool({ maxIdle: () => 2, idleMs: 600_000 });
    const job = (seed: number): TrainJob => trainJob(runConfig({ seed, training: { epochs: 1 } }));
    const three = await Promise.all([1, 2, 3].map((seed) => run(warm.launch, job(seed))));
    expect(new Set(three.map((r) => r.pid)).size).toBe(3);
    await until(() => warm.counts().busy === 0);
    expect(warm.counts()).toEqual({ busy: 0, idle: 2, started: 3 });
    warm.close();
    expect(warm.counts()).toEqual({ busy: 0, idle: 0, started: 3 });
  });

  it('stops a trainer left idle for idleMs', async () => {
    const warm = pool({ idleMs: 100 });
    const ran = await run(warm.launch, trainJob(runConfig({ training: { epochs: 1 } })));
    expect(ran.exit.status).toBe('completed');
    // However long the machine takes, the idle process goes, and the count says so.
    await until(() => warm.counts().idle === 0 && warm.counts().busy === 0);
    expect(warm.counts().started).toBe(1);
  });
});

/** Resolves once `condition` holds, checking every 50 ms. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 50));
}
