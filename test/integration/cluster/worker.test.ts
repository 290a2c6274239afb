import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  readEventsFrom,
  START_CURSOR,
  type EventCursor,
} from '../../../src-main/cluster/eventFile';
import { writeJobFile } from '../../../src-main/cluster/jobFile';
import type { WorkerEvent } from '../../../src-main/cluster/workerEvents';
import type { TrainJob, TrainerToParent } from '../../../src-main/engine/protocol';
import { startTrainer } from '../../../src-main/engine/trainer/host';
import { useTempDirs } from '../../helpers/tempDir';
import { startWorker } from './workerProcess';
import {
  linearBinaryLocator,
  runConfig,
  syntheticDomain,
  trainJob,
} from '../../unit/engine/fixtures';

/**
 * `transferlab worker <job-file>` as a Slurm task runs it (issue 16): bin/transferlab.js in a
 * process of its own, real tfjs on the cpu backend, a tiny synthetic source run. What it appends
 * to its event file must be what the local trainer process streams for the same job, bit for bit.
 */

const tempDir = useTempDirs();
/** A source run of a few seconds on cpu: linear-binary, 8 features, MLP 8-4-2. */
function sourceJob(modelsDir: string, epochs: number, batchSize = 16): TrainJob {
  const data = linearBinaryLocator({ features: 8, samples: 200, taskSeed: 3 });
  const config = runConfig({
    kind: 'source',
    strategy: 'source',
    seed: 5,
    domain: syntheticDomain('A', data),
    model: { type: 'mlp', hidden: [4], activation: 'relu' },
    training: { epochs, batchSize, backend: 'cpu' },
  });
  return trainJob(config, { runId: 7, data, saveModel: true, modelsDir });
}

function writeJob(dir: string, job: TrainJob, eventsFile = 'run-7.attempt-1.events.jsonl'): string {
  const file = join(dir, 'run-7.job.json');
  writeJobFile(file, { version: 1, runId: job.runId, attempt: 1, eventsFile, job });
  return file;
}

const messagesOf = (events: WorkerEvent[]): TrainerToParent[] => events.map((e) => e.message);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('transferlab worker', () => {
  it('trains the job, and its event file equals the local trainer’s messages bit for bit', async () => {
    const dir = tempDir();
    const job = sourceJob(join(dir, 'worker-models'), 3);
    const jobFile = writeJob(dir, job);
    const worker = startWorker(jobFile, { SLURM_JOB_ID: '4321', SLURM_ARRAY_TASK_ID: '0' });

    const local: TrainerToParent[] = [];
    const localExit = await startTrainer({ ...job, modelsDir: join(dir, 'local-models') }, (m) =>
      local.push(m),
    ).done;
    const { code, stdout, stderr } = await worker.done;
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/Run 7, attempt 1: completed/);
    // The event file and stderr (the task's log) are a worker's output; stdout stays empty.
    expect(stdout).toBe('');
    expect(localExit.status).toBe('completed');

    const read = readEventsFrom(join(dir, 'run-7.attempt-1.events.jsonl'));
    expect(read.header).toMatchObject({
      runId: 7,
      attempt: 1,
      executor: { kind: 'slurm', jobId: '4321', taskId: '0' },
    });
    expect(read.header?.executor.pid).toBe(worker.child.pid);
    const events = messagesOf(read.events);
    expect(events.at(-1)?.type).toBe('completed');
    expect(read.cursor.ended).toBe(true);

    // The same messages, in the same order; only wall-clock times may differ.
    const comparable = (m: TrainerToParent): TrainerToParent =>
      m.type === 'epoch' ? { ...m, elapsedS: 0 } : m;
    const kinds = (ms: TrainerToParent[]): string[] =>
      ms.filter((m) => m.type !== 'progress').map((m) => m.type);
    expect(kinds(events)).toEqual(kinds(local));
    const epochs = (ms: TrainerToParent[]): TrainerToParent[] =>
      ms.filter((m) => m.type === 'epoch').map(comparable);
    expect(epochs(events)).toHaveLength(3);
    expect(epochs(events)).toEqual(epochs(local));
    const workerStarted = events.find((m) => m.type === 'started');
    const localStarted = local.find((m) => m.type === 'started');
    expect(workerStarted?.type === 'started' && workerStarted.environment.backend).toBe('cpu');
    expect(workerStarted?.type === 'started' && workerStarted.dataHash).toBe(
      localStarted?.type === 'started' && localStarted.dataHash,
    );

    // The model files are where the job says, and the same weights as the local run's.
    const completed = events.at(-1);
    const localCompleted = local.at(-1);
    if (completed?.type !== 'completed' || localCompleted?.type !== 'completed')
      throw new Error('both runs complete');
    expect(completed.finalMetrics).toEqual(localCompleted.finalMetrics);
    expect(completed.confusion).toEqual(localCompleted.confusion);
    expect(completed.model?.hash).toBe(localCompleted.model?.hash);
    expect(completed.model?.dir.startsWith(join(dir, 'worker-models'))).toBe(true);
    expect(existsSync(join(completed.model?.dir ?? '', 'model.json'))).toBe(true);
    // It wrote nothing else: no database, no workspace.
    expect(readdirSync(dir).sort()).toEqual([
      'local-models',
      'run-7.attempt-1.events.jsonl',
      'run-7.job.json',
      'worker-models',
    ]);
  });

  it('on SIGTERM (scancel) writes a cancelled outcome at the next batch and exits 3', async () => {
    const dir = tempDir();
    const job = sourceJob(join(dir, 'models'), 10_000, 4);
    const eventsFile = join(dir, 'run-7.attempt-1.events.jsonl');
    const worker = startWorker(writeJob(dir, job));

    // Follow the file as it grows, as an ingesting process would, until an epoch is on disk.
    const seen: WorkerEvent[] = [];
    let cursor: EventCursor = START_CURSOR;
    const deadline = Date.now() + 60_000;
    while (!seen.some((e) => e.message.type === 'epoch')) {
      if (Date.now() > deadline) throw new Error('no epoch within a minute');
      if (existsSync(eventsFile)) {
        const read = readEventsFrom(eventsFile, cursor);
        seen.push(...read.events);
        cursor = read.cursor;
      }
      await sleep(50);
    }
    worker.child.kill('SIGTERM');
    const { code, signal, stderr } = await worker.done;
    expect({ code, signal }, stderr).toEqual({ code: 3, signal: null });
    expect(stderr).toMatch(/SIGTERM: cancelling at the next batch/);
    expect(stderr).toMatch(/Run 7, attempt 1: cancelled/);

    const rest = readEventsFrom(eventsFile, cursor);
    seen.push(...rest.events);
    expect(seen.map((e) => e.seq)).toEqual(seen.map((_, i) => i + 1));
    expect(seen.at(-1)?.message).toEqual({ type: 'cancelled' });
    expect(rest.cursor.ended).toBe(true);
    // Stopped at a batch boundary, long before the 10 000 epochs.
    expect(seen.filter((e) => e.message.type === 'epoch').length).toBeLessThan(100);
  });

  it('refuses a job file that does not validate, with exit code 2 and what is wrong', async () => {
    const dir = tempDir();
    const jobFile = join(dir, 'bad.job.json');
    writeFileSync(jobFile, JSON.stringify({ version: 1, runId: 7, attempt: 1 }));
    const { code, stderr } = await startWorker(jobFile).done;
    expect(code).toBe(2);
    expect(stderr).toContain(`transferlab: ${jobFile}: not a valid job file`);
    expect(stderr).toMatch(/eventsFile/);
    expect(readdirSync(dir)).toEqual(['bad.job.json']);
  });

  it('records a run that cannot start as a failed outcome and exits 1', async () => {
    const dir = tempDir();
    const job: TrainJob = {
      ...sourceJob(join(dir, 'models'), 1),
      data: { kind: 'csv', path: join(dir, 'missing.csv'), featureShape: [8], contentHash: 'x' },
    };
    const { code, stderr } = await startWorker(writeJob(dir, job)).done;
    expect(code).toBe(1);
    expect(stderr).toMatch(/Run 7, attempt 1: failed: .*missing\.csv/);
    const read = readEventsFrom(join(dir, 'run-7.attempt-1.events.jsonl'));
    const outcome = read.events.at(-1)?.message;
    expect(outcome?.type).toBe('failed');
    expect(outcome?.type === 'failed' ? outcome.error : '').toMatch(/missing\.csv/);
    expect(read.cursor.ended).toBe(true);

    // A second worker on the same attempt would break its record: refused, nothing appended.
    const before = readFileSync(join(dir, 'run-7.attempt-1.events.jsonl'));
    const again = await startWorker(join(dir, 'run-7.job.json')).done;
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/cannot create its event file: EEXIST/);
    expect(readFileSync(join(dir, 'run-7.attempt-1.events.jsonl'))).toEqual(before);
  });
});
