import type { TrainerToParent } from '../engine/protocol';
import { runJob } from '../engine/trainer/runJob';
import { EventFileWriter } from './eventFile';
import { executorFromEnv } from './executor';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { attemptOf, eventsFileOf, readJobFile } from './jobFile';
import { sourceModelFromEvents } from './sourceModel';
import { isOutcome } from './workerEvents';

/**
 * `transferlab worker <job-file>` (issue 16): trains one run attempt on a machine that may not
 * hold the workspace's database, and appends everything a local trainer would send its parent to
 * the attempt's event file. It trains in this process with the trainer's own code (runJob), so the
 * run computes exactly what it would locally; it writes the model files where the job says and
 * never opens SQLite (the ingesting process, which owns the database, reads the event file).
 *
 * Exit codes (WORKER_EXIT): 0 when the run completed; 3 when it was cancelled; 1 when it failed
 * or diverged (its 'failed' line is written when the event file could be created) or the event
 * file could not be created. A job file that does not validate is thrown as a JobFileError
 * before anything is written (the command's usage error, exit code 2).
 */

export interface WorkerOptions {
  /** Aborted to cancel (the command aborts it on SIGTERM, what `scancel` sends, and SIGINT). */
  stop: AbortSignal;
  /** One line for a person (stderr, the task's log). */
  report: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

export async function runWorker(jobFilePath: string, options: WorkerOptions): Promise<number> {
  const jobFile = readJobFile(jobFilePath);
  const { runId, sourceModelFrom } = jobFile;
  const attempt = attemptOf(jobFile, options.env);
  const eventsFile = eventsFileOf(jobFile, attempt);
  const name = `Run ${runId}, attempt ${attempt}`;
  let writer: EventFileWriter;
  try {
    mkdirSync(dirname(eventsFile), { recursive: true });
    writer = EventFileWriter.create(eventsFile, {
      runId,
      attempt,
      executor: executorFromEnv(options.env),
      startedAt: new Date().toISOString(),
    });
  } catch (e) {
    options.report(`${name}: cannot create its event file: ${messageOf(e)}`);
    return 1;
  }
  let outcome: TrainerToParent | undefined;
  try {
    // Read here, not when the job file was written: the source model did not exist then.
    const job = sourceModelFrom
      ? { ...jobFile.job, sourceModel: sourceModelFromEvents(sourceModelFrom) }
      : jobFile.job;
    const result = await runJob(
      job,
      (message) => {
        writer.append(message);
        if (isOutcome(message)) outcome = message;
      },
      () => options.stop.aborted,
    );
    if (outcome === undefined) {
      throw new Error(`The training loop ended (${result.status}) without a final message`);
    }
    options.report(`${name}: ${describeOutcome(outcome)} (events in ${eventsFile})`);
    return exitCodeOf(outcome);
  } catch (e) {
    options.report(`${name}: failed: ${messageOf(e)}`);
    // An error after the outcome (it cannot be followed by another line) only ends the process.
    if (outcome === undefined) recordFailure(writer, e, options.report);
    return 1;
  } finally {
    writer.close();
  }
}

/** Appends the stack (for debugging) and the 'failed' outcome, as the trainer process sends them. */
function recordFailure(writer: EventFileWriter, e: unknown, report: (line: string) => void): void {
  try {
    if (e instanceof Error && e.stack !== undefined) {
      writer.append({ type: 'log', level: 'debug', message: e.stack });
    }
    writer.append({ type: 'failed', error: messageOf(e), diverged: false });
  } catch (writeError) {
    report(`Could not record the failure in ${writer.file}: ${messageOf(writeError)}`);
  }
}

/**
 * 0 only for a completed run: a scheduler's "after this task succeeded" (Slurm's afterok) then
 * means "after this run completed", so a cancelled or diverged source run's transfer tasks never
 * start; Slurm cancels them (--kill-on-invalid-dep), as the workspace ends their runs.
 */
export const WORKER_EXIT = { completed: 0, failed: 1, usage: 2, cancelled: 3 } as const;

function exitCodeOf(outcome: TrainerToParent): number {
  if (outcome.type === 'completed') return WORKER_EXIT.completed;
  if (outcome.type === 'cancelled') return WORKER_EXIT.cancelled;
  return WORKER_EXIT.failed;
}

function describeOutcome(outcome: TrainerToParent): string {
  if (outcome.type === 'failed') return outcome.diverged ? `diverged: ${outcome.error}` : 'failed';
  return outcome.type;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
