import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEventsFrom } from '../../../src-main/cluster/eventFile';
import { writeJobFile } from '../../../src-main/cluster/jobFile';
import { WORKER_EXIT } from '../../../src-main/cluster/worker';
import { useTempDirs } from '../../helpers/tempDir';
import { runWorker } from './workerProcess';
import {
  linearBinaryLocator,
  runConfig,
  syntheticDomain,
  trainJob,
} from '../../unit/engine/fixtures';

/**
 * Issue 16: a worker's exit code is what Slurm's afterok reads, so only a completed run exits 0.
 * A diverged run (its loss became NaN or infinite) exits 1, like a failed one, and its transfer
 * runs never start. Real `bin/transferlab.js worker`, real tfjs on cpu.
 */

const tempDir = useTempDirs();

describe('a worker whose run diverges', () => {
  it('writes a diverged failure and exits 1', async () => {
    const dir = tempDir();
    // Plain SGD at learning rate 10 on unscaled Gaussian inputs blows up within a few epochs
    // (as in test/unit/engine/train.test.ts).
    const data = linearBinaryLocator({ features: 20, samples: 500, taskSeed: 1 });
    const config = runConfig({
      kind: 'source',
      strategy: 'source',
      domain: syntheticDomain('A', data),
      model: { type: 'mlp', hidden: [64], activation: 'relu' },
      training: { epochs: 20, learningRate: 10, optimizer: 'sgd', backend: 'cpu' },
    });
    const jobFile = join(dir, 'job.json');
    writeJobFile(jobFile, {
      version: 1,
      runId: 7,
      attempt: 1,
      eventsFile: 'events.jsonl',
      job: trainJob(config, { runId: 7, data, modelsDir: join(dir, 'models'), saveModel: true }),
    });
    const { code, stderr } = await runWorker(jobFile);
    expect(code, stderr).toBe(WORKER_EXIT.failed);
    expect(WORKER_EXIT.failed).toBe(1);
    expect(stderr).toMatch(/Run 7, attempt 1: diverged: /);
    const outcome = readEventsFrom(join(dir, 'events.jsonl')).events.at(-1)?.message;
    expect(outcome).toMatchObject({ type: 'failed', diverged: true });
  }, 120_000);
});
