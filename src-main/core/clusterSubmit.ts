import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SlurmOptions } from '../../src-shared/domain/cluster';
import { AppFailure, type Issue } from '../../src-shared/result';
import { ATTEMPT_PLACEHOLDER, JOB_FILE_VERSION, writeJobFile } from '../cluster/jobFile';
import type { SlurmCallOptions } from '../cluster/slurm/command';
import {
  SbatchOptionError,
  sbatchScript,
  type ArrayJobRequest,
  type WorkerLauncher,
} from '../cluster/slurm/sbatchScript';
import { submitArrayJob } from '../cluster/slurm/submit';
import {
  clusterTaskOf,
  recordSubmission,
  startClusterAttempts,
  type HeldRun,
  type SubmittedTask,
} from '../store/clusterTasks';
import { getSourceModel, runStatus } from '../store/runs';
import { emitStatus, type CoreContext } from './context';
import { eventFilePath } from './eventIngest';
import { endRun, immediateRecorder } from './runRecorder';
import { buildTrainJob } from './trainJob';

/**
 * Submitting held runs to Slurm (issue 16, point 1). Source runs go in one array job; the
 * transfer runs waiting for one source run go in an array of their own that depends on that
 * source's task (`afterok:<job>_<task>`), so no transfer task waits in a slot for its source and
 * a failed source cancels exactly its own transfer runs (`--kill-on-invalid-dep=yes`, where the
 * workspace ends them as a local run's dependants end). Transfer runs that need no source run,
 * or whose source completed before, go in one array without a dependency. Every task runs
 * `transferlab worker <job file>` from this install (sbatchScript.ts installedWorker).
 */

export interface SlurmSubmitter {
  /** The Slurm clients' environment (SLURM_CONF) and time limit. */
  call: SlurmCallOptions;
  worker: WorkerLauncher;
}

export interface SubmitSummary {
  /** sbatch's job ids, in submission order, with what each holds. */
  jobs: { jobId: string; name: string; runIds: number[] }[];
  /** Runs that could not be submitted, now failed with the reason. */
  failed: { runId: number; error: string }[];
}

/**
 * Refuses options sbatch would misread before anything is created, each at its field (`time`,
 * `sbatchArgs.1`): every option is checked alone, so all problems are told at once.
 */
export function checkSlurmOptions(options: SlurmOptions, worker: WorkerLauncher): void {
  const issues: Issue[] = [];
  const check = (path: string, alone: SlurmOptions): void => {
    try {
      sbatchScript(arrayRequest('check', '/', 1, '/', alone, worker));
    } catch (e) {
      if (!(e instanceof SbatchOptionError)) throw e;
      issues.push({ path, message: e.message });
    }
  };
  for (const [key, value] of Object.entries(options)) {
    if (key === 'sbatchArgs') continue;
    check(key, { [key]: value });
  }
  options.sbatchArgs?.forEach((arg, i) => {
    check(`sbatchArgs.${String(i)}`, { sbatchArgs: [arg] });
  });
  if (issues.length > 0) {
    throw new AppFailure(
      'invalid_input',
      `Slurm options refused: ${issues.map((i) => i.message).join('; ')}`,
      issues,
    );
  }
}

export async function submitHeldRuns(
  ctx: Pick<CoreContext, 'db' | 'workspaceDir' | 'events'>,
  runIds: readonly number[],
  options: SlurmOptions,
  submitter: SlurmSubmitter,
): Promise<SubmitSummary> {
  try {
    return await submitAll(ctx, runIds, options, submitter);
  } catch (e) {
    // Whatever stopped the submission (a full disk, a bug), no held run may wait for a task
    // that will never exist: those without a job end failed, saying why.
    const recorder = immediateRecorder(ctx);
    for (const id of runIds) {
      const queued = runStatus(ctx.db, id)?.status === 'queued';
      if (queued && (clusterTaskOf(ctx.db, id)?.jobId ?? null) === null) {
        endRun(recorder, { id }, 'failed', {
          error: `Submission to Slurm stopped: ${messageOf(e)}`,
        });
      }
    }
    throw e;
  }
}

async function submitAll(
  ctx: Pick<CoreContext, 'db' | 'workspaceDir' | 'events'>,
  runIds: readonly number[],
  options: SlurmOptions,
  submitter: SlurmSubmitter,
): Promise<SubmitSummary> {
  const { db, workspaceDir } = ctx;
  const recorder = immediateRecorder(ctx);
  const summary: SubmitSummary = { jobs: [], failed: [] };
  const fail = (run: Pick<HeldRun, 'id'>, error: string): void => {
    endRun(recorder, run, 'failed', { error });
    summary.failed.push({ runId: run.id, error });
  };

  const held = startClusterAttempts(db, runIds, 'slurm');
  const batchDir = join(
    workspaceDir,
    'cluster',
    'jobs',
    `${new Date().toISOString().replaceAll(':', '-')}-${String(process.pid)}`,
  );
  const logsDir = join(workspaceDir, 'cluster', 'logs');
  mkdirSync(logsDir, { recursive: true });
  // The task each held run of this batch will be, once its array is submitted.
  const taskOfRun = new Map<number, { jobId: string; taskId: number }>();

  const submitGroup = async (
    name: string,
    runs: readonly HeldRun[],
    dependsOnTask: { jobId: string; taskId: number } | null,
  ): Promise<void> => {
    const jobsDir = join(batchDir, name);
    mkdirSync(jobsDir, { recursive: true });
    const ready: HeldRun[] = [];
    for (const run of runs) {
      try {
        writeRunJobFile(ctx, run, join(jobsDir, `${String(ready.length)}.json`));
        ready.push(run);
      } catch (e) {
        fail(run, `Could not write its job file: ${messageOf(e)}`);
      }
    }
    if (ready.length === 0) return;
    const request = arrayRequest(name, jobsDir, ready.length, logsDir, options, submitter.worker, {
      ...(dependsOnTask
        ? {
            dependency: {
              type: 'afterok',
              jobIds: [`${dependsOnTask.jobId}_${String(dependsOnTask.taskId)}`],
            },
          }
        : {}),
    });
    let jobId: string;
    try {
      ({ jobId } = await submitArrayJob(request, join(jobsDir, 'job.sbatch'), submitter.call));
    } catch (e) {
      for (const run of ready) fail(run, `Slurm refused the job: ${messageOf(e)}`);
      return;
    }
    const submitted: SubmittedTask[] = ready.map((run, taskId) => ({
      runId: run.id,
      attempt: run.attempt,
      jobId,
      taskId,
      log:
        `Submitted to Slurm as task ${jobId}_${String(taskId)} of ${name}` +
        (dependsOnTask
          ? `, after task ${dependsOnTask.jobId}_${String(dependsOnTask.taskId)}`
          : '') +
        ` (script ${join(jobsDir, 'job.sbatch')}; log ${join(logsDir, `${jobId}_${String(taskId)}.err`)}).`,
    }));
    recordSubmission(db, submitted);
    for (const t of submitted) taskOfRun.set(t.runId, { jobId, taskId: t.taskId });
    for (const t of submitted) emitStatus(ctx, t.runId);
    summary.jobs.push({ jobId, name, runIds: ready.map((r) => r.id) });
  };

  const sources = held.filter((run) => run.config.kind === 'source');
  if (sources.length > 0) await submitGroup('sources', sources, null);

  // Transfer runs, grouped by the task they wait for.
  const free: HeldRun[] = [];
  const bySource = new Map<number, { task: { jobId: string; taskId: number }; runs: HeldRun[] }>();
  for (const run of held) {
    if (run.config.kind === 'source') continue;
    const wait = sourceWait(ctx, run, taskOfRun);
    if (wait.kind === 'none') free.push(run);
    else if (wait.kind === 'refused') fail(run, wait.error);
    else {
      const group = bySource.get(wait.sourceRunId) ?? { task: wait.task, runs: [] };
      group.runs.push(run);
      bySource.set(wait.sourceRunId, group);
    }
  }
  if (free.length > 0) await submitGroup('transfer', free, null);
  for (const [sourceRunId, group] of bySource) {
    await submitGroup(`transfer-from-${String(sourceRunId)}`, group.runs, group.task);
  }
  return summary;
}

type SourceWait =
  | { kind: 'none' }
  | { kind: 'task'; sourceRunId: number; task: { jobId: string; taskId: number } }
  | { kind: 'refused'; error: string };

/** What a transfer run's task must wait for: nothing, its source's task, or it cannot go. */
function sourceWait(
  ctx: Pick<CoreContext, 'db'>,
  run: HeldRun,
  taskOfRun: ReadonlyMap<number, { jobId: string; taskId: number }>,
): SourceWait {
  const source = run.dependsOn;
  if (source === null || getSourceModel(ctx.db, source) !== undefined) return { kind: 'none' };
  const inBatch = taskOfRun.get(source);
  if (inBatch) return { kind: 'task', sourceRunId: source, task: inBatch };
  // A source run of an earlier submission, still held by the cluster.
  const status = runStatus(ctx.db, source)?.status;
  const task = clusterTaskOf(ctx.db, source);
  if (
    (status === 'queued' || status === 'running') &&
    task?.jobId != null &&
    task.taskId !== null
  ) {
    return { kind: 'task', sourceRunId: source, task: { jobId: task.jobId, taskId: task.taskId } };
  }
  if (status === 'queued' || status === 'running') {
    return {
      kind: 'refused',
      error:
        `Its source run #${String(source)} trains on this machine, not on Slurm: a Slurm task ` +
        'cannot wait for it. Submit this run once that source run has completed.',
    };
  }
  return {
    kind: 'refused',
    error: `Its source run #${String(source)} ended ${status ?? 'deleted'} without a model.`,
  };
}

function writeRunJobFile(
  ctx: Pick<CoreContext, 'db' | 'workspaceDir'>,
  run: HeldRun,
  file: string,
): void {
  const { db, workspaceDir } = ctx;
  const sourceDone = run.dependsOn !== null && getSourceModel(db, run.dependsOn) !== undefined;
  // A source still training: its model is read by the worker (cluster/sourceModel.ts).
  const sourcePending = run.dependsOn !== null && !sourceDone;
  const job = buildTrainJob(db, workspaceDir, {
    id: run.id,
    config: run.config,
    dependsOn: sourcePending ? null : run.dependsOn,
    rerunOf: run.rerunOf,
  });
  mkdirSync(join(workspaceDir, 'cluster', String(run.id)), { recursive: true });
  writeJobFile(file, {
    version: JOB_FILE_VERSION,
    runId: run.id,
    attempt: run.attempt,
    eventsFile: eventFilePath(workspaceDir, run.id, ATTEMPT_PLACEHOLDER),
    ...(sourcePending && run.dependsOn !== null
      ? {
          sourceModelFrom: {
            runId: run.dependsOn,
            attemptsDir: join(workspaceDir, 'cluster', String(run.dependsOn)),
          },
        }
      : {}),
    job,
  });
}

function arrayRequest(
  name: string,
  jobsDir: string,
  taskCount: number,
  logsDir: string,
  options: SlurmOptions,
  worker: WorkerLauncher,
  extra: Partial<ArrayJobRequest> = {},
): ArrayJobRequest {
  return {
    jobName: `transferlab-${name}`,
    jobsDir,
    taskCount,
    logsDir,
    worker,
    ...(options.partition !== undefined ? { partition: options.partition } : {}),
    ...(options.time !== undefined ? { time: options.time } : {}),
    ...(options.cpusPerTask !== undefined ? { cpusPerTask: options.cpusPerTask } : {}),
    ...(options.gpusPerTask !== undefined ? { gpusPerTask: options.gpusPerTask } : {}),
    ...(options.mem !== undefined ? { mem: options.mem } : {}),
    ...(options.arrayParallelism !== undefined
      ? { arrayParallelism: options.arrayParallelism }
      : {}),
    ...(options.account !== undefined ? { account: options.account } : {}),
    ...(options.sbatchArgs !== undefined ? { extraArgs: options.sbatchArgs } : {}),
    ...extra,
  };
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
