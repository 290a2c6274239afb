import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readEventsFrom } from '../cluster/eventFile';
import type { SlurmCallOptions } from '../cluster/slurm/command';
import { arrayTaskStates, slurmPhase, type SlurmTaskState } from '../cluster/slurm/status';
import { cancelJob } from '../cluster/slurm/submit';
import {
  followedTasks,
  markCancelSent,
  restartClusterAttempt,
  saveTaskState,
  type FollowedTask,
} from '../store/clusterTasks';
import { readEventCursor, readIngestTarget } from '../store/eventCursors';
import { runStatus } from '../store/runs';
import { emitStatus, type CoreContext } from './context';
import { eventFilePath, ingestEventFile, ingestPending, type PendingIngest } from './eventIngest';
import { endRun, recordLog, type RecorderContext, immediateRecorder } from './runRecorder';
import { slurmEnding } from './slurmEnding';

/**
 * Follows the runs a cluster holds (issue 16, points 3 and 4). Any process with the workspace
 * open runs one: every tick it ingests what is new in the event files, and every few ticks it
 * asks Slurm (squeue, then scontrol for finished tasks) about the tasks whose runs have not
 * ended. From the answer it
 *  - ends a run whose task ended without an outcome, with Slurm's reason (slurmEnding.ts);
 *  - starts a requeued task's run again as a new attempt;
 *  - sends scancel for a run cancelled in Transferlab, or ended here while its task still waits
 *    or runs (its source failed).
 * Two processes may both do it: ingestion is idempotent, an ending re-checks the run in the
 * database first, and scancel twice is harmless.
 */

export interface ClusterMonitorOptions {
  ctx: Pick<CoreContext, 'db' | 'workspaceDir' | 'events'>;
  slurm: SlurmCallOptions;
  /** How often to ingest event files. */
  pollMs: number;
  /** How often to ask the scheduler (each call runs squeue/scontrol per array job). */
  schedulerPollMs: number;
}

export interface SchedulerPass {
  /** Runs this pass ended from the scheduler's state. */
  ended: { runId: number; status: string; error: string }[];
  restarted: number[];
  cancelsSent: number[];
  /** The scheduler could not be asked (slurmctld down): said, and tried again later. */
  problems: string[];
}

export class ClusterMonitor {
  private timer: NodeJS.Timeout | undefined;
  private lastSchedulerPass = 0;
  private passing: Promise<SchedulerPass> | null = null;
  private readonly recorder: RecorderContext;

  constructor(private readonly o: ClusterMonitorOptions) {
    this.recorder = immediateRecorder(o.ctx);
  }

  start(): void {
    this.timer = setInterval(() => {
      this.tick();
    }, this.o.pollMs);
  }

  stop(): Promise<unknown> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    return this.passing ?? Promise.resolve();
  }

  /** Ingests; asks the scheduler when it is time and no pass is under way. */
  private tick(): void {
    ingestPending(this.o.ctx);
    if (this.passing !== null) return;
    if (Date.now() - this.lastSchedulerPass < this.o.schedulerPollMs) return;
    void this.pass();
  }

  /** Ingest, then one pass over the scheduler (what `transferlab sync` does once). */
  async sync(): Promise<{ ingest: PendingIngest; scheduler: SchedulerPass }> {
    const ingest = ingestPending(this.o.ctx);
    const scheduler = await this.pass();
    return { ingest, scheduler };
  }

  /** One pass over the scheduler; a pass already under way is joined, not doubled. */
  pass(): Promise<SchedulerPass> {
    if (this.passing === null) {
      this.passing = this.schedulerPass().finally(() => {
        this.lastSchedulerPass = Date.now();
        this.passing = null;
      });
    }
    return this.passing;
  }

  private async schedulerPass(): Promise<SchedulerPass> {
    const result: SchedulerPass = { ended: [], restarted: [], cancelsSent: [], problems: [] };
    const tasks = followedTasks(this.o.ctx.db);
    const byJob = new Map<string, FollowedTask[]>();
    for (const task of tasks) byJob.set(task.jobId, [...(byJob.get(task.jobId) ?? []), task]);
    for (const [jobId, jobTasks] of byJob) {
      let states: SlurmTaskState[];
      try {
        const count = Math.max(...jobTasks.map((t) => t.taskId)) + 1;
        states = await arrayTaskStates(jobId, count, this.o.slurm);
      } catch (e) {
        result.problems.push(`Slurm job ${jobId}: ${e instanceof Error ? e.message : String(e)}`);
        continue;
      }
      for (const task of jobTasks) {
        const state = states[task.taskId];
        if (state) await this.follow(task, state, result);
      }
    }
    return result;
  }

  private async follow(
    task: FollowedTask,
    state: SlurmTaskState,
    result: SchedulerPass,
  ): Promise<void> {
    const { db } = this.o.ctx;
    const phase = slurmPhase(state.state);
    if (state.state !== task.state || (state.reason ?? null) !== task.reason) {
      saveTaskState(db, task.runId, task.attempt, state.state, state.reason ?? null);
      // Clients showing the run (its page says what Slurm says) read it again.
      emitStatus(this.o.ctx, task.runId);
    }
    const current =
      (task.runStatus === 'queued' || task.runStatus === 'running') &&
      task.attempt === task.runAttempt;

    // Ended in the workspace (not by its own outcome), or asked to stop: the task must stop too.
    const mustStop = (!current && !task.outcomeIngested) || (current && task.cancelRequested);
    if (mustStop && phase !== 'ended' && task.cancelSentAt === null) {
      try {
        await cancelJob({ jobId: task.jobId, taskId: task.taskId }, this.o.slurm);
        markCancelSent(db, task.runId, task.attempt);
        result.cancelsSent.push(task.runId);
      } catch (e) {
        result.problems.push(`scancel ${task.jobId}_${String(task.taskId)}: ${messageOf(e)}`);
      }
      return;
    }
    if (!current) return;

    // squeue does not say how often a task was requeued, scontrol does (once squeue no longer
    // lists it); the restarted worker's own event file (the next attempt's) says it at once.
    const nextAttemptStarted = existsSync(
      eventFilePath(this.o.ctx.workspaceDir, task.runId, task.attempt + 1),
    );
    // A task waiting again while its run already trained was requeued too.
    const waitingAgain = phase === 'waiting' && task.runStatus === 'running';
    const restarts = Math.max(
      state.restarts ?? 0,
      nextAttemptStarted || waitingAgain ? task.restarts + 1 : 0,
    );
    if (restarts > task.restarts && !task.cancelRequested) {
      restartClusterAttempt(
        db,
        task,
        restarts,
        `Slurm requeued task ${task.jobId}_${String(task.taskId)} (restart ${String(restarts)}` +
          `${state.reason ? `, ${state.reason}` : ''}); its run starts again from epoch 1.`,
      );
      emitStatus(this.o.ctx, task.runId);
      result.restarted.push(task.runId);
      return;
    }
    if (phase !== 'ended') return;

    // The task is over: take what its worker wrote, then end the run if that did not.
    const file = eventFilePath(this.o.ctx.workspaceDir, task.runId, task.attempt);
    let workerCancelled = false;
    if (existsSync(file)) {
      try {
        ingestEventFile(this.o.ctx, { runId: task.runId, attempt: task.attempt, file });
        workerCancelled = heldBackCancel(db, task, file);
      } catch (e) {
        result.problems.push(messageOf(e));
      }
    }
    const run = readIngestTarget(db, task.runId);
    if (
      !run ||
      (run.status !== 'queued' && run.status !== 'running') ||
      run.attempt !== task.attempt
    )
      return;
    // Slurm cancels a task whose source task failed as soon as it sees that, possibly before
    // this monitor has seen the source's own end. The source run's ending ends this run too,
    // with the workspace's words for it (as for a local run), so the source goes first.
    if (waitsForSourceEnding(db, task.dependsOn, state)) return;
    const ending = slurmEnding(state, {
      cancelRequested: run.cancelRequested,
      workerCancelled,
      logFile: join(
        this.o.ctx.workspaceDir,
        'cluster',
        'logs',
        `${task.jobId}_${String(task.taskId)}.err`,
      ),
    });
    recordLog(this.recorder, run, ending.status === 'cancelled' ? 'info' : 'error', ending.error);
    endRun(this.recorder, run, ending.status, { error: ending.error });
    result.ended.push({ runId: run.id, ...ending });
  }
}

/** A task Slurm cancelled for its dependency, while its source run has not ended here yet. */
export function waitsForSourceEnding(
  db: CoreContext['db'],
  dependsOn: number | null,
  state: SlurmTaskState,
): boolean {
  if (dependsOn === null || state.state !== 'CANCELLED' || !/Dependency/i.test(state.reason ?? ''))
    return false;
  const source = runStatus(db, dependsOn)?.status;
  return source === 'queued' || source === 'running';
}

/** Whether the event file's next line, not yet ingested, is a 'cancelled' held back. */
function heldBackCancel(db: CoreContext['db'], task: FollowedTask, file: string): boolean {
  const cursor = readEventCursor(db, task.runId, task.attempt);
  const next = readEventsFrom(
    file,
    cursor ? { offset: cursor.offset, seq: cursor.seq, ended: cursor.ended } : undefined,
  );
  return next.events.at(-1)?.message.type === 'cancelled';
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
