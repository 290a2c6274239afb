import type { ChildProcess } from 'node:child_process';
import { engineScript, forkEngine, type EngineProcess, type EngineScript } from './fork';
import type { FinalMetrics } from '../../../src-shared/domain/runs';
import {
  TrainerToParentSchema,
  type ParentToTrainer,
  type TrainJob,
  type TrainerToParent,
} from '../protocol';

/**
 * The parent side of a trainer process: fork, send the job, parse and forward every message,
 * and turn the way the process ended into one TrainerExit. A process per run keeps the UI and
 * the database out of reach of a stalling, crashing or out-of-memory trainer, and makes cancel
 * certain (a kill after a grace period) even when the loop does not answer.
 */

/** How a trainer ended. Maps onto RunStatus; `code` and `signal` are the process's. */
export interface TrainerExit {
  status: 'completed' | 'failed' | 'diverged' | 'cancelled' | 'crashed';
  /** For 'completed'. */
  finalMetrics?: FinalMetrics;
  /** For 'completed': counts on the test split (rows true, columns predicted). */
  confusion?: number[][];
  /** For a completed source run: the saved model. */
  model?: { dir: string; hash: string };
  /** For 'failed', 'diverged' and 'crashed' (which names the exit code or signal). */
  error?: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface TrainerHandle {
  pid: number | undefined;
  /** Asks the trainer to stop after its current batch; kills it if it has not exited in time. */
  cancel(): void;
  /** Settles (never rejects) once the process has exited and its output is closed. */
  done: Promise<TrainerExit>;
}

export interface TrainerOptions {
  /** How long a cancelled trainer may take to stop by itself before it is killed (ms). */
  cancelGraceMs?: number;
  /** The script to fork instead of trainerEntry()'s (a test starts out/main/trainer.js). */
  entry?: EngineScript;
}

export const DEFAULT_CANCEL_GRACE_MS = 3000;
/** The end of the trainer's stderr kept for crash reports (a native abort or OOM prints there). */
export const STDERR_TAIL_CHARS = 4000;

export const TRAINER: EngineProcess = { source: 'entry.ts', bundle: 'trainer.js' };

/** The trainer script to fork and the Node flags it needs. */
export function trainerEntry(): EngineScript {
  return engineScript(TRAINER);
}

/**
 * Forks a trainer for `job`. Every message it sends is parsed and passed to `onMessage`, final
 * ones included; `done` tells how it ended. A trainer that exits without a final message (a
 * crash, SIGKILL, an out-of-memory kill) ends 'crashed' with the exit code or signal in `error`.
 */
export function startTrainer(
  job: TrainJob,
  onMessage: (message: TrainerToParent) => void,
  options: TrainerOptions = {},
): TrainerHandle {
  const graceMs = options.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS;
  let child: ChildProcess;
  try {
    child = forkEngine(TRAINER, options.entry);
  } catch (e) {
    const error = `Could not start the trainer: ${e instanceof Error ? e.message : String(e)}`;
    return {
      pid: undefined,
      cancel: () => undefined,
      done: Promise.resolve({ status: 'crashed', error, code: null, signal: null }),
    };
  }

  let final: TrainerToParent | null = null;
  let protocolError: string | null = null;
  let cancelRequested = false;
  let killTimer: NodeJS.Timeout | undefined;
  let output = '';
  const keepTail = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
  };
  child.stdout?.on('data', keepTail);
  child.stderr?.on('data', keepTail);

  child.on('message', (raw: unknown) => {
    const parsed = TrainerToParentSchema.safeParse(raw);
    if (!parsed.success) {
      // A trainer that breaks the protocol cannot be trusted to report correctly: stop it.
      protocolError ??= `The trainer sent an invalid message: ${parsed.error.message}`;
      child.kill('SIGKILL');
      return;
    }
    const message = parsed.data;
    if (message.type === 'completed' || message.type === 'failed' || message.type === 'cancelled') {
      if (final !== null) return;
      final = message;
    }
    onMessage(message);
  });

  const done = new Promise<TrainerExit>((resolve) => {
    let settled = false;
    const settle = (
      code: number | null,
      signal: NodeJS.Signals | null,
      spawnError?: Error,
    ): void => {
      if (settled) return;
      settled = true;
      clearTimeout(killTimer);
      resolve(exitOf(final, { code, signal, cancelRequested, protocolError, spawnError, output }));
    };
    // 'close' comes after 'exit' once stdio is closed, so every message has been delivered.
    child.on('close', (code, signal) => {
      settle(code, signal);
    });
    child.on('error', (e) => {
      // Spawning failed; 'close' may never come.
      if (child.pid === undefined) settle(null, null, e);
    });
  });

  const startMessage: ParentToTrainer = { type: 'start', job };
  child.send(startMessage);

  return {
    pid: child.pid,
    cancel: () => {
      if (cancelRequested || child.exitCode !== null || child.signalCode !== null) return;
      cancelRequested = true;
      const message: ParentToTrainer = { type: 'cancel' };
      if (child.connected) child.send(message);
      killTimer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    },
    done,
  };
}

/** How a trainer's run ended, from its final message (if any) and the way its process ended. */
export function exitOf(
  final: TrainerToParent | null,
  end: {
    code: number | null;
    signal: NodeJS.Signals | null;
    cancelRequested: boolean;
    protocolError: string | null;
    spawnError: Error | undefined;
    output: string;
  },
): TrainerExit {
  const { code, signal } = end;
  if (end.protocolError !== null)
    return { status: 'failed', error: end.protocolError, code, signal };
  if (final?.type === 'completed') {
    return {
      status: 'completed',
      finalMetrics: final.finalMetrics,
      ...(final.confusion ? { confusion: final.confusion } : {}),
      ...(final.model ? { model: final.model } : {}),
      code,
      signal,
    };
  }
  if (final?.type === 'failed')
    return { status: final.diverged ? 'diverged' : 'failed', error: final.error, code, signal };
  // Asked to stop: whether it answered or had to be killed, the run was cancelled.
  if (final?.type === 'cancelled' || end.cancelRequested)
    return { status: 'cancelled', code, signal };
  if (end.spawnError)
    return {
      status: 'crashed',
      error: `Could not start the trainer: ${end.spawnError.message}`,
      code,
      signal,
    };
  const how = signal !== null ? `signal ${signal}` : `exit code ${code ?? 'unknown'}`;
  const tail = end.output.trim();
  return {
    status: 'crashed',
    error: `The trainer process ended without a result (${how})${tail ? `; its last output: ${tail}` : ''}`,
    code,
    signal,
  };
}
