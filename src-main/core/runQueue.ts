import type { TrainJob, TrainerToParent } from '../engine/protocol';
import type { TrainerExit } from '../engine/trainer/host';
import type { Db } from '../store/db';
import {
  beat as heartbeat,
  clearProgress,
  endOrphanedDependants,
  MAX_ATTEMPTS,
  registerProcess,
  requeueRun,
  requeueRuns,
  runOwners,
  storedEpochs,
  unregisterProcess,
  type ProcessRecord,
  type Recovery,
} from '../store/queue';
import { claimNextRun, type ClaimedRun, type EndStatus } from '../store/runs';
import type { RunLogLevel } from '../../src-shared/domain/runs';
import { checkpointDir, planResume, removeCheckpoints } from './checkpoints';
import type { EventBus } from './events';
import { DEFAULT_LIVENESS, ownerIsGone, type LivenessLimits } from './liveness';
import { statusEvent } from './runEvents';
import {
  endRun,
  immediateRecorder,
  recordLog,
  recordMessage,
  recordOutcome,
  TRAINER_FAILURE,
  type RecorderContext,
} from './runRecorder';
import { buildTrainJob } from './trainJob';

/** Starts a trainer for one job; `done` settles (never rejects) once the process has exited. */
export type TrainerLauncher = (
  job: TrainJob,
  onMessage: (message: TrainerToParent) => void,
) => { cancel(): void; done: Promise<TrainerExit> };

export interface RunQueueOptions {
  db: Db;
  workspaceDir: string;
  events: EventBus;
  launch: TrainerLauncher;
  /** This process as the owner of the runs it claims (liveness.ts thisProcess). */
  self: ProcessRecord;
  /** The workspace's trainer limit, shared by every process (read at every claim). */
  limit: () => number;
  /** 'all' queued runs, or only those of experiments this process registers with `adopt`. */
  scope: 'all' | 'own';
  /** How often to heartbeat, look for dead owners and for runs queued by other processes. */
  pollMs?: number;
  liveness?: LivenessLimits;
}

interface ActiveRun {
  claim: ClaimedRun;
  cancel(): void;
  done: Promise<void>;
  cancelRequested: boolean;
  /** Another process took the run for dead (this one was frozen too long): drop its results. */
  lost: boolean;
  lastProgressAt: number;
  /** The committed epoch it resumed from, if it did. */
  resumedFrom: number | null;
}

/**
 * Executes queued runs in trainer processes and writes what they stream to the store. The queue
 * itself lives in the database, so it outlives every process: any process with the workspace open
 * takes back the runs of an owner that died (at start-up and at every tick), and runs interrupted
 * by a crash or a close continue from their last committed epoch where the strategy can resume,
 * else from the start (deterministic, so the result is the same), saying which in the run log.
 */
export class RunQueue {
  private readonly active = new Map<number, ActiveRun>();
  private readonly ownExperiments = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;
  private idleWaiters: (() => void)[] = [];
  /** No transaction wraps a local trainer's messages: events and file work happen at once. */
  private readonly recorder: RecorderContext;

  constructor(private readonly o: RunQueueOptions) {
    this.recorder = immediateRecorder(o);
  }

  start(): void {
    registerProcess(this.o.db, this.o.self);
    this.recover();
    this.timer = setInterval(() => {
      this.beat();
      this.recover();
      this.tick();
    }, this.o.pollMs ?? 1000);
    this.tick();
  }

  /** Lets an 'own' queue execute this experiment's runs (and the source runs they wait for). */
  adopt(experimentId: number): void {
    this.ownExperiments.add(experimentId);
    this.tick();
  }

  /** The experiments an 'own' queue executes (undefined: all). */
  get scope(): readonly number[] | undefined {
    return this.o.scope === 'all' ? undefined : [...this.ownExperiments];
  }

  /** Looks for claimable runs and starts trainers up to the workspace's limit. */
  tick(): void {
    if (this.stopping) return;
    for (;;) {
      const experimentIds = this.scope;
      if (experimentIds?.length === 0) return;
      const claim = claimNextRun(this.o.db, this.o.self.owner, {
        limit: this.o.limit(),
        ...(experimentIds ? { experimentIds } : {}),
      });
      if (!claim) return;
      this.launch(claim);
    }
  }

  cancel(runId: number): boolean {
    const run = this.active.get(runId);
    if (!run) return false;
    run.cancelRequested = true;
    run.cancel();
    return true;
  }

  isActive(runId: number): boolean {
    return this.active.has(runId);
  }

  /** Stops the trainers and puts their runs back in the queue for the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    const running = [...this.active.values()];
    for (const run of running) run.cancel();
    await Promise.allSettled(running.map((r) => r.done));
    this.emitRecovery(requeueRuns(this.o.db, [this.o.self.owner]));
    unregisterProcess(this.o.db, this.o.self.owner);
  }

  /** Takes back the runs of owners that are gone, and ends what can no longer start. */
  recover(): void {
    const liveness = this.o.liveness ?? DEFAULT_LIVENESS;
    const gone = runOwners(this.o.db)
      .filter((owner) => ownerIsGone(owner, this.o.self, liveness))
      .map((owner) => owner.owner);
    const recovery: Recovery =
      gone.length > 0
        ? requeueRuns(this.o.db, gone)
        : { requeued: [], crashed: [], ended: endOrphanedDependants(this.o.db) };
    this.emitRecovery(recovery);
  }

  private emitRecovery(r: Recovery): void {
    for (const id of r.requeued) this.emitStatus(id);
    for (const id of r.crashed) {
      removeCheckpoints(checkpointDir(this.o.workspaceDir, id));
      this.emitStatus(id);
    }
    for (const d of r.ended) this.emitStatus(d.id);
  }

  private beat(): void {
    const { cancelRequested, lostRuns } = heartbeat(this.o.db, this.o.self, [
      ...this.active.keys(),
    ]);
    for (const id of cancelRequested) this.cancel(id);
    for (const id of lostRuns) {
      const run = this.active.get(id);
      if (!run) continue;
      run.lost = true;
      run.cancel();
    }
  }

  private log(runId: number, experimentId: number, level: RunLogLevel, message: string): void {
    recordLog(this.recorder, { id: runId, experimentId }, level, message);
  }

  /**
   * The job for a claimed run: resumed from the checkpoint of its last committed epoch, or with
   * those epochs cleared (and said so) when it cannot resume; checkpointed when its strategy can.
   */
  private jobFor(claim: ClaimedRun, checkpoints: string): TrainJob {
    const job = buildTrainJob(this.o.db, this.o.workspaceDir, claim);
    const resume = planResume(claim.config, checkpoints, storedEpochs(this.o.db, claim.id));
    if (resume.action === 'resume') {
      this.log(claim.id, claim.experimentId, 'info', resume.message);
      return { ...job, checkpoint: { dir: checkpoints, resumeFromEpoch: resume.epoch } };
    }
    if (resume.action === 'restart') {
      clearProgress(this.o.db, claim.id);
      this.log(claim.id, claim.experimentId, 'warn', resume.message);
    }
    removeCheckpoints(checkpoints);
    return resume.resumable ? { ...job, checkpoint: { dir: checkpoints } } : job;
  }

  private launch(claim: ClaimedRun): void {
    let job: TrainJob;
    try {
      job = this.jobFor(claim, checkpointDir(this.o.workspaceDir, claim.id));
    } catch (e) {
      this.end(claim, 'failed', { error: e instanceof Error ? e.message : String(e) });
      return;
    }
    this.emitStatus(claim.id);
    const run: ActiveRun = {
      claim,
      cancel: () => undefined,
      done: Promise.resolve(),
      cancelRequested: false,
      lost: false,
      lastProgressAt: 0,
      resumedFrom: job.checkpoint?.resumeFromEpoch ?? null,
    };
    this.active.set(claim.id, run);
    const handle = this.o.launch(job, (message) => {
      if (!run.lost) this.onMessage(run, message);
    });
    run.cancel = () => {
      handle.cancel();
    };
    run.done = handle.done.then((exit) => {
      this.onExit(run, exit);
    });
  }

  private onMessage(run: ActiveRun, m: TrainerToParent): void {
    if (m.type === 'progress') {
      // Batches can be thousands a second on tiny models: a few updates a second is enough.
      const now = Date.now();
      if (now - run.lastProgressAt < 200 && m.batch < m.batches) return;
      run.lastProgressAt = now;
    }
    // The outcome messages record nothing here: the outcome is taken from the process's exit
    // (onExit), which also covers crashes.
    recordMessage(this.recorder, run.claim, m);
  }

  private onExit(run: ActiveRun, exit: TrainerExit): void {
    this.active.delete(run.claim.id);
    if (run.lost || (this.stopping && exit.status !== 'completed')) {
      // Lost: another process owns the run now. Stopping: stop() puts it back in the queue, and
      // its checkpoints stay for the next start to resume from.
      this.notifyIdle();
      return;
    }
    switch (exit.status) {
      case 'completed':
        recordOutcome(this.recorder, run.claim, {
          status: 'completed',
          ...(exit.finalMetrics ? { finalMetrics: exit.finalMetrics } : {}),
          ...(exit.confusion ? { confusion: exit.confusion } : {}),
          ...(exit.model ? { model: exit.model } : {}),
        });
        break;
      case 'failed':
        if (run.resumedFrom !== null && exit.error?.includes('cannot resume') === true) {
          // The checkpoint was refused (damaged, foreign): start again rather than fail the run.
          this.restart(run, exit.error);
          break;
        }
        recordOutcome(this.recorder, run.claim, {
          status: 'failed',
          error: exit.error ?? TRAINER_FAILURE,
        });
        break;
      case 'diverged':
        recordOutcome(this.recorder, run.claim, {
          status: 'diverged',
          error: exit.error ?? TRAINER_FAILURE,
        });
        break;
      case 'cancelled':
        recordOutcome(this.recorder, run.claim, { status: 'cancelled' });
        break;
      case 'crashed': {
        // A trainer killed after a cancel's grace period was cancelled, not crashed.
        if (run.cancelRequested) {
          recordOutcome(this.recorder, run.claim, { status: 'cancelled' });
          break;
        }
        // Killed from outside (the out-of-memory killer, a signal) or a native crash: tried
        // again from its last committed epoch, up to MAX_ATTEMPTS starts, then marked crashed.
        const why = `The trainer process crashed: ${exit.error ?? describeExit(exit)}`;
        if (run.claim.attempt < MAX_ATTEMPTS) {
          this.log(
            run.claim.id,
            run.claim.experimentId,
            'warn',
            `${why}; trying again (start ${run.claim.attempt + 1} of ${MAX_ATTEMPTS}).`,
          );
          requeueRun(this.o.db, run.claim.id);
          this.emitStatus(run.claim.id);
        } else {
          recordOutcome(this.recorder, run.claim, {
            status: 'crashed',
            error: `${why} (start ${run.claim.attempt} of ${MAX_ATTEMPTS}; not tried again).`,
          });
        }
        break;
      }
    }
    this.notifyIdle();
    this.tick();
  }

  /** Back to the queue with its epochs cleared: the next start trains it from epoch 1. */
  private restart(run: ActiveRun, reason: string): void {
    const { id, experimentId } = run.claim;
    clearProgress(this.o.db, id);
    removeCheckpoints(checkpointDir(this.o.workspaceDir, id));
    this.log(id, experimentId, 'warn', `Restarting from epoch 1: ${reason}`);
    requeueRun(this.o.db, id);
    this.emitStatus(id);
  }

  private end(claim: ClaimedRun, status: EndStatus, details: Parameters<typeof endRun>[3]): void {
    endRun(this.recorder, claim, status, details);
  }

  private emitStatus(runId: number): void {
    const event = statusEvent(this.o.db, runId);
    if (event) this.o.events.emit(event);
  }

  /** Resolves when no trainer of this queue is running. */
  whenIdle(): Promise<void> {
    if (this.active.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private notifyIdle(): void {
    if (this.active.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

function describeExit(exit: TrainerExit): string {
  if (exit.signal !== null) return `signal ${exit.signal}`;
  return `exit code ${String(exit.code)}`;
}
