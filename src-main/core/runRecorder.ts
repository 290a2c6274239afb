import type { FinalMetrics, RunLogLevel } from '../../src-shared/domain/runs';
import type { AppEvent } from '../../src-shared/rpc/events';
import type { TrainerToParent } from '../engine/protocol';
import type { Db } from '../store/db';
import { insertEpoch } from '../store/metrics';
import { appendRunLog } from '../store/runLogs';
import {
  finishRun,
  markStarted,
  recordSourceModel,
  type ClaimedRun,
  type EndStatus,
} from '../store/runs';
import { recordTransferability } from '../store/transferability';
import { checkpointDir, removeCheckpoints } from './checkpoints';
import { pruneCellModels } from './keptModels';
import { statusEvent } from './runEvents';

/**
 * The one place that says what a run's trainer messages and its outcome mean for the workspace:
 * which rows they write and which events they tell clients. The local queue (runQueue.ts) feeds it
 * a trainer's IPC messages; the ingester (eventIngest.ts) feeds it a worker's event file. Both
 * must record a run the same way, so neither has its own copy.
 *
 * Writes happen at once, on the caller's connection (inside the caller's transaction, if any).
 * What must not happen before they are committed goes through the sink: events to clients (a
 * client must never see a row that a rollback takes back) and housekeeping on disk (removing
 * checkpoints and pruned models cannot be rolled back).
 */

export interface RecorderSink {
  emit(event: AppEvent): void;
  /** Work on files once the writes are committed (at once where there is no transaction). */
  later(task: () => void): void;
}

export interface RecorderContext {
  db: Db;
  workspaceDir: string;
  sink: RecorderSink;
}

/** Outside a transaction: clients hear at once, file work happens at once. */
export function immediateRecorder(ctx: {
  db: Db;
  workspaceDir: string;
  events: { emit(event: AppEvent): void };
}): RecorderContext {
  return {
    db: ctx.db,
    workspaceDir: ctx.workspaceDir,
    sink: {
      emit: (event) => {
        ctx.events.emit(event);
      },
      later: (task) => {
        task();
      },
    },
  };
}

/** What the recorder needs to know of a run. */
export type RecordedRun = Pick<ClaimedRun, 'id' | 'experimentId' | 'domainId' | 'config'>;

/** How a run ended, whoever tells it (a trainer's exit, a worker's last line). */
export type RunOutcome =
  | {
      status: 'completed';
      finalMetrics?: FinalMetrics;
      confusion?: number[][];
      model?: { dir: string; hash: string };
    }
  | { status: 'failed' | 'diverged' | 'crashed'; error: string }
  | { status: 'cancelled' };

export const CANCELLED_BY_USER = 'Cancelled by the user.';
export const TRAINER_FAILURE = 'The trainer reported a failure.';

/**
 * Records one message of a run's trainer. Progress is only told to clients (never stored); the
 * outcome messages are left to recordOutcome, since a local run's outcome comes from its
 * process's exit, which also covers crashes.
 */
export function recordMessage(ctx: RecorderContext, run: RecordedRun, m: TrainerToParent): void {
  const { id, experimentId } = run;
  switch (m.type) {
    case 'started':
      markStarted(
        ctx.db,
        id,
        m.environment,
        m.dataHash,
        m.inputAdapter ?? null,
        m.splitSizes ?? null,
      );
      emitStatus(ctx, id);
      return;
    case 'progress':
      ctx.sink.emit({
        type: 'run.progress',
        runId: id,
        experimentId,
        epoch: m.epoch,
        epochs: m.epochs,
        batch: m.batch,
        batches: m.batches,
      });
      return;
    case 'epoch': {
      insertEpoch(ctx.db, id, m.epoch, m.values, m.elapsedS);
      const values: Record<string, number | null> = {};
      for (const [k, v] of Object.entries(m.values)) values[k] = Number.isFinite(v) ? v : null;
      ctx.sink.emit({
        type: 'run.epoch',
        runId: id,
        experimentId,
        epoch: m.epoch,
        epochs: run.config.training.epochs,
        values,
        elapsedS: m.elapsedS,
      });
      return;
    }
    case 'transferability':
      recordTransferability(ctx.db, id, m.scores, m.samples);
      return;
    case 'calibration':
      // Only a plan's calibration job sends timings; a queued run never asks for them.
      return;
    case 'log':
      recordLog(ctx, run, m.level, m.message);
      if (m.level === 'warn' || m.level === 'error') console.error(`[run ${id}] ${m.message}`);
      return;
    case 'completed':
    case 'failed':
    case 'cancelled':
      return;
  }
}

/** The outcome an outcome message stands for (a worker's last line); undefined for the others. */
export function outcomeOfMessage(m: TrainerToParent): RunOutcome | undefined {
  switch (m.type) {
    case 'completed':
      return {
        status: 'completed',
        finalMetrics: m.finalMetrics,
        ...(m.confusion ? { confusion: m.confusion } : {}),
        ...(m.model ? { model: m.model } : {}),
      };
    case 'failed':
      return { status: m.diverged ? 'diverged' : 'failed', error: m.error };
    case 'cancelled':
      return { status: 'cancelled' };
    default:
      return undefined;
  }
}

/** Ends a run as its outcome says: its model, its final metrics, what depended on it. */
export function recordOutcome(ctx: RecorderContext, run: RecordedRun, outcome: RunOutcome): void {
  switch (outcome.status) {
    case 'completed': {
      const { model } = outcome;
      if (model) recordSourceModel(ctx.db, run.id, run.domainId, model.hash, model.dir);
      endRun(ctx, run, 'completed', {
        ...(outcome.finalMetrics ? { finalMetrics: outcome.finalMetrics } : {}),
        ...(outcome.confusion ? { confusion: outcome.confusion } : {}),
      });
      // A transfer run's model is kept as the workspace says (issue 13): once the run counts
      // as completed, its cell keeps only its best when that is the setting.
      if (model && run.config.kind === 'transfer')
        ctx.sink.later(() => pruneCellModels(ctx.db, ctx.workspaceDir, run.id));
      return;
    }
    case 'failed':
    case 'diverged':
    case 'crashed':
      endRun(ctx, run, outcome.status, { error: outcome.error });
      return;
    case 'cancelled':
      endRun(ctx, run, 'cancelled', { error: CANCELLED_BY_USER });
      return;
  }
}

/** Ends a run with `status`, and the queued runs that can no longer start without it. */
export function endRun(
  ctx: RecorderContext,
  run: Pick<RecordedRun, 'id'>,
  status: EndStatus,
  details: Parameters<typeof finishRun>[3],
): void {
  const { dependants } = finishRun(ctx.db, run.id, status, details);
  ctx.sink.later(() => {
    removeCheckpoints(checkpointDir(ctx.workspaceDir, run.id));
  });
  emitStatus(ctx, run.id);
  for (const d of dependants) emitStatus(ctx, d);
}

/** Appends a line to the run's log and tells clients (nothing once the log is full). */
export function recordLog(
  ctx: RecorderContext,
  run: Pick<RecordedRun, 'id' | 'experimentId'>,
  level: RunLogLevel,
  message: string,
): void {
  const entry = appendRunLog(ctx.db, run.id, level, message);
  if (entry)
    ctx.sink.emit({ type: 'run.log', runId: run.id, experimentId: run.experimentId, entry });
}

/** The run's status as stored now, told when the sink says (after the commit). */
function emitStatus(ctx: RecorderContext, runId: number): void {
  const event = statusEvent(ctx.db, runId);
  if (event) ctx.sink.emit(event);
}
