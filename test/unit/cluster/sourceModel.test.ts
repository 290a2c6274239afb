import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventFileError, EventFileWriter } from '../../../src-main/cluster/eventFile';
import { SourceModelNotFound, sourceModelFromEvents } from '../../../src-main/cluster/sourceModel';
import type { TrainerToParent } from '../../../src-main/engine/protocol';
import { useTempDirs } from '../../helpers/tempDir';

/**
 * Issue 16: a transfer run's worker finds its source run's model in the event files of the source
 * run's attempts (`<attemptsDir>/<attempt>/events.jsonl`), since nobody knows the model's folder
 * before the source has trained.
 */

const tempDir = useTempDirs();
const RUN = 3;

const completed = (hash: string | undefined): TrainerToParent => ({
  type: 'completed',
  finalMetrics: { test_acc: 0.9 },
  ...(hash === undefined ? {} : { model: { dir: `/ws/models/${hash}`, hash } }),
});
const EPOCH: TrainerToParent = { type: 'epoch', epoch: 1, values: { loss: 0.5 }, elapsedS: 0.1 };

function writeAttempt(attemptsDir: string, attempt: number, messages: TrainerToParent[]): string {
  mkdirSync(join(attemptsDir, String(attempt)), { recursive: true });
  const file = join(attemptsDir, String(attempt), 'events.jsonl');
  const writer = EventFileWriter.create(file, {
    runId: RUN,
    attempt,
    executor: { kind: 'slurm', jobId: '100', taskId: '0', host: 'node-1', pid: 42 },
    startedAt: '2026-12-06T21:00:00.000Z',
  });
  for (const m of messages) writer.append(m);
  writer.close();
  return file;
}

describe('sourceModelFromEvents', () => {
  it('takes the model of the newest completed attempt', () => {
    const dir = tempDir();
    writeAttempt(dir, 1, [EPOCH, completed('old')]);
    writeAttempt(dir, 2, [EPOCH, completed('new')]);
    expect(sourceModelFromEvents({ runId: RUN, attemptsDir: dir })).toEqual({
      dir: '/ws/models/new',
      hash: 'new',
    });
  });

  it('orders attempts as numbers, not as text', () => {
    const dir = tempDir();
    writeAttempt(dir, 2, [completed('two')]);
    writeAttempt(dir, 10, [completed('ten')]);
    expect(sourceModelFromEvents({ runId: RUN, attemptsDir: dir }).hash).toBe('ten');
  });

  it('falls back to an older completed attempt when newer ones did not complete', () => {
    const dir = tempDir();
    writeAttempt(dir, 1, [EPOCH, completed('first')]);
    writeAttempt(dir, 2, [EPOCH, { type: 'cancelled' }]);
    writeAttempt(dir, 3, [{ type: 'failed', error: 'diverged', diverged: true }]);
    // Still training, and only started: no outcome to take.
    writeAttempt(dir, 4, [EPOCH]);
    writeAttempt(dir, 5, []);
    expect(sourceModelFromEvents({ runId: RUN, attemptsDir: dir }).hash).toBe('first');
  });

  it('skips a completed attempt without a model, folders that are not attempts, and empty ones', () => {
    const dir = tempDir();
    writeAttempt(dir, 1, [completed('kept')]);
    writeAttempt(dir, 2, [completed(undefined)]);
    mkdirSync(join(dir, '3'));
    mkdirSync(join(dir, 'logs'));
    writeAttempt(join(dir, 'logs'), 9, [completed('not-an-attempt')]);
    expect(sourceModelFromEvents({ runId: RUN, attemptsDir: dir }).hash).toBe('kept');
  });

  it('says what it saw of each attempt when none completed with a model', () => {
    const dir = tempDir();
    writeAttempt(dir, 1, [{ type: 'failed', error: 'out of data', diverged: false }]);
    writeAttempt(dir, 2, [EPOCH, { type: 'cancelled' }]);
    writeAttempt(dir, 3, []);
    writeAttempt(dir, 4, [completed(undefined)]);
    const find = (): unknown => sourceModelFromEvents({ runId: RUN, attemptsDir: dir });
    expect(find).toThrow(SourceModelNotFound);
    expect(find).toThrow(
      `Source run #3 has no completed attempt with a model in ${dir} ` +
        '(attempt 4: completed; attempt 3: no outcome yet; attempt 2: cancelled; attempt 1: failed)',
    );
  });

  it('says when there is no event file at all, the folder missing or empty', () => {
    const dir = tempDir();
    const missing = join(dir, 'cluster', '3');
    expect(() => sourceModelFromEvents({ runId: RUN, attemptsDir: missing })).toThrow(
      `Source run #3 has no completed attempt with a model in ${missing} (no event file)`,
    );
    mkdirSync(join(dir, '1'));
    expect(() => sourceModelFromEvents({ runId: RUN, attemptsDir: dir })).toThrow(
      /\(no event file\)$/,
    );
  });

  it('does not take a model from a broken event file', () => {
    const dir = tempDir();
    writeAttempt(dir, 1, [completed('first')]);
    const file = writeAttempt(dir, 2, [EPOCH]);
    appendFileSync(file, '{"type":"event","seq":5}\n');
    expect(() => sourceModelFromEvents({ runId: RUN, attemptsDir: dir })).toThrow(EventFileError);
  });
});
