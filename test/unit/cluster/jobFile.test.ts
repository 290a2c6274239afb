import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  JobFileError,
  readJobFile,
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
