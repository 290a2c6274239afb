import { closeSync, fstatSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { z } from 'zod';
import type { TrainerToParent } from '../engine/protocol';
import {
  decodeLine,
  encodeLine,
  isOutcome,
  type EventFileHeader,
  type WorkerEvent,
} from './workerEvents';

/**
 * Writing and reading an event file (workerEvents.ts). The writer is the worker, alone on its
 * file; the reader is whichever process ingests it, possibly on another machine over a shared
 * filesystem, while the file grows. A line counts once its newline is on disk: a reader never
 * takes a line without one, so a worker caught mid-write (or killed mid-write) is never half read.
 */

const NEWLINE = 0x0a;

/**
 * Appends lines to a new event file. The header, every epoch and the outcome are fsynced before
 * append() returns: an epoch a reader has seen survives the worker's node failing (progress and
 * logs are not worth a disk flush each).
 */
export class EventFileWriter {
  private seq = 0;
  private ended = false;

  private constructor(
    readonly file: string,
    private readonly fd: number,
  ) {}

  /**
   * Creates `file` and writes its header. An existing file is refused ('wx'): it is another
   * attempt's record, and two writers on one file would break its sequence.
   */
  static create(file: string, header: Omit<EventFileHeader, 'type' | 'version'>): EventFileWriter {
    const fd = openSync(file, 'wx');
    const writer = new EventFileWriter(file, fd);
    try {
      writer.writeLine(encodeLine({ type: 'header', version: 1, ...header }), true);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    return writer;
  }

  /** Appends one message as the next event; refused after the outcome. */
  append(message: TrainerToParent, at: Date = new Date()): void {
    if (this.ended) {
      throw new Error(`${this.file}: the run's outcome is written; nothing may follow it`);
    }
    this.seq += 1;
    const outcome = isOutcome(message);
    const line = encodeLine({ type: 'event', seq: this.seq, at: at.toISOString(), message });
    this.writeLine(line, outcome || message.type === 'epoch');
    this.ended = outcome;
  }

  /** Events appended so far. */
  get lastSeq(): number {
    return this.seq;
  }

  close(): void {
    closeSync(this.fd);
  }

  private writeLine(text: string, sync: boolean): void {
    const bytes = Buffer.from(`${text}\n`, 'utf8');
    // One write(2) normally takes the whole line; loop for the rare short write.
    let written = 0;
    while (written < bytes.length) {
      written += writeSync(this.fd, bytes, written, bytes.length - written);
    }
    if (sync) fsyncSync(this.fd);
  }
}

/**
 * How far a reader has read: the byte offset just after the last complete line it took, the
 * seq of the last event (0 before any), and whether that event was the outcome. A reader keeps
 * it (an ingester stores it with what it ingested, in one transaction), so reading again from the
 * same cursor gives the same events: idempotence is the cursor's job.
 */
export const EventCursorSchema = z
  .object({
    offset: z.int().nonnegative(),
    seq: z.int().nonnegative(),
    ended: z.boolean(),
  })
  .strict();
export type EventCursor = z.infer<typeof EventCursorSchema>;

export const START_CURSOR: EventCursor = { offset: 0, seq: 0, ended: false };

export interface EventsRead {
  /** The header, when this read started at the beginning of the file and it is complete. */
  header?: EventFileHeader;
  /** The complete events after the cursor, in order. */
  events: WorkerEvent[];
  cursor: EventCursor;
  /**
   * When this read took the outcome: the cursor just before its line, for a reader that must
   * hold the outcome back (a cluster run's 'cancelled' whose cause the scheduler has to name).
   */
  beforeOutcome?: EventCursor;
}

/** A line that breaks the format: named by file and line number, never skipped. */
export class EventFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    reason: string,
  ) {
    super(`${file}, line ${line}: ${reason}`);
    this.name = 'EventFileError';
  }
}

/** Most bytes read per call: a long file is read over several calls, each cursor after the last. */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Reads the complete lines of `file` after `cursor` and returns them parsed, with the cursor
 * after the last one. A last line without its newline yet is left for a later read. The file is
 * opened anew on every call: on NFS, close-to-open consistency then shows what the writer's
 * fsync put on the server. A malformed line, a header anywhere but line 1, a seq out of order or
 * a line after the outcome is an EventFileError.
 */
export function readEventsFrom(
  file: string,
  cursor: EventCursor = START_CURSOR,
  maxBytes: number = DEFAULT_MAX_BYTES,
): EventsRead {
  const chunk = readTail(file, cursor.offset, maxBytes);
  let header: EventFileHeader | undefined;
  const events: WorkerEvent[] = [];
  let { offset, seq, ended } = cursor;
  let beforeOutcome: EventCursor | undefined;
  let start = 0;
  for (;;) {
    const end = chunk.indexOf(NEWLINE, start);
    if (end < 0) break;
    // Line 1 is the header; event k is line k + 1 (the lines before the cursor were checked).
    const lineNumber = offset === 0 ? 1 : seq + 2;
    const text = chunk.subarray(start, end).toString('utf8');
    const line = parseLine(file, lineNumber, text);
    if (line.type === 'header') {
      if (offset !== 0) throw new EventFileError(file, lineNumber, 'a header after line 1');
      header = line;
    } else {
      if (offset === 0) throw new EventFileError(file, 1, 'the first line is not the header');
      if (ended) throw new EventFileError(file, lineNumber, 'a line after the outcome');
      if (line.seq !== seq + 1) {
        throw new EventFileError(
          file,
          lineNumber,
          `seq ${line.seq} where ${seq + 1} was expected (a line is missing or repeated)`,
        );
      }
      events.push(line);
      if (isOutcome(line.message)) beforeOutcome = { offset, seq, ended: false };
      seq = line.seq;
      ended = isOutcome(line.message);
    }
    offset += end + 1 - start;
    start = end + 1;
  }
  if (start === 0 && chunk.length >= maxBytes) {
    throw new EventFileError(
      file,
      offset === 0 ? 1 : seq + 2,
      `no end of line within ${maxBytes} bytes`,
    );
  }
  return {
    ...(header ? { header } : {}),
    events,
    cursor: { offset, seq, ended },
    ...(beforeOutcome ? { beforeOutcome } : {}),
  };
}

function parseLine(file: string, lineNumber: number, text: string): ReturnType<typeof decodeLine> {
  try {
    return decodeLine(text);
  } catch (e) {
    const reason =
      e instanceof z.ZodError
        ? z.prettifyError(e).replace(/\n/g, '; ')
        : e instanceof Error
          ? e.message
          : String(e);
    throw new EventFileError(file, lineNumber, `not a valid event-file line: ${reason}`);
  }
}

/** The bytes of `file` from `offset` on, at most `maxBytes`. */
function readTail(file: string, offset: number, maxBytes: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size < offset) {
      throw new Error(`${file} is shorter (${size} bytes) than what was read of it (${offset})`);
    }
    const buffer = Buffer.alloc(Math.min(size - offset, maxBytes));
    let read = 0;
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, offset + read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}
