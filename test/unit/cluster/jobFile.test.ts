import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  attemptOf,
  eventsFileOf,
  JobFileError,
  readJobFile,
  WorkerJobFileSchema,
  writeJobFile,
  type WorkerJobFile,
} from '../../../src-main/cluster/jobFile';
import { useTempDirs } from '../../helpers/tempDir';
import { runConfig, trainJob } from '../engine/fixtures';

const tempDir = useTempDirs();

function jobFile(eventsFile: string): WorkerJobFile {
  return {
    version: 1,
    runId: 7,
    attempt: 2,
    eventsFile,
    job: trainJob(runConfig(), { runId: 7, modelsDir: '/workspace/models' }),
  };
}

describe('the job file', () => {
  it('round-trips, leaving no temporary file, and resolves a relative event file beside it', () => {
    const dir = tempDir();
    const file = join(dir, 'run-7.job.json');
    writeJobFile(file, jobFile('run-7.attempt-2.events.jsonl'));
    expect(readdirSync(dir)).toEqual(['run-7.job.json']);
    expect(readJobFile(file)).toEqual(jobFile(join(dir, 'run-7.attempt-2.events.jsonl')));
    writeJobFile(file, jobFile('/shared/events/7.jsonl'));
    expect(readJobFile(file).eventsFile).toBe('/shared/events/7.jsonl');
  });

  it('refuses what is not a valid job file, saying what is wrong', () => {
    const dir = tempDir();
    const file = join(dir, 'job.json');
    expect(() => readJobFile(file)).toThrow(/job\.json: cannot be read \(ENOENT/);
    writeFileSync(file, '{"version": 1,');
    expect(() => readJobFile(file)).toThrow(/job\.json: not JSON/);
    writeFileSync(file, JSON.stringify({ ...jobFile('e.jsonl'), version: 2 }));
    expect(() => readJobFile(file)).toThrow(JobFileError);
    expect(() => readJobFile(file)).toThrow(/not a valid job file:[\s\S]*version/);
    writeFileSync(file, JSON.stringify({ ...jobFile('e.jsonl'), runId: 8 }));
    expect(() => readJobFile(file)).toThrow(/job\.runId must equal runId/);
    // The submitter checks too: an invalid job file is never written.
    expect(() => {
      writeJobFile(join(dir, 'other.json'), { ...jobFile('e.jsonl'), attempt: 0 });
    }).toThrow();
    expect(readdirSync(dir)).toEqual(['job.json']);
    expect(readFileSync(file, 'utf8')).toContain('"runId":8');
  });
});

describe('a restarted task’s attempt (SLURM_RESTART_COUNT)', () => {
  it('is the job file’s attempt plus the restarts the scheduler reports', () => {
    const file = jobFile('/shared/ws/cluster/7/{attempt}/events.jsonl');
    expect(attemptOf(file, {})).toBe(2);
    expect(attemptOf(file, { SLURM_RESTART_COUNT: '0' })).toBe(2);
    expect(attemptOf(file, { SLURM_RESTART_COUNT: '1' })).toBe(3);
    expect(attemptOf(file, { SLURM_RESTART_COUNT: '4' })).toBe(6);
  });

  it('ignores a count that is not a whole number of restarts', () => {
    const file = jobFile('e.jsonl');
    for (const count of ['', 'abc', '-1', '1.5', 'NaN', 'Infinity', '1e400']) {
      expect(attemptOf(file, { SLURM_RESTART_COUNT: count }), count).toBe(2);
    }
  });

  it('reads this process’s environment by default', () => {
    const before = process.env.SLURM_RESTART_COUNT;
    process.env.SLURM_RESTART_COUNT = '3';
    try {
      expect(attemptOf(jobFile('e.jsonl'))).toBe(5);
    } finally {
      if (before === undefined) delete process.env.SLURM_RESTART_COUNT;
      else process.env.SLURM_RESTART_COUNT = before;
    }
  });
});

describe('eventsFileOf', () => {
  it('puts the attempt where {attempt} stands, everywhere, and keeps a path without one', () => {
    expect(eventsFileOf(jobFile('/ws/cluster/7/{attempt}/events.jsonl'), 3)).toBe(
      '/ws/cluster/7/3/events.jsonl',
    );
    expect(eventsFileOf(jobFile('/ws/{attempt}/run-7.attempt-{attempt}.jsonl'), 12)).toBe(
      '/ws/12/run-7.attempt-12.jsonl',
    );
    expect(eventsFileOf(jobFile('/ws/run-7.events.jsonl'), 3)).toBe('/ws/run-7.events.jsonl');
  });

  it('keeps the placeholder through a job file’s round trip, resolved beside it', () => {
    const dir = tempDir();
    const file = join(dir, 'job.json');
    writeJobFile(file, jobFile('{attempt}/events.jsonl'));
    const read = readJobFile(file);
    expect(read.eventsFile).toBe(join(dir, '{attempt}', 'events.jsonl'));
    expect(eventsFileOf(read, attemptOf(read, { SLURM_RESTART_COUNT: '1' }))).toBe(
      join(dir, '3', 'events.jsonl'),
    );
  });
});

describe('sourceModelFrom', () => {
  const from = { runId: 3, attemptsDir: '/ws/cluster/3' };
  const model = { dir: '/ws/models/abc', hash: 'abc' };

  it('is accepted alone, as is a source model alone', () => {
    const withFrom = { ...jobFile('e.jsonl'), sourceModelFrom: from };
    expect(WorkerJobFileSchema.parse(withFrom)).toEqual(withFrom);
    const withModel = jobFile('e.jsonl');
    withModel.job = { ...withModel.job, sourceModel: model };
    expect(WorkerJobFileSchema.parse(withModel).job.sourceModel).toEqual(model);
  });

  it('is refused beside a source model, at its own path', () => {
    const both = jobFile('e.jsonl');
    both.job = { ...both.job, sourceModel: model };
    const parsed = WorkerJobFileSchema.safeParse({ ...both, sourceModelFrom: from });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => [i.path, i.message])).toEqual([
      [['sourceModelFrom'], 'a job names its source model or where to find it, not both'],
    ]);
    const dir = tempDir();
    expect(() => {
      writeJobFile(join(dir, 'job.json'), { ...both, sourceModelFrom: from });
    }).toThrow(/not both/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('must name a run and a folder, and nothing else', () => {
    for (const bad of [
      { runId: 0, attemptsDir: '/ws' },
      { runId: 3, attemptsDir: '' },
      { runId: 3 },
      { ...from, extra: true },
    ]) {
      expect(
        WorkerJobFileSchema.safeParse({ ...jobFile('e.jsonl'), sourceModelFrom: bad }).success,
        JSON.stringify(bad),
      ).toBe(false);
    }
  });
});
