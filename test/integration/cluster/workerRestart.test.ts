import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEventsFrom } from '../../../src-main/cluster/eventFile';
import { writeJobFile } from '../../../src-main/cluster/jobFile';
import type { TrainJob } from '../../../src-main/engine/protocol';
import { useTempDirs } from '../../helpers/tempDir';
import { runWorker } from './workerProcess';
import {
  linearBinaryLocator,
  runConfig,
  syntheticDomain,
  trainJob,
} from '../../unit/engine/fixtures';

/**
 * Issue 16, point 4: a task Slurm requeued (preemption, node failure) runs the same job file with
 * SLURM_RESTART_COUNT set; its worker records the next attempt, in that attempt's own event file,
 * so the old attempt's record (which may stop mid-run) is never appended to. Real
 * `bin/transferlab.js worker`, real tfjs on the cpu backend.
 */

const tempDir = useTempDirs();
function sourceJob(modelsDir: string): TrainJob {
  const data = linearBinaryLocator({ features: 8, samples: 200, taskSeed: 3 });
  const config = runConfig({
    kind: 'source',
    strategy: 'source',
    seed: 5,
    domain: syntheticDomain('A', data),
    model: { type: 'mlp', hidden: [4], activation: 'relu' },
    training: { epochs: 2, batchSize: 16, backend: 'cpu' },
  });
  return trainJob(config, { runId: 7, data, saveModel: true, modelsDir });
}

describe('a restarted task’s worker', () => {
  it('with SLURM_RESTART_COUNT=1 writes attempt 2’s event file in its own folder', async () => {
    const dir = tempDir();
    const runDir = join(dir, 'cluster', '7');
    const jobFile = join(dir, 'job.json');
    writeJobFile(jobFile, {
      version: 1,
      runId: 7,
      attempt: 1,
      eventsFile: join(runDir, '{attempt}', 'events.jsonl'),
      job: sourceJob(join(dir, 'models')),
    });

    const { code, stderr } = await runWorker(jobFile, {
      SLURM_JOB_ID: '4321',
      SLURM_ARRAY_TASK_ID: '0',
      SLURM_RESTART_COUNT: '1',
    });
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/Run 7, attempt 2: completed/);
    // Attempt 1's folder was never made: the restart writes beside it, not into it.
    expect(readdirSync(runDir)).toEqual(['2']);
    const read = readEventsFrom(join(runDir, '2', 'events.jsonl'));
    expect(read.header).toMatchObject({
      runId: 7,
      attempt: 2,
      executor: { kind: 'slurm', jobId: '4321', taskId: '0' },
    });
    expect(read.events.at(-1)?.message.type).toBe('completed');
    expect(read.cursor.ended).toBe(true);

    // Without a restart the same job file records attempt 1.
    const first = await runWorker(jobFile, { SLURM_RESTART_COUNT: '0' });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/Run 7, attempt 1: completed/);
    expect(readdirSync(runDir).sort()).toEqual(['1', '2']);
    expect(readEventsFrom(join(runDir, '1', 'events.jsonl')).header?.attempt).toBe(1);
  }, 120_000);

  it('fails (exit 1) with what it saw when its source run has no completed attempt', async () => {
    const dir = tempDir();
    const attemptsDir = join(dir, 'cluster', '3');
    const jobFile = join(dir, 'job.json');
    writeJobFile(jobFile, {
      version: 1,
      runId: 7,
      attempt: 1,
      eventsFile: join(dir, 'cluster', '7', '{attempt}', 'events.jsonl'),
      sourceModelFrom: { runId: 3, attemptsDir },
      job: sourceJob(join(dir, 'models')),
    });
    const { code, stderr } = await runWorker(jobFile, {});
    expect(code, stderr).toBe(1);
    const expected = `Source run #3 has no completed attempt with a model in ${attemptsDir} (no event file)`;
    expect(stderr).toContain(`Run 7, attempt 1: failed: ${expected}`);
    const read = readEventsFrom(join(dir, 'cluster', '7', '1', 'events.jsonl'));
    expect(read.events.at(-1)?.message).toEqual({
      type: 'failed',
      error: expected,
      diverged: false,
    });
    expect(existsSync(join(dir, 'models'))).toBe(false);
  }, 120_000);

  it('takes its source model from the source run’s completed attempt (sourceModelFrom)', async () => {
    const dir = tempDir();
    const sourceJobFile = join(dir, 'source.json');
    const source = { ...sourceJob(join(dir, 'models')), runId: 3 };
    writeJobFile(sourceJobFile, {
      version: 1,
      runId: 3,
      attempt: 1,
      eventsFile: join(dir, 'cluster', '3', '{attempt}', 'events.jsonl'),
      job: source,
    });
    const trained = await runWorker(sourceJobFile, {});
    expect(trained.code, trained.stderr).toBe(0);
    const outcome = readEventsFrom(join(dir, 'cluster', '3', '1', 'events.jsonl')).events.at(-1);
    if (outcome?.message.type !== 'completed' || !outcome.message.model)
      throw new Error('the source run completes with a model');

    const target = linearBinaryLocator({ features: 8, samples: 200, taskSeed: 3, angleDeg: 20 });
    const config = runConfig({
      strategy: 'fine-tune',
      domain: syntheticDomain('B', target),
      sourceDomain: source.config.domain,
      budget: 10,
      seed: 5,
      model: { type: 'mlp', hidden: [4], activation: 'relu' },
      training: { epochs: 2, batchSize: 16, backend: 'cpu' },
    });
    const transferJob = trainJob(config, {
      runId: 7,
      data: target,
      modelsDir: join(dir, 'models'),
      sourceInputShape: [8],
      sourceClasses: [0, 1],
    });
    // Without a source model the fine-tune run cannot start: the model found below is used.
    const withoutSource = join(dir, 'no-source.json');
    writeJobFile(withoutSource, {
      version: 1,
      runId: 7,
      attempt: 1,
      eventsFile: join(dir, 'no-source.events.jsonl'),
      job: transferJob,
    });
    expect((await runWorker(withoutSource, {})).code).toBe(1);

    const transferJobFile = join(dir, 'transfer.json');
    writeJobFile(transferJobFile, {
      version: 1,
      runId: 7,
      attempt: 1,
      eventsFile: join(dir, 'cluster', '7', '{attempt}', 'events.jsonl'),
      sourceModelFrom: { runId: 3, attemptsDir: join(dir, 'cluster', '3') },
      job: transferJob,
    });
    const transfer = await runWorker(transferJobFile, {});
    expect(transfer.code, transfer.stderr).toBe(0);
    expect(transfer.stderr).toMatch(/Run 7, attempt 1: completed/);
    expect(readEventsFrom(join(dir, 'cluster', '7', '1', 'events.jsonl')).cursor.ended).toBe(true);
  }, 120_000);
});
