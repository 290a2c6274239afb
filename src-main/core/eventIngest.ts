import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AppEvent } from '../../src-shared/rpc/events';
import { readEventsFrom, type EventCursor } from '../cluster/eventFile';
import type { WorkerEvent } from '../cluster/workerEvents';
import { ATTEMPT_PLACEHOLDER } from '../cluster/jobFile';
import { inTransaction, type Db } from '../store/db';
import { isClusterOwner } from '../store/clusterOwner';
import {
  markClusterRunStarted,
  readEventCursor,
  readIngestTarget,
  runningAttempts,
  saveEventCursor,
} from '../store/eventCursors';
import { statusEvent } from './runEvents';
import type { EndStatus } from '../store/runs';
import {
  outcomeOfMessage,
  recordMessage,
  recordOutcome,
  type RecorderContext,
} from './runRecorder';

/**
 * Ingesting workers' event files into the workspace (issue 16, point 3; docs/scale-out.md). Any
 * process with the workspace open may do it (the CLI that submitted, the server, the app,
 * `transferlab sync`): each batch of new lines is applied with the run recorder (the same code
 * that records a local trainer's messages) and the file's cursor is saved in the SAME
 * transaction. A process killed at any point has either committed a batch with its cursor or
 * nothing of it, so the next ingest re-reads exactly what was not committed: reading a file twice
 * adds nothing twice. The transaction is IMMEDIATE and reads the cursor inside it, so two
 * ingesters (SQLite has one writer) never apply the same lines.
 */

export interface IngestContext {
  db: Db;
  workspaceDir: string;
  events: { emit(event: AppEvent): void };
}

export interface IngestSource {
  runId: number;
  attempt: number;
  /** The attempt's event file (eventFilePath by convention). */
  file: string;
}

export interface IngestResult extends IngestSource {
  /** Events applied by this call (progress lines included). */
  events: number;
  epochs: number;
  logs: number;
  /** How the run ended, when this call applied its outcome. */
  outcome?: EndStatus;
  cursor: EventCursor;
}

/** An event file that must not write to this run: foreign, or from a stale attempt. */
export class IngestRefused extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'IngestRefused';
  }
}

/** At most this much of a file per transaction: the write lock is never held for long. */
export const INGEST_BATCH_BYTES = 4 * 1024 * 1024;

/**
 * Where an attempt's worker appends its events, by convention:
 * `<workspace>/cluster/<runId>/<attempt>/events.jsonl`. The submitter names this file in the job
 * file; ingestPending looks for it.
 */
export function eventFilePath(
  workspaceDir: string,
  runId: number,
  attempt: number | typeof ATTEMPT_PLACEHOLDER,
): string {
  return join(workspaceDir, 'cluster', String(runId), String(attempt), 'events.jsonl');
}

/**
 * Applies what is new in one attempt's event file, batch after batch, until it has read every
 * complete line. Refused (IngestRefused, nothing written) when the header names another run or
 * attempt, or when the run is no longer running that attempt (a stale worker after a requeue); a
 * file whose outcome is already ingested adds nothing.
 */
export function ingestEventFile(
  ctx: IngestContext,
  source: IngestSource,
  options: { maxBytes?: number } = {},
): IngestResult {
  const total: IngestResult = { ...source, events: 0, epochs: 0, logs: 0, cursor: START };
  for (;;) {
    const pending: AppEvent[] = [];
    const later: (() => void)[] = [];
    const recorder: RecorderContext = {
      db: ctx.db,
      workspaceDir: ctx.workspaceDir,
      sink: { emit: (e) => pending.push(e), later: (task) => later.push(task) },
    };
    const batch = inTransaction(ctx.db, () =>
      ingestBatch(recorder, source, options.maxBytes ?? INGEST_BATCH_BYTES),
    );
    // Committed: now clients may hear of it, and files may go.
    for (const event of pending) ctx.events.emit(event);
    for (const task of later) task();
    total.events += batch.events;
    total.epochs += batch.epochs;
    total.logs += batch.logs;
    if (batch.outcome) total.outcome = batch.outcome;
    total.cursor = batch.cursor;
    if (!batch.advanced || batch.cursor.ended) return total;
  }
}

export interface PendingIngest {
  ingested: IngestResult[];
  /** Files that could not be ingested, with why (a malformed line, a foreign header). */
  failed: { runId: number; attempt: number; file: string; error: string }[];
}

/**
 * Ingests the event file of every running run that has one where eventFilePath says. Only a
 * running run's current attempt can take events, so the runs table is the list of what to follow;
 * a run trained by a local trainer simply has no such file.
 */
export function ingestPending(ctx: IngestContext): PendingIngest {
  const result: PendingIngest = { ingested: [], failed: [] };
  for (const { runId, attempt } of runningAttempts(ctx.db)) {
    const file = eventFilePath(ctx.workspaceDir, runId, attempt);
    if (!existsSync(file)) continue;
    try {
      result.ingested.push(ingestEventFile(ctx, { runId, attempt, file }));
    } catch (e) {
      result.failed.push({
        runId,
        attempt,
        file,
        error: e instanceof Error ? e.message : String(e),
      });
    }
  }
  return result;
}

const START: EventCursor = { offset: 0, seq: 0, ended: false };

interface Batch {
  events: number;
  epochs: number;
  logs: number;
  outcome?: EndStatus;
  cursor: EventCursor;
  /** Whether the cursor moved (false: nothing new in the file). */
  advanced: boolean;
}

/** One transaction's work: read after the stored cursor, apply, store the cursor after it. */
function ingestBatch(recorder: RecorderContext, source: IngestSource, maxBytes: number): Batch {
  const { db } = recorder;
  const { runId, attempt, file } = source;
  const stored = readEventCursor(db, runId, attempt);
  if (stored && stored.file !== file) {
    throw new IngestRefused(
      file,
      `run #${runId} attempt ${attempt} is being ingested from another file (${stored.file})`,
    );
  }
  const from: EventCursor = stored
    ? { offset: stored.offset, seq: stored.seq, ended: stored.ended }
    : START;
  const none = { events: 0, epochs: 0, logs: 0, cursor: from, advanced: false };
  // Its outcome is in: whatever happened to the run since, this file has nothing more to say.
  if (from.ended) return none;
  const run = readIngestTarget(db, runId);
  if (!run) throw new IngestRefused(file, `there is no run #${runId} in this workspace`);
  const clusterHeld = isClusterOwner(run.owner);
  const waiting = run.status === 'queued' && clusterHeld;
  if ((run.status !== 'running' && !waiting) || run.attempt !== attempt) {
    throw new IngestRefused(
      file,
      `run #${runId} is ${run.status} at attempt ${run.attempt}, not running attempt ${attempt}: ` +
        'a stale worker’s events are not recorded',
    );
  }
  const read = readEventsFrom(file, from, maxBytes);
  if (read.header && (read.header.runId !== runId || read.header.attempt !== attempt)) {
    throw new IngestRefused(
      file,
      `its header is run #${read.header.runId} attempt ${read.header.attempt}, ` +
        `not run #${runId} attempt ${attempt}`,
    );
  }
  let { events, cursor } = read;
  // SIGTERM ends a cluster task both when a person cancels and when the scheduler's time limit
  // is reached; the worker writes 'cancelled' either way. Unless a cancel was asked for, the
  // outcome is held back and the cluster monitor ends the run with the scheduler's reason.
  if (
    clusterHeld &&
    !run.cancelRequested &&
    read.beforeOutcome &&
    events.at(-1)?.message.type === 'cancelled'
  ) {
    events = events.slice(0, -1);
    cursor = read.beforeOutcome;
  }
  const batch: Batch = { ...none, cursor, advanced: cursor.offset !== from.offset };
  if (waiting && batch.advanced && markClusterRunStarted(db, runId, startedAt(read, events))) {
    const event = statusEvent(db, runId);
    if (event) recorder.sink.emit(event);
  }
  events.forEach((event, i) => {
    applyEvent(recorder, run, event, i === events.length - 1, batch);
  });
  if (batch.advanced) saveEventCursor(db, runId, attempt, { file, ...cursor });
  return batch;
}

/** When the worker started: its header's time, else its first event's. */
function startedAt(
  read: { header?: { startedAt: string } },
  events: readonly WorkerEvent[],
): string {
  return read.header?.startedAt ?? events[0]?.at ?? new Date().toISOString();
}

function applyEvent(
  recorder: RecorderContext,
  run: NonNullable<ReturnType<typeof readIngestTarget>>,
  { message }: WorkerEvent,
  last: boolean,
  batch: Batch,
): void {
  batch.events += 1;
  const outcome = outcomeOfMessage(message);
  if (outcome) {
    recordOutcome(recorder, run, outcome);
    batch.outcome = outcome.status;
    return;
  }
  // Progress is only news while it is the latest: older lines of a batch are not told.
  if (message.type === 'progress' && !last) return;
  if (message.type === 'epoch') batch.epochs += 1;
  if (message.type === 'log') batch.logs += 1;
  recordMessage(recorder, run, message);
}
