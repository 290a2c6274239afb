import { describe, expect, it } from 'vitest';
import { DEFAULT_LIVENESS, ownerIsGone, thisProcess } from '../../../src-main/core/liveness';
import { ingestEventFile } from '../../../src-main/core/eventIngest';
import { clusterOwner, isClusterOwner } from '../../../src-main/store/clusterOwner';
import {
  clusterTaskOf,
  experimentClusterState,
  followedTasks,
  holdForCluster,
  markCancelSent,
  readSlurmProfile,
  recordSubmission,
  restartClusterAttempt,
  saveSlurmProfile,
  saveTaskState,
  startClusterAttempts,
} from '../../../src-main/store/clusterTasks';
import type { Db } from '../../../src-main/store/db';
import { markClusterRunStarted } from '../../../src-main/store/eventCursors';
import { readRunLog } from '../../../src-main/store/runLogs';
import { requeueRuns, runOwners, slotHolders } from '../../../src-main/store/queue';
import { cancelQueuedRun, claimNextRun, getRun, listRuns } from '../../../src-main/store/runs';
import { useTempDirs } from '../../helpers/tempDir';
import {
  epoch,
  plannedWorkspace,
  runRow,
  STARTED,
  writeEventFile,
  type PlannedWorkspace,
} from './clusterWorkspace';

/**
 * Issue 16: the runs a cluster holds, in the store. A held run belongs to the scheduler: no local
 * queue claims it, counts it against the trainer limit or takes it for dead; its attempts and the
 * tasks that hold them are recorded for the cluster monitor. Real SQLite in a workspace planned by
 * the core.
 */

const tempDir = useTempDirs();
const SLURM = clusterOwner('slurm');

async function held(): Promise<PlannedWorkspace> {
  const w = await plannedWorkspace(tempDir());
  holdForCluster(w.db, [w.source, w.scratch, w.fineTune], 'slurm');
  return w;
}

/** The held runs started and submitted as one array job (task i = i-th run). */
function submit(db: Db, runIds: number[], jobId: string): void {
  const started = startClusterAttempts(db, runIds, 'slurm');
  recordSubmission(
    db,
    started.map((run, taskId) => ({
      runId: run.id,
      attempt: run.attempt,
      jobId,
      taskId,
      log: `Submitted to Slurm as task ${jobId}_${String(taskId)}`,
    })),
  );
}

function taskRows(db: Db, runId: number): unknown[] {
  return db
    .prepare(
      `SELECT attempt, executor, job_id, task_id, restarts, state, reason, cancel_sent_at
       FROM cluster_tasks WHERE run_id = ? ORDER BY attempt`,
    )
    .all(runId);
}

describe('clusterOwner', () => {
  it('names a cluster as an owner no local process can have', () => {
    expect(SLURM).toBe('cluster:slurm');
    expect(isClusterOwner(SLURM)).toBe(true);
    expect(isClusterOwner(null)).toBe(false);
    expect(isClusterOwner(thisProcess('server').owner)).toBe(false);
  });
});

describe('a run held for the cluster', () => {
  it('is held only while queued and unowned', async () => {
    const w = await plannedWorkspace(tempDir());
    const local = claimNextRun(w.db, 'server:h:1:a', { limit: 10 });
    expect(local?.id).toBe(w.source);
    holdForCluster(w.db, [w.source, w.scratch], 'slurm');
    // The running run keeps its process; the queued one is the cluster's.
    expect(runRow(w.db, w.source)).toMatchObject({ status: 'running', owner: 'server:h:1:a' });
    expect(runRow(w.db, w.scratch)).toMatchObject({ status: 'queued', owner: SLURM });
    expect(runRow(w.db, w.fineTune)).toMatchObject({ status: 'queued', owner: null });
  });

  it('is never claimed by a local queue', async () => {
    const w = await held();
    expect(claimNextRun(w.db, 'server:h:1:a', { limit: 10 })).toBeUndefined();
    expect(
      claimNextRun(w.db, 'server:h:1:a', { limit: 10, experimentIds: [w.experimentId] }),
    ).toBeUndefined();
    // Not even once its source completed: the fine-tune run waits for its own task.
    w.db.prepare(`UPDATE runs SET status = 'completed' WHERE id = ?`).run(w.source);
    expect(claimNextRun(w.db, 'server:h:1:a', { limit: 10 })).toBeUndefined();
    expect(runRow(w.db, w.fineTune)).toMatchObject({ status: 'queued', owner: SLURM });
  });

  it('does not hold a trainer slot, nor is it taken for dead, while it runs', async () => {
    const w = await plannedWorkspace(tempDir());
    holdForCluster(w.db, [w.source], 'slurm');
    submit(w.db, [w.source], '4321');
    expect(markClusterRunStarted(w.db, w.source, '2026-12-06T21:00:00.000Z')).toBe(true);
    expect(runRow(w.db, w.source)).toMatchObject({ status: 'running', owner: SLURM });

    // With one trainer allowed, this machine still starts its own run.
    const gone = 'server:other-host:99:dead';
    const local = claimNextRun(w.db, gone, { limit: 1 });
    expect(local?.id).toBe(w.scratch);
    // ...and one only: its run now holds the one slot.
    expect(claimNextRun(w.db, 'server:h:2:b', { limit: 1 })).toBeUndefined();
    expect(slotHolders(w.db)).toEqual([{ owner: gone, runs: 1 }]);

    // The liveness check is asked about the local owner only, never about the cluster.
    const owners = runOwners(w.db);
    expect(owners.map((o) => o.owner)).toEqual([gone]);
    const self = thisProcess('server');
    const dead = owners.filter((o) =>
      ownerIsGone(o, self, DEFAULT_LIVENESS, Date.now() + 3_600_000),
    );
    expect(dead.map((o) => o.owner)).toEqual([gone]);
    const recovery = requeueRuns(
      w.db,
      dead.map((o) => o.owner),
    );
    expect(recovery.requeued).toEqual([w.scratch]);
    expect(runRow(w.db, w.source)).toMatchObject({ status: 'running', owner: SLURM });
  });
});

describe('cluster attempts and tasks', () => {
  it('startClusterAttempts bumps the attempt and writes a task row with no job yet', async () => {
    const w = await held();
    w.db.prepare(`UPDATE runs SET error = 'old', cancel_requested = 1 WHERE id = ?`).run(w.scratch);
    // A run cancelled meanwhile is left out.
    expect(cancelQueuedRun(w.db, w.fineTune)).toEqual([w.fineTune]);
    const started = startClusterAttempts(w.db, [w.source, w.scratch, w.fineTune], 'slurm');
    expect(started.map((r) => [r.id, r.attempt, r.dependsOn])).toEqual([
      [w.source, 1, null],
      [w.scratch, 1, null],
    ]);
    expect(started[0]?.config.kind).toBe('source');
    expect(started[0]?.experimentId).toBe(w.experimentId);
    expect(runRow(w.db, w.scratch)).toMatchObject({
      status: 'queued',
      attempts: 1,
      error: null,
      cancel_requested: 0,
    });
    expect(taskRows(w.db, w.scratch)).toEqual([
      {
        attempt: 1,
        executor: 'slurm',
        job_id: null,
        task_id: null,
        restarts: 0,
        state: null,
        reason: null,
        cancel_sent_at: null,
      },
    ]);
    expect(taskRows(w.db, w.fineTune)).toEqual([]);
    expect(runRow(w.db, w.fineTune).attempts).toBe(0);
    // A run not held is not started on a cluster.
    const w2 = await plannedWorkspace(tempDir());
    expect(startClusterAttempts(w2.db, [w2.source], 'slurm')).toEqual([]);
    expect(taskRows(w2.db, w2.source)).toEqual([]);
  });

  it('recordSubmission stores sbatch’s answer and a log line per run', async () => {
    const w = await held();
    submit(w.db, [w.source, w.scratch], '4321');
    expect(taskRows(w.db, w.scratch)).toEqual([
      expect.objectContaining({ attempt: 1, job_id: '4321', task_id: 1, state: 'PENDING' }),
    ]);
    const submittedAt = (
      w.db.prepare('SELECT submitted_at FROM cluster_tasks WHERE run_id = ?').get(w.scratch) as {
        submitted_at: string | null;
      }
    ).submitted_at;
    expect(Number.isNaN(Date.parse(submittedAt ?? ''))).toBe(false);
    expect(readRunLog(w.db, w.scratch).map((l) => [l.level, l.message])).toEqual([
      ['info', 'Submitted to Slurm as task 4321_1'],
    ]);
  });

  it('clusterTaskOf and getRun name the current attempt’s task; a local run has none', async () => {
    const w = await held();
    expect(clusterTaskOf(w.db, w.source)).toBeNull();
    submit(w.db, [w.source], '4321');
    saveTaskState(w.db, w.source, 1, 'RUNNING', 'None');
    const task = {
      executor: 'slurm',
      attempt: 1,
      jobId: '4321',
      taskId: 0,
      state: 'RUNNING',
      reason: 'None',
      submittedAt: expect.any(String) as unknown,
    };
    expect(clusterTaskOf(w.db, w.source)).toEqual(task);
    expect(getRun(w.db, w.source)?.cluster).toEqual(task);
    const local = await plannedWorkspace(tempDir());
    expect(clusterTaskOf(local.db, local.source)).toBeNull();
    expect(getRun(local.db, local.source)).not.toHaveProperty('cluster');
  });

  it('followedTasks lists held runs’ tasks and ended runs’ tasks not yet cancelled', async () => {
    const w = await held();
    // Not yet submitted: nothing to ask the scheduler about.
    startClusterAttempts(w.db, [w.source], 'slurm');
    expect(followedTasks(w.db)).toEqual([]);

    const w2 = await held();
    submit(w2.db, [w2.source, w2.scratch, w2.fineTune], '4321');
    expect(followedTasks(w2.db)).toEqual(
      [w2.source, w2.scratch, w2.fineTune].map((runId, taskId) => ({
        runId,
        experimentId: w2.experimentId,
        attempt: 1,
        runStatus: 'queued',
        runAttempt: 1,
        cancelRequested: false,
        executor: 'slurm',
        jobId: '4321',
        taskId,
        restarts: 0,
        state: 'PENDING',
        reason: null,
        cancelSentAt: null,
        outcomeIngested: false,
        dependsOn: runId === w2.fineTune ? w2.source : null,
      })),
    );
    // A task the scheduler says ended is followed no more.
    saveTaskState(w2.db, w2.scratch, 1, 'COMPLETED', null);
    // A run that ended in the workspace: its task is followed until its scancel is sent.
    expect(cancelQueuedRun(w2.db, w2.fineTune)).toEqual([w2.fineTune]);
    expect(followedTasks(w2.db).map((t) => [t.runId, t.runStatus])).toEqual([
      [w2.source, 'queued'],
      [w2.fineTune, 'cancelled'],
    ]);
    markCancelSent(w2.db, w2.fineTune, 1);
    expect(followedTasks(w2.db).map((t) => t.runId)).toEqual([w2.source]);
    // A held run's task stays followed after a cancel was sent: it may still be running.
    markCancelSent(w2.db, w2.source, 1);
    expect(followedTasks(w2.db)).toEqual([
      expect.objectContaining({ runId: w2.source, cancelSentAt: expect.any(String) as unknown }),
    ]);
  });

  it('restartClusterAttempt starts the run again as attempt first + restarts', async () => {
    const w = await held();
    submit(w.db, [w.source], '4321');
    // The first attempt trained one epoch before its node was preempted.
    writeEventFile(w.dir, w.source, 1, [STARTED, epoch(1)]);
    expect(
      ingestEventFile(w.ctx, { runId: w.source, attempt: 1, file: eventFile(w, 1) }),
    ).toMatchObject({
      epochs: 1,
    });
    expect(runRow(w.db, w.source)).toMatchObject({ status: 'running', epochs_done: 1 });
    const [task] = followedTasks(w.db);
    if (!task) throw new Error('the task is followed');

    // Slurm says the task was requeued twice since (SLURM_RESTART_COUNT 2).
    const attempt = restartClusterAttempt(w.db, task, 2, 'Slurm requeued task 4321_0.');
    expect(attempt).toBe(3);
    expect(runRow(w.db, w.source)).toMatchObject({
      status: 'queued',
      owner: SLURM,
      attempts: 3,
      epochs_done: 0,
    });
    const count = (table: string): unknown =>
      w.db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE run_id = ?`).get(w.source);
    expect(count('metrics')).toEqual({ n: 0 });
    expect(count('run_metric_summary')).toEqual({ n: 0 });
    expect(taskRows(w.db, w.source)).toEqual([
      expect.objectContaining({ attempt: 1, state: 'REQUEUED', restarts: 0 }),
      expect.objectContaining({
        attempt: 3,
        job_id: '4321',
        task_id: 0,
        restarts: 2,
        state: 'PENDING',
      }),
    ]);
    expect(readRunLog(w.db, w.source).at(-1)).toMatchObject({
      level: 'warn',
      message: 'Slurm requeued task 4321_0.',
    });
    expect(clusterTaskOf(w.db, w.source)).toMatchObject({ attempt: 3, state: 'PENDING' });
    // The old attempt's file is refused from now on.
    expect(() =>
      ingestEventFile(w.ctx, { runId: w.source, attempt: 1, file: eventFile(w, 1) }),
    ).toThrow(/not running attempt 1/);
    // The restarted worker (SLURM_RESTART_COUNT 2) records attempt 3: that file is taken.
    writeEventFile(w.dir, w.source, 3, [STARTED]);
    expect(
      ingestEventFile(w.ctx, { runId: w.source, attempt: 3, file: eventFile(w, 3) }),
    ).toMatchObject({ events: 1 });
    expect(runRow(w.db, w.source)).toMatchObject({ status: 'running', attempts: 3 });
    // Only the current attempt's task is followed. The old row names the same Slurm task
    // (4321_0), now the restarted one: taken as "not current" by ClusterMonitor.follow, it would
    // be sent `scancel 4321_0` and the restarted attempt cancelled at the next scheduler pass.
    expect(followedTasks(w.db)).toEqual([
      expect.objectContaining({ runId: w.source, attempt: 3, runAttempt: 3, restarts: 2 }),
    ]);
  });

  it('experimentClusterState counts runs per job and per scheduler state', async () => {
    const w = await held();
    expect(experimentClusterState(w.db, w.experimentId)).toEqual({ jobs: [], waiting: [] });
    startClusterAttempts(w.db, [w.fineTune], 'slurm');
    submit(w.db, [w.source, w.scratch], '100');
    saveTaskState(w.db, w.scratch, 1, 'PENDING', 'Resources');
    expect(experimentClusterState(w.db, w.experimentId)).toEqual({
      jobs: [{ jobId: '100', runs: 2 }],
      waiting: [
        { state: 'PENDING', reason: null, runs: 1 },
        { state: 'PENDING', reason: 'Resources', runs: 1 },
        { state: 'SUBMITTING', reason: null, runs: 1 },
      ],
    });
    // An ended run is not waiting any more, but its job still held it.
    w.db.prepare(`UPDATE runs SET status = 'completed' WHERE id = ?`).run(w.source);
    expect(experimentClusterState(w.db, w.experimentId).waiting).toEqual([
      { state: 'PENDING', reason: 'Resources', runs: 1 },
      { state: 'SUBMITTING', reason: null, runs: 1 },
    ]);
    expect(experimentClusterState(w.db, w.experimentId + 1)).toEqual({ jobs: [], waiting: [] });
  });
});

describe('the saved Slurm profile', () => {
  it('is absent until saved, reads back as saved, and can be removed', async () => {
    const w = await plannedWorkspace(tempDir());
    expect(readSlurmProfile(w.db)).toBeNull();
    const profile = {
      partition: 'gpu',
      time: '02:00:00',
      cpusPerTask: 2,
      sbatchArgs: ['--qos=high'],
    };
    saveSlurmProfile(w.db, profile);
    expect(readSlurmProfile(w.db)).toEqual(profile);
    saveSlurmProfile(w.db, { mem: '4G' });
    expect(readSlurmProfile(w.db)).toEqual({ mem: '4G' });
    saveSlurmProfile(w.db, null);
    expect(readSlurmProfile(w.db)).toBeNull();
  });

  it('refuses a stored profile that no longer validates, naming it', async () => {
    const w = await plannedWorkspace(tempDir());
    w.db
      .prepare(`INSERT INTO settings (key, value) VALUES ('slurm_profile', ?)`)
      .run(JSON.stringify({ cpusPerTask: 0 }));
    expect(() => readSlurmProfile(w.db)).toThrow(/Slurm profile/);
  });
});

function eventFile(w: PlannedWorkspace, attempt: number): string {
  return `${w.dir}/cluster/${String(w.source)}/${String(attempt)}/events.jsonl`;
}

describe('a run’s summary says it is Slurm’s (issue 16)', () => {
  it('from its hand-over on, and only for the runs handed over', async () => {
    const w = await plannedWorkspace(tempDir());
    const executors = (): [number, string | undefined][] =>
      listRuns(w.db, { experimentId: w.experimentId })
        .map((r): [number, string | undefined] => [r.id, r.executor])
        .sort((a, b) => a[0] - b[0]);
    expect(executors()).toEqual([
      [w.source, undefined],
      [w.scratch, undefined],
      [w.fineTune, undefined],
    ]);
    // Held before its task row exists (between the hand-over and sbatch's answer)…
    holdForCluster(w.db, [w.source, w.fineTune], 'slurm');
    expect(executors()).toEqual([
      [w.source, 'slurm'],
      [w.scratch, undefined],
      [w.fineTune, 'slurm'],
    ]);
    // …submitted, and still Slurm's once it ended (owner cleared, its task row stays).
    submit(w.db, [w.source, w.fineTune], '77');
    expect(cancelQueuedRun(w.db, w.source)).toEqual([w.source, w.fineTune]);
    expect(executors()).toEqual([
      [w.source, 'slurm'],
      [w.scratch, undefined],
      [w.fineTune, 'slurm'],
    ]);
    expect(getRun(w.db, w.source)?.executor).toBe('slurm');
  });
});
