import { FinalMetricsSchema, type RunStatus } from '../../src-shared/domain/runs';
import type { TrainJob, TrainerToParent } from '../engine/protocol';
import type { TrainerExit } from '../engine/trainer/host';
import type { Db } from '../store/db';
import { insertEpoch } from '../store/metrics';
import { readJson } from '../store/json';
import { appendRunLog } from '../store/runLogs';
import { recordTransferability } from '../store/transferability';
import {
  claimNextRun,
  finishRun,
  heartbeat,
  markStarted,
  recordSourceModel,
  requeueRuns,
  type ClaimedRun,
  type EndStatus,
} from '../store/runs';
import { buildTrainJob } from './trainJob';
import type { EventBus } from './events';

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
  /** Identifies this process as the executor of the runs it claims. */
  owner: string;
  concurrency: number;
  /** 'all' queued runs, or only those of experiments this process registers with `adopt`. */
  scope: 'all' | 'own';
  /** How often to look for runs queued by other processes and to heartbeat. */
  pollMs?: number;
  /** A running run whose heartbeat is older than this belongs to a dead process. */
  staleMs?: number;
}

interface ActiveRun {
  claim: ClaimedRun;
  cancel(): void;
  done: Promise<void>;
  cancelRequested: boolean;
  lastProgressAt: number;
}

/**
 * Executes queued runs in trainer processes and writes what they stream to the store. The queue
 * itself lives in the database, so it survives this process: runs interrupted by a close go back
 * to 'queued' and continue at the next start (they are deterministic, so restarting is exact).
 */
export class RunQueue {
  private readonly active = new Map<number, ActiveRun>();
  private readonly ownExperiments = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly o: RunQueueOptions) {}

  start(): void {
    const staleBefore = new Date(Date.now() - (this.o.staleMs ?? 30_000)).toISOString();
    const { requeued, crashed } = requeueRuns(this.o.db, { staleBefore });
    for (const id of requeued) this.emitStatus(id, 'queued', null);
    for (const id of crashed)
      this.emitStatus(id, 'crashed', 'The process running it stopped too often.');
    this.timer = setInterval(() => {
      this.beat();
      this.tick();
    }, this.o.pollMs ?? 1000);
    this.tick();
  }

  /** Lets an 'own' queue execute this experiment's runs. */
  adopt(experimentId: number): void {
    this.ownExperiments.add(experimentId);
    this.tick();
  }

  /** Looks for claimable runs and starts trainers up to the concurrency limit. */
  tick(): void {
    if (this.stopping) return;
    while (this.active.size < this.o.concurrency) {
      const scope = this.o.scope === 'all' ? undefined : [...this.ownExperiments];
      if (scope?.length === 0) return;
      const claim = claimNextRun(this.o.db, this.o.owner, scope);
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
    const { requeued } = requeueRuns(this.o.db, { owner: this.o.owner });
    for (const id of requeued) this.emitStatus(id, 'queued', null);
  }

  private beat(): void {
    if (this.active.size === 0) return;
    for (const id of heartbeat(this.o.db, this.o.owner)) this.cancel(id);
  }

  private launch(claim: ClaimedRun): void {
    let job: TrainJob;
    try {
      job = buildTrainJob(this.o.db, this.o.workspaceDir, claim);
    } catch (e) {
      this.end(claim, 'failed', { error: e instanceof Error ? e.message : String(e) });
      return;
    }
    this.emitStatus(claim.id, 'running', null);
    const run: ActiveRun = {
      claim,
      cancel: () => undefined,
      done: Promise.resolve(),
      cancelRequested: false,
      lastProgressAt: 0,
    };
    this.active.set(claim.id, run);
    const handle = this.o.launch(job, (message) => {
      this.onMessage(run, message);
    });
    run.cancel = () => {
      handle.cancel();
    };
    run.done = handle.done.then((exit) => {
      this.onExit(run, exit);
    });
  }

  private onMessage(run: ActiveRun, m: TrainerToParent): void {
    const { id, experimentId } = run.claim;
    const epochs = run.claim.config.training.epochs;
    switch (m.type) {
      case 'started':
        markStarted(
          this.o.db,
          id,
          m.environment,
          m.dataHash,
          m.inputAdapter ?? null,
          m.splitSizes ?? null,
        );
        this.emitStatus(id, 'running', null, m.environment.backend);
        return;
      case 'progress': {
        // Batches can be thousands a second on tiny models: a few updates a second is enough.
        const now = Date.now();
        if (now - run.lastProgressAt < 200 && m.batch < m.batches) return;
        run.lastProgressAt = now;
        this.o.events.emit({
          type: 'run.progress',
          runId: id,
          experimentId,
          epoch: m.epoch,
          epochs: m.epochs,
          batch: m.batch,
          batches: m.batches,
        });
        return;
      }
      case 'epoch': {
        insertEpoch(this.o.db, id, m.epoch, m.values, m.elapsedS);
        const values: Record<string, number | null> = {};
        for (const [k, v] of Object.entries(m.values)) values[k] = Number.isFinite(v) ? v : null;
        this.o.events.emit({
          type: 'run.epoch',
          runId: id,
          experimentId,
          epoch: m.epoch,
          epochs,
          values,
          elapsedS: m.elapsedS,
        });
        return;
      }
      case 'transferability':
        recordTransferability(this.o.db, id, m.scores, m.samples);
        return;
      case 'calibration':
        // Only a plan's calibration job sends timings; a queued run never asks for them.
        return;
      case 'log':
        appendRunLog(this.o.db, id, m.level, m.message);
        if (m.level === 'warn' || m.level === 'error') console.error(`[run ${id}] ${m.message}`);
        return;
      case 'completed':
      case 'failed':
      case 'cancelled':
        // The outcome is taken from the process's exit (onExit), which also covers crashes.
        return;
    }
  }

  private onExit(run: ActiveRun, exit: TrainerExit): void {
    this.active.delete(run.claim.id);
    if (this.stopping && exit.status !== 'completed') {
      // Interrupted by the app closing: stop() puts it back in the queue.
      this.notifyIdle();
      return;
    }
    switch (exit.status) {
      case 'completed':
        if (exit.model)
          recordSourceModel(
            this.o.db,
            run.claim.id,
            run.claim.domainId,
            exit.model.hash,
            exit.model.dir,
          );
        this.end(run.claim, 'completed', {
          ...(exit.finalMetrics ? { finalMetrics: exit.finalMetrics } : {}),
          ...(exit.confusion ? { confusion: exit.confusion } : {}),
        });
        break;
      case 'failed':
      case 'diverged':
        this.end(run.claim, exit.status, {
          error: exit.error ?? 'The trainer reported a failure.',
        });
        break;
      case 'cancelled':
        this.end(run.claim, 'cancelled', { error: 'Cancelled by the user.' });
        break;
      case 'crashed':
        // A trainer killed after a cancel's grace period was cancelled, not crashed.
        if (run.cancelRequested)
          this.end(run.claim, 'cancelled', { error: 'Cancelled by the user.' });
        else
          this.end(run.claim, 'failed', {
            error: `The trainer process crashed: ${exit.error ?? describeExit(exit)}`,
          });
        break;
    }
    this.notifyIdle();
    this.tick();
  }

  private end(
    claim: ClaimedRun,
    status: EndStatus,
    details: Parameters<typeof finishRun>[3],
  ): void {
    const { dependants, dependantStatus } = finishRun(this.o.db, claim.id, status, details);
    this.emitStatus(claim.id, status, details?.error ?? null);
    for (const d of dependants) {
      this.emitStatus(d, dependantStatus, `Its source run #${claim.id} ended ${status}.`);
    }
  }

  private emitStatus(
    runId: number,
    status: RunStatus,
    error: string | null,
    backend: string | null = null,
  ): void {
    const row = this.o.db
      .prepare('SELECT experiment_id, backend, final_metrics FROM runs WHERE id = ?')
      .get(runId) as
      { experiment_id: number; backend: string | null; final_metrics: string | null } | undefined;
    if (!row) return;
    this.o.events.emit({
      type: 'run.status',
      runId,
      experimentId: row.experiment_id,
      status,
      backend: backend ?? row.backend,
      error,
      ...(status === 'completed' && row.final_metrics !== null
        ? { finalMetrics: readJson(FinalMetricsSchema, row.final_metrics, 'final metrics') }
        : {}),
    });
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
