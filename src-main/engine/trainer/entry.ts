import type { Tf } from '../backend';
import { DatasetCache } from '../data/cache';
import {
  ParentToTrainerSchema,
  type TrainJob,
  type TrainerReadySchema,
  type TrainerToParent,
} from '../protocol';
import { runJob } from './runJob';
import type { z } from 'zod';

/**
 * The trainer process: forked by host.ts (one run, then exit) or by pool.ts (warm: run after
 * run), or by the Electron main process, as Node. It owns no database and no UI, so a crash or
 * an out-of-memory kill here costs one run, never the app. Every message it receives is parsed
 * (it crosses a process line); every outcome ends in exactly one final message where the
 * process is still able to send one.
 *
 * A warm trainer keeps tfjs, its backend and the datasets it read (data/cache.ts) between runs.
 * It stays only after a run that ended as the loop meant it to (completed, diverged, cancelled)
 * and left no tensor behind; after a failure (an exception may have left any state), a leak or
 * MAX_WARM_JOBS runs it exits, and the pool starts a fresh one.
 */

/** Runs one warm process takes before it retires, bounding what any slow growth can reach. */
const MAX_WARM_JOBS = 200;

let cancelRequested = false;
let running = false;
let finished = false;
let warm = false;
let jobsDone = 0;
/** Tensors alive between runs, once the backend is up: a run that leaves more leaked. */
let baselineTensors: number | undefined;
let selectedTf: Tf | undefined;
const datasets = new DatasetCache();

function send(message: TrainerToParent | z.infer<typeof TrainerReadySchema>): void {
  process.send?.(message);
}

/** Sends the final message, waits until it is handed to the channel, then exits. */
function finish(message: TrainerToParent, code: number, again = false): void {
  if (finished && !again) return;
  finished = true;
  const exit = (): never => process.exit(code);
  if (process.send === undefined || !process.connected) exit();
  else process.send(message, undefined, {}, exit);
}

function fail(e: unknown): void {
  // The stack is for debugging; the message is what the run records and shows.
  if (e instanceof Error && e.stack !== undefined) {
    send({ type: 'log', level: 'debug', message: e.stack });
  }
  if (finished && warm) {
    // After a warm run's final message the run is recorded: only the process is left to end,
    // once the channel has taken what was sent before (messages keep their order).
    finish({ type: 'log', level: 'error', message: `Trainer retires: ${messageOf(e)}` }, 1, true);
    return;
  }
  finish({ type: 'failed', error: messageOf(e), diverged: false }, 1);
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * After a warm run's final message: stay for the next run if nothing was left behind, else
 * exit. The final message went out first, so the run is recorded however this ends.
 */
function settleWarm(): void {
  jobsDone += 1;
  const tensors = selectedTf?.memory().numTensors;
  const leaked =
    tensors !== undefined && baselineTensors !== undefined ? tensors - baselineTensors : 0;
  if (leaked > 0 || jobsDone >= MAX_WARM_JOBS) {
    const why = leaked > 0 ? `${leaked} tensors outlived the run` : `${MAX_WARM_JOBS} runs done`;
    finish({ type: 'log', level: 'debug', message: `Trainer retires: ${why}` }, 0, true);
    return;
  }
  cancelRequested = false;
  running = false;
  finished = false;
  send({ type: 'ready', jobs: jobsDone });
}

async function run(job: TrainJob): Promise<void> {
  // runJob emits 'started' and train()'s messages; train() emits the final message of the
  // outcomes it handles (completed, diverged, cancelled), so only the exit is left to do here.
  const result = await runJob(
    job,
    (message) => {
      if (
        message.type === 'completed' ||
        message.type === 'failed' ||
        message.type === 'cancelled'
      ) {
        if (warm) {
          finished = true;
          send(message);
        } else finish(message, 0);
      } else {
        send(message);
      }
    },
    () => cancelRequested,
    {
      load: warm ? datasets.load : undefined,
      onBackend: (selected) => {
        selectedTf = selected.tf;
        baselineTensors ??= selected.tf.memory().numTensors;
      },
    },
  );
  if (!finished)
    throw new Error(`The training loop ended (${result.status}) without a final message`);
  // Only now has the loop disposed of the run's model and tensors.
  if (warm) settleWarm();
}

if (process.send === undefined) {
  console.error('The trainer runs as a child process with an IPC channel (see trainer/host.ts).');
  process.exit(2);
}

process.on('message', (raw: unknown) => {
  const parsed = ParentToTrainerSchema.safeParse(raw);
  if (!parsed.success) {
    fail(new Error(`Invalid message from the parent: ${parsed.error.message}`));
    return;
  }
  const message = parsed.data;
  if (message.type === 'cancel') {
    // Seen by the training loop before its next batch.
    cancelRequested = true;
  } else if (running) {
    send({
      type: 'log',
      level: 'warn',
      message: "Ignored a 'start' while a run is training: a trainer runs one job at a time",
    });
  } else {
    running = true;
    // A cancel meant for the previous run (sent as it ended) is not this run's.
    cancelRequested = false;
    warm = message.warm === true;
    run(message.job).catch(fail);
  }
});
// The parent is gone: nobody can receive the results, so stop rather than linger as an orphan.
process.on('disconnect', () => process.exit(3));
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
