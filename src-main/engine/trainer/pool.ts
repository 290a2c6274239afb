import type { ChildProcess } from 'node:child_process';
import { forkEngine, type EngineScript } from './fork';
import {
  DEFAULT_CANCEL_GRACE_MS,
  STDERR_TAIL_CHARS,
  TRAINER,
  exitOf,
  type TrainerExit,
  type TrainerHandle,
} from './host';
import {
  TrainerReadySchema,
  TrainerToParentSchema,
  type ParentToTrainer,
  type TrainJob,
  type TrainerToParent,
} from '../protocol';

/**
 * Warm trainers (issue 12): processes that take run after run, so a grid of small runs pays
 * for starting Node, importing tfjs, initialising the backend and reading its datasets once per
 * process instead of once per run (entry.ts keeps them; data/cache.ts keeps the datasets).
 *
 * Each run still gets a process of its own while it trains, with host.ts's guarantees: its
 * messages are parsed, cancel stops it after its batch or kills it after a grace period, and a
 * process that dies mid-run (a crash, an out-of-memory kill) ends that run 'crashed' and
 * nothing else; the next run gets a new process. A run ends when its final message arrives; the
 * process then cleans up and says 'ready' before it is given another, so no run is sent to a
 * process that is retiring (entry.ts retires one after a failure, a tensor leak or its share
 * of runs). Idle processes do not keep their parent alive and exit after `idleMs`.
 */

export interface TrainerPoolOptions {
  /** How long an idle trainer waits for another run before it exits (ms). */
  idleMs?: number;
  /** Idle trainers kept at most; more are stopped at once (the workspace's trainer limit). */
  maxIdle?: () => number;
  cancelGraceMs?: number;
  /** The script to fork instead of the one beside fork.ts (a test starts out/main/trainer.js). */
  entry?: EngineScript;
}

export interface TrainerPool {
  /** Starts `job` on an idle trainer, or on a new one; the same contract as host.startTrainer. */
  readonly launch: (job: TrainJob, onMessage: (m: TrainerToParent) => void) => TrainerHandle;
  /** Processes now alive, busy or idle (tests, the queue's status). */
  counts(): { busy: number; idle: number; started: number };
  /** Stops every idle trainer; busy ones finish their run and then exit. */
  close(): void;
}

/** Long enough to carry a grid from one run to the next, short enough not to hold memory. */
const DEFAULT_IDLE_MS = 30_000;

interface Job {
  job: TrainJob;
  onMessage: (m: TrainerToParent) => void;
  resolve: (exit: TrainerExit) => void;
  final: TrainerToParent | null;
  cancelRequested: boolean;
  killTimer: NodeJS.Timeout | undefined;
  /** The process running it (or about to). */
  on: Warm | undefined;
  settled: boolean;
}

interface Warm {
  child: ChildProcess;
  /** 'busy': running a job; 'cleaning': its job ended, 'ready' not yet said; 'gone': exited. */
  state: 'busy' | 'cleaning' | 'idle' | 'gone';
  job: Job | undefined;
  /** The job it takes once it says 'ready' (a run launched while it was cleaning up). */
  next: Job | undefined;
  idleTimer: NodeJS.Timeout | undefined;
  output: string;
  protocolError: string | null;
}

export function createTrainerPool(options: TrainerPoolOptions = {}): TrainerPool {
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  const graceMs = options.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS;
  const warmProcesses = new Set<Warm>();
  let started = 0;
  let closed = false;

  const inState = (state: Warm['state']): Warm[] =>
    [...warmProcesses].filter((w) => w.state === state);

  /** Stops a process that is not running a job. */
  const stop = (w: Warm): void => {
    clearTimeout(w.idleTimer);
    w.state = 'gone';
    warmProcesses.delete(w);
    w.child.kill('SIGTERM');
  };

  /** Ends a job (once). */
  const settle = (job: Job, exit: TrainerExit): void => {
    if (job.settled) return;
    job.settled = true;
    clearTimeout(job.killTimer);
    if (job.on?.job === job) job.on.job = undefined;
    job.resolve(exit);
  };

  const becomeIdle = (w: Warm): void => {
    if (closed || inState('idle').length >= (options.maxIdle?.() ?? Infinity)) {
      stop(w);
      return;
    }
    w.state = 'idle';
    w.idleTimer = setTimeout(() => {
      stop(w);
    }, idleMs);
    w.idleTimer.unref();
    // An idle trainer must not keep the CLI or the server alive.
    w.child.unref();
    w.child.channel?.unref();
  };

  /** Sends `job` to `w`, which is idle, cleaning up after its last job, or just forked. */
  const startOn = (w: Warm, job: Job): void => {
    clearTimeout(w.idleTimer);
    w.child.ref();
    w.child.channel?.ref();
    w.state = 'busy';
    w.job = job;
    job.on = w;
    const start: ParentToTrainer = { type: 'start', job: job.job, warm: true };
    w.child.send(start);
  };

  /** Puts `job` on an idle trainer, queues it behind one cleaning up, or forks a new one. */
  const assign = (job: Job): void => {
    if (job.cancelRequested) {
      settle(job, { status: 'cancelled', code: null, signal: null });
      return;
    }
    const idle = inState('idle').at(-1);
    if (idle !== undefined) {
      startOn(idle, job);
      return;
    }
    const cleaning = inState('cleaning').find((w) => w.next === undefined);
    if (cleaning !== undefined) {
      cleaning.next = job;
      job.on = cleaning;
      return;
    }
    const spawned = spawn();
    if (typeof spawned === 'string')
      settle(job, { status: 'crashed', error: spawned, code: null, signal: null });
    else startOn(spawned, job);
  };

  const spawn = (): Warm | string => {
    let child: ChildProcess;
    try {
      child = forkEngine(TRAINER, options.entry);
    } catch (e) {
      return `Could not start the trainer: ${e instanceof Error ? e.message : String(e)}`;
    }
    started += 1;
    const w: Warm = {
      child,
      state: 'busy',
      job: undefined,
      next: undefined,
      idleTimer: undefined,
      output: '',
      protocolError: null,
    };
    warmProcesses.add(w);
    const keepTail = (chunk: Buffer): void => {
      w.output = (w.output + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
    };
    child.stdout?.on('data', keepTail);
    child.stderr?.on('data', keepTail);
    child.on('message', (raw: unknown) => {
      onRaw(w, raw);
    });
    const gone = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error): void => {
      clearTimeout(w.idleTimer);
      w.state = 'gone';
      warmProcesses.delete(w);
      const { job, next } = w;
      w.next = undefined;
      if (job !== undefined)
        settle(
          job,
          exitOf(job.final, {
            code,
            signal,
            cancelRequested: job.cancelRequested,
            protocolError: w.protocolError,
            spawnError,
            output: w.output,
          }),
        );
      // It retired instead of taking the run queued behind it: that run goes elsewhere.
      if (next !== undefined) assign(next);
    };
    child.on('close', (code, signal) => {
      gone(code, signal);
    });
    child.on('error', (e) => {
      if (child.pid === undefined) gone(null, null, e);
    });
    return w;
  };

  const onRaw = (w: Warm, raw: unknown): void => {
    const ready = TrainerReadySchema.safeParse(raw);
    if (ready.success) {
      if (w.state !== 'cleaning') return;
      const next = w.next;
      w.next = undefined;
      if (next === undefined) becomeIdle(w);
      else if (next.cancelRequested) {
        settle(next, { status: 'cancelled', code: null, signal: null });
        becomeIdle(w);
      } else startOn(w, next);
      return;
    }
    const parsed = TrainerToParentSchema.safeParse(raw);
    if (!parsed.success) {
      // A trainer that breaks the protocol cannot be trusted to report correctly: stop it.
      w.protocolError ??= `The trainer sent an invalid message: ${parsed.error.message}`;
      w.child.kill('SIGKILL');
      return;
    }
    const message = parsed.data;
    const job = w.job;
    if (job === undefined) return;
    const isFinal =
      message.type === 'completed' || message.type === 'failed' || message.type === 'cancelled';
    if (isFinal) {
      if (job.final !== null) return;
      job.final = message;
    }
    job.onMessage(message);
    if (isFinal) {
      // The run is over; the process cleans up and says 'ready', or retires and exits.
      w.state = 'cleaning';
      settle(
        job,
        exitOf(message, {
          code: null,
          signal: null,
          cancelRequested: job.cancelRequested,
          protocolError: null,
          spawnError: undefined,
          output: w.output,
        }),
      );
    }
  };

  return {
    launch: (trainJob, onMessage) => {
      let resolve: (exit: TrainerExit) => void = () => undefined;
      const done = new Promise<TrainerExit>((r) => {
        resolve = r;
      });
      const job: Job = {
        job: trainJob,
        onMessage,
        resolve,
        final: null,
        cancelRequested: false,
        killTimer: undefined,
        on: undefined,
        settled: false,
      };
      assign(job);
      return {
        get pid() {
          return job.on?.child.pid;
        },
        cancel: () => {
          if (job.settled || job.cancelRequested) return;
          job.cancelRequested = true;
          const w = job.on;
          if (w?.job !== job) {
            // Not started yet (queued behind a trainer cleaning up): it never will be.
            if (w?.next === job) w.next = undefined;
            settle(job, { status: 'cancelled', code: null, signal: null });
            return;
          }
          const message: ParentToTrainer = { type: 'cancel' };
          if (w.child.connected) w.child.send(message);
          job.killTimer = setTimeout(() => w.child.kill('SIGKILL'), graceMs);
        },
        done,
      };
    },
    counts() {
      return {
        busy: inState('busy').length + inState('cleaning').length,
        idle: inState('idle').length,
        started,
      };
    },
    close() {
      closed = true;
      for (const w of inState('idle')) stop(w);
    },
  };
}
