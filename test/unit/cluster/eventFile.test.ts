import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  EventFileError,
  EventFileWriter,
  readEventsFrom,
  START_CURSOR,
} from '../../../src-main/cluster/eventFile';
import { executorFromEnv } from '../../../src-main/cluster/executor';
import { decodeLine, type WorkerEvent } from '../../../src-main/cluster/workerEvents';
import type { TrainerToParent } from '../../../src-main/engine/protocol';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

const HEADER = {
  runId: 7,
  attempt: 1,
  executor: { kind: 'local', host: 'node-1', pid: 4242 },
  startedAt: '2026-12-06T21:00:00.000Z',
} as const;

const PROGRESS: TrainerToParent = { type: 'progress', epoch: 1, epochs: 2, batch: 3, batches: 4 };
/** A diverging run's numbers too: JSON has no NaN or ±Infinity. */
const EPOCH_VALUES = {
  loss: 0.1 + 0.2,
  val_acc: 1 / 3,
  grad: Number.NaN,
  hi: Infinity,
  lo: -Infinity,
};
const EPOCH: TrainerToParent = { type: 'epoch', epoch: 1, values: EPOCH_VALUES, elapsedS: 0.25 };
const LOG: TrainerToParent = {
  type: 'log',
  level: 'info',
  message: 'a "quoted" line\nand a newline',
};
const COMPLETED: TrainerToParent = {
  type: 'completed',
  finalMetrics: { test_acc: 0.875, test_loss: null },
  confusion: [
    [3, 1],
    [0, 4],
  ],
};

function newFile(): string {
  return join(tempDir(), 'run-7.attempt-1.events.jsonl');
}

const messagesOf = (events: WorkerEvent[]): TrainerToParent[] => events.map((e) => e.message);

describe('the event file', () => {
  it('reads back exactly what was written: header, messages in order, the outcome last', () => {
    const file = newFile();
    const writer = EventFileWriter.create(file, HEADER);
    for (const message of [PROGRESS, EPOCH, LOG, COMPLETED]) writer.append(message);
    writer.close();

    const read = readEventsFrom(file);
    expect(read.header).toEqual({ type: 'header', version: 1, ...HEADER });
    expect(messagesOf(read.events)).toEqual([PROGRESS, EPOCH, LOG, COMPLETED]);
    expect(read.events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    const epoch = read.events[1]?.message;
    // Bit for bit, the non-finite numbers included.
    const values = epoch?.type === 'epoch' ? epoch.values : {};
    for (const [key, value] of Object.entries(EPOCH_VALUES)) expect(values[key]).toBe(value);
    expect(read.cursor).toEqual({ offset: readFileSync(file).length, seq: 4, ended: true });
    // One JSON object per line.
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines).toHaveLength(6);
    expect(lines.at(-1)).toBe('');
    expect(decodeLine(lines[0] ?? '')).toMatchObject({ type: 'header', runId: 7 });
  });

  it('refuses a second writer on an existing file, and a line after the outcome', () => {
    const file = newFile();
    const writer = EventFileWriter.create(file, HEADER);
    expect(() => EventFileWriter.create(file, HEADER)).toThrow(/EEXIST/);
    writer.append({ type: 'cancelled' });
    expect(() => {
      writer.append(LOG);
    }).toThrow(/nothing may follow/);
    writer.close();
    expect(readEventsFrom(file).events).toHaveLength(1);
  });

  it('follows a growing file: each read returns only the lines completed since the cursor', () => {
    const file = newFile();
    const writer = EventFileWriter.create(file, HEADER);
    const first = readEventsFrom(file, START_CURSOR);
    expect(first.header?.runId).toBe(7);
    expect(first.events).toEqual([]);
    expect(first.cursor.seq).toBe(0);

    writer.append(PROGRESS);
    writer.append(EPOCH);
    const second = readEventsFrom(file, first.cursor);
    expect(second.header).toBeUndefined();
    expect(messagesOf(second.events)).toEqual([PROGRESS, EPOCH]);

    const nothingNew = readEventsFrom(file, second.cursor);
    expect(nothingNew.events).toEqual([]);
    expect(nothingNew.cursor).toEqual(second.cursor);

    writer.append(COMPLETED);
    writer.close();
    const third = readEventsFrom(file, second.cursor);
    expect(messagesOf(third.events)).toEqual([COMPLETED]);
    expect(third.events[0]?.seq).toBe(3);
    expect(third.cursor.ended).toBe(true);
  });

  it('reading twice from the same cursor returns the same events', () => {
    const file = newFile();
    const writer = EventFileWriter.create(file, HEADER);
    writer.append(PROGRESS);
    const cursor = readEventsFrom(file).cursor;
    writer.append(EPOCH);
    writer.append(LOG);
    writer.close();
    const once = readEventsFrom(file, cursor);
    const twice = readEventsFrom(file, cursor);
    expect(twice).toEqual(once);
    expect(once.events.map((e) => e.seq)).toEqual([2, 3]);
  });

  it('leaves a torn last line for a later read, until its newline is written', () => {
    const file = newFile();
    const writer = EventFileWriter.create(file, HEADER);
    writer.append(PROGRESS);
    writer.close();
    const before = readEventsFrom(file);
    const whole = `${JSON.stringify({ type: 'event', seq: 2, at: '2026-12-06T21:00:01.000Z', message: LOG })}\n`;
    // A worker caught mid-write, cut inside a multi-byte character for good measure.
    const bytes = Buffer.from(whole.replace('quoted', 'quoted é'), 'utf8');
    const cut = bytes.indexOf(Buffer.from('é', 'utf8')) + 1;
    appendFileSync(file, bytes.subarray(0, cut));

    const torn = readEventsFrom(file, before.cursor);
    expect(torn.events).toEqual([]);
    expect(torn.cursor).toEqual(before.cursor);
    // From the start, too: only the complete lines.
    expect(readEventsFrom(file).events.map((e) => e.seq)).toEqual([1]);

    appendFileSync(file, bytes.subarray(cut));
    const completed = readEventsFrom(file, before.cursor);
    expect(completed.events.map((e) => e.seq)).toEqual([2]);
    const message = completed.events[0]?.message;
    expect(message?.type === 'log' ? message.message : '').toContain('quoted é');
  });

  it('names the file and line of a malformed line instead of skipping it', () => {
    const file = newFile();
    const writer = EventFileWriter.create(file, HEADER);
    writer.append(PROGRESS);
    writer.close();
    const cursor = readEventsFrom(file).cursor;
    appendFileSync(file, '{"type":"event","seq":2,"at":"2026-12-06T21:00:01.000Z"\n');
    expect(() => readEventsFrom(file, cursor)).toThrow(EventFileError);
    expect(() => readEventsFrom(file, cursor)).toThrow(
      `${file}, line 3: not a valid event-file line`,
    );
    // Read from the start, the same line is named the same way.
    expect(() => readEventsFrom(file)).toThrow(`${file}, line 3:`);

    const unknownMessage = newFile();
    EventFileWriter.create(unknownMessage, HEADER).close();
    appendFileSync(
      unknownMessage,
      `${JSON.stringify({ type: 'event', seq: 1, at: '2026-12-06T21:00:01.000Z', message: { type: 'telemetry' } })}\n`,
    );
    expect(() => readEventsFrom(unknownMessage)).toThrow(
      new RegExp(`^${unknownMessage}, line 2: not a valid event-file line: .*message\\.type`),
    );
  });

  it('refuses a seq gap, a repeated seq, a missing header and a line after the outcome', () => {
    const event = (seq: number, message: TrainerToParent = PROGRESS): string =>
      `${JSON.stringify({ type: 'event', seq, at: '2026-12-06T21:00:01.000Z', message })}\n`;
    const withLines = (...lines: string[]): string => {
      const file = newFile();
      EventFileWriter.create(file, HEADER).close();
      appendFileSync(file, lines.join(''));
      return file;
    };

    const gap = withLines(event(1), event(3));
    expect(() => readEventsFrom(gap)).toThrow(`${gap}, line 3: seq 3 where 2 was expected`);
    const repeated = withLines(event(1), event(2), event(2));
    expect(() => readEventsFrom(repeated)).toThrow(
      `${repeated}, line 4: seq 2 where 3 was expected`,
    );
    const afterOutcome = withLines(event(1, { type: 'cancelled' }), event(2));
    expect(() => readEventsFrom(afterOutcome)).toThrow(
      `${afterOutcome}, line 3: a line after the outcome`,
    );
    // Across reads too: the cursor remembers the outcome.
    const cursor = readEventsFrom(withLines(event(1, { type: 'cancelled' }))).cursor;
    expect(cursor.ended).toBe(true);
    expect(() => readEventsFrom(afterOutcome, cursor)).toThrow('line 3: a line after the outcome');

    const headless = newFile();
    writeFileSync(headless, event(1));
    expect(() => readEventsFrom(headless)).toThrow(
      `${headless}, line 1: the first line is not the header`,
    );
    const twoHeaders = newFile();
    EventFileWriter.create(twoHeaders, HEADER).close();
    appendFileSync(twoHeaders, readFileSync(twoHeaders));
    expect(() => readEventsFrom(twoHeaders)).toThrow(
      `${twoHeaders}, line 2: a header after line 1`,
    );
  });

  it('reads a long file over several bounded reads, and refuses a line longer than the bound', () => {
    const file = newFile();
    const writer = EventFileWriter.create(file, HEADER);
    for (let i = 0; i < 50; i++) writer.append(PROGRESS);
    writer.close();
    const seqs: number[] = [];
    let cursor = START_CURSOR;
    let reads = 0;
    do {
      const read = readEventsFrom(file, cursor, 1024);
      seqs.push(...read.events.map((e) => e.seq));
      cursor = read.cursor;
      reads += 1;
    } while (cursor.offset < readFileSync(file).length);
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(reads).toBeGreaterThan(3);
    expect(() => readEventsFrom(file, START_CURSOR, 16)).toThrow(
      /line 1: no end of line within 16 bytes/,
    );
  });
});

describe('beforeOutcome', () => {
  it('is the cursor just before the outcome’s line, only in the read that takes the outcome', () => {
    const file = newFile();
    const writer = EventFileWriter.create(file, HEADER);
    writer.append(PROGRESS);
    writer.append(EPOCH);
    const partial = readEventsFrom(file);
    // No outcome read yet: nothing to hold back.
    expect(partial).not.toHaveProperty('beforeOutcome');
    writer.append(LOG);
    writer.append({ type: 'cancelled' });
    writer.close();

    const whole = readEventsFrom(file);
    const outcomeLine = readFileSync(file, 'utf8').split('\n').at(-2) ?? '';
    expect(whole.beforeOutcome).toEqual({
      offset: readFileSync(file).length - Buffer.byteLength(`${outcomeLine}\n`),
      seq: 3,
      ended: false,
    });
    // From there the outcome alone is read, and it ends the file.
    const rest = readEventsFrom(file, whole.beforeOutcome);
    expect(messagesOf(rest.events)).toEqual([{ type: 'cancelled' }]);
    expect(rest.cursor).toEqual(whole.cursor);
    expect(rest.beforeOutcome).toEqual(whole.beforeOutcome);
    // A read that started after the epochs names the same place.
    expect(readEventsFrom(file, partial.cursor).beforeOutcome).toEqual(whole.beforeOutcome);
    // Read past the outcome: nothing left, nothing to hold back.
    expect(readEventsFrom(file, whole.cursor)).toEqual({ events: [], cursor: whole.cursor });
  });

  it('marks a completed or failed outcome too', () => {
    const file = newFile();
    const writer = EventFileWriter.create(file, HEADER);
    writer.append(COMPLETED);
    writer.close();
    const read = readEventsFrom(file);
    expect(read.beforeOutcome).toEqual({
      offset: readFileSync(file, 'utf8').indexOf('\n') + 1,
      seq: 0,
      ended: false,
    });
  });
});

describe('the executor a header records', () => {
  it('names a Slurm array task, a Kubernetes indexed pod, or none', () => {
    expect(executorFromEnv({ SLURM_JOB_ID: '1234', SLURM_ARRAY_TASK_ID: '5' }, 'c1', 99)).toEqual({
      kind: 'slurm',
      jobId: '1234',
      taskId: '5',
      host: 'c1',
      pid: 99,
    });
    expect(executorFromEnv({ SLURM_JOB_ID: '1234' }, 'c1', 99)).toEqual({
      kind: 'slurm',
      jobId: '1234',
      host: 'c1',
      pid: 99,
    });
    expect(executorFromEnv({ JOB_COMPLETION_INDEX: '3' }, 'grid-3-x7k2p', 1)).toEqual({
      kind: 'kubernetes',
      taskId: '3',
      host: 'grid-3-x7k2p',
      pid: 1,
    });
    expect(executorFromEnv({}, 'laptop', 7)).toEqual({ kind: 'local', host: 'laptop', pid: 7 });
  });
});
