import { join } from 'node:path';
import { projectRoot } from '../../data/projectRoot';

/**
 * The batch script of one Slurm array job (issue 16): task i runs `transferlab worker
 * <jobs-dir>/<i>.json`. Every option is an `#SBATCH` line, so the script alone records how the
 * job was asked for and can be resubmitted by hand. sbatch reads an `#SBATCH` value up to the
 * first blank outside double quotes and honours backslash escapes inside them, so each value is
 * written in double quotes with `"` and `\` escaped; a value with a newline or another control
 * character is refused, since it would end the `#SBATCH` line and start a new one.
 */

/** How a task starts the worker: `<executable> <script> worker <job-file>`, plus env. */
export interface WorkerLauncher {
  executable: string;
  script: string;
  /** Variables the task exports before it starts the worker. */
  env?: Readonly<Record<string, string>>;
}

/**
 * The submitting install's own worker: this Node binary (process.execPath) running this
 * install's bin/transferlab.js. The install sits on the filesystem that the login and compute
 * nodes share, so a task runs exactly the code and Node version that wrote its job file;
 * `transferlab` on a compute node's PATH may be missing, or another version. Under Electron,
 * process.execPath is the app's binary, which runs as plain Node with ELECTRON_RUN_AS_NODE=1.
 */
export function installedWorker(): WorkerLauncher {
  return {
    executable: process.execPath,
    script: join(projectRoot(), 'bin', 'transferlab.js'),
    ...('electron' in process.versions ? { env: { ELECTRON_RUN_AS_NODE: '1' } } : {}),
  };
}

/**
 * What a task waits for: `aftercorr` starts task i once task i of that job completed
 * successfully (a transfer run after its own source run); `afterok` waits for every task of the
 * listed jobs.
 */
export type SlurmDependency =
  { type: 'aftercorr'; jobId: string } | { type: 'afterok'; jobIds: readonly string[] };

export interface ArrayJobRequest {
  jobName: string;
  /** Holds <i>.json for i in 0..taskCount-1; it is also the tasks' working directory. */
  jobsDir: string;
  taskCount: number;
  /** Where each task's stdout and stderr go (<logsDir>/<array job id>_<task>.out|.err). */
  logsDir: string;
  worker: WorkerLauncher;
  partition?: string;
  /** Slurm's time formats: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS. */
  time?: string;
  cpusPerTask?: number;
  gpusPerTask?: number;
  /** Memory per node, e.g. 4G or 4000 (megabytes). */
  mem?: string;
  /** At most this many tasks run at once (`--array=0-N%P`). */
  arrayParallelism?: number;
  account?: string;
  dependency?: SlurmDependency;
  /** More options, each `--name` or `--name=value`, one `#SBATCH` line each. */
  extraArgs?: readonly string[];
}

export class SbatchOptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SbatchOptionError';
  }
}

/**
 * Options the script sets itself; an extra argument naming one would break what it relies on
 * (which task runs which job file, where the logs go, what the job waits for).
 */
const RESERVED_OPTIONS = new Set([
  'array',
  'chdir',
  'dependency',
  'error',
  'kill-on-invalid-dep',
  'open-mode',
  'output',
  'parsable',
  'wrap',
]);

const TIME =
  /^(?:\d+|\d+:\d{1,2}|\d+:\d{1,2}:\d{1,2}|\d+-\d+(?::\d{1,2}){0,2}|UNLIMITED|INFINITE)$/;
const MEMORY = /^\d+[KMGT]?$/i;
/** Partitions and accounts are Slurm names; sbatch also takes a comma-separated list of partitions. */
const SLURM_NAME = /^[A-Za-z0-9_.-]+(?:,[A-Za-z0-9_.-]+)*$/;
const JOB_ID = /^\d+$/;
const JOB_OR_TASK_ID = /^\d+(?:_\d+)?$/;
const OPTION = /^--([a-z][a-z0-9-]*)(?:=([\s\S]*))?$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;

export function sbatchScript(request: ArrayJobRequest): string {
  const { jobsDir, logsDir, taskCount } = request;
  positiveInt('taskCount', taskCount);
  const lines = ['#!/bin/sh', `# ${request.jobName}: written by Transferlab (issue 16).`];
  const directive = (name: string, value?: string): void => {
    lines.push(
      value === undefined ? `#SBATCH --${name}` : `#SBATCH --${name}=${quoted(name, value)}`,
    );
  };

  directive('job-name', request.jobName);
  const parallelism =
    request.arrayParallelism === undefined
      ? ''
      : `%${String(positiveInt('arrayParallelism', request.arrayParallelism))}`;
  directive('array', `0-${String(taskCount - 1)}${parallelism}`);
  directive('chdir', absolute('jobsDir', jobsDir));
  // %A is the array's job id, %a the task: one log per task, kept across resubmissions. A '%'
  // of the folder's own name is doubled so that Slurm does not read it as a pattern.
  const logPrefix = `${absolute('logsDir', logsDir).replaceAll('%', '%%')}/%A_%a`;
  directive('output', `${logPrefix}.out`);
  directive('error', `${logPrefix}.err`);
  // A requeued task (preemption, node failure) appends to its logs instead of truncating them.
  directive('open-mode', 'append');

  if (request.partition !== undefined)
    directive('partition', matching('partition', request.partition, SLURM_NAME));
  if (request.account !== undefined)
    directive('account', matching('account', request.account, SLURM_NAME));
  if (request.time !== undefined) directive('time', matching('time', request.time, TIME));
  if (request.cpusPerTask !== undefined)
    directive('cpus-per-task', String(positiveInt('cpusPerTask', request.cpusPerTask)));
  if (request.gpusPerTask !== undefined)
    directive('gpus-per-task', String(positiveInt('gpusPerTask', request.gpusPerTask)));
  if (request.mem !== undefined) directive('mem', matching('mem', request.mem, MEMORY));
  if (request.dependency !== undefined) {
    directive('dependency', dependencyValue(request.dependency));
    // Without this a task whose dependency failed waits forever (Reason=DependencyNeverSatisfied);
    // with it Slurm cancels the task, so a run whose source failed ends.
    directive('kill-on-invalid-dep', 'yes');
  }
  for (const arg of request.extraArgs ?? []) {
    const match = OPTION.exec(arg);
    if (match === null) {
      throw new SbatchOptionError(
        `sbatch argument ${JSON.stringify(arg)}: write it as --name or --name=value`,
      );
    }
    const [, name = '', value] = match;
    if (RESERVED_OPTIONS.has(name)) {
      throw new SbatchOptionError(`sbatch argument --${name} is set by Transferlab itself`);
    }
    directive(name, value);
  }

  lines.push('');
  for (const [name, value] of Object.entries(request.worker.env ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new SbatchOptionError(
        `worker environment variable name ${JSON.stringify(name)} is not valid`,
      );
    }
    lines.push(`export ${name}=${shellQuoted(value)}`);
  }
  // exec: the worker becomes the task's process, so the SIGTERM that scancel and a time limit
  // send reach it directly and it can write its 'cancelled' outcome.
  lines.push(
    `exec ${shellQuoted(request.worker.executable)} ${shellQuoted(request.worker.script)} worker ` +
      `${shellQuoted(`${jobsDir}/`)}"$SLURM_ARRAY_TASK_ID".json`,
  );
  return `${lines.join('\n')}\n`;
}

function dependencyValue(dependency: SlurmDependency): string {
  if (dependency.type === 'aftercorr') return `aftercorr:${jobId(dependency.jobId)}`;
  if (dependency.jobIds.length === 0)
    throw new SbatchOptionError('afterok needs at least one job id');
  // afterok also takes one task of an array (`<job>_<task>`): a transfer run waits for its own
  // source run's task, not for every source of the grid.
  return `afterok:${dependency.jobIds.map((id) => matching('dependency job id', id, JOB_OR_TASK_ID)).join(':')}`;
}

function jobId(id: string): string {
  return matching('dependency job id', id, JOB_ID);
}

/** A value in double quotes as sbatch's `#SBATCH` parser reads it back. */
function quoted(name: string, value: string): string {
  if (CONTROL.test(value)) {
    throw new SbatchOptionError(
      `--${name} ${JSON.stringify(value)}: a value with a newline or another control character is refused`,
    );
  }
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/** A POSIX shell word that the shell takes literally: single quotes, with ' written '\''. */
function shellQuoted(value: string): string {
  if (value.includes('\u0000'))
    throw new SbatchOptionError('a NUL character cannot be passed to a shell');
  return `'${value.replaceAll("'", "'\\''")}'`;
}

function matching(name: string, value: string, pattern: RegExp): string {
  if (!pattern.test(value))
    throw new SbatchOptionError(`--${name} ${JSON.stringify(value)} is not valid`);
  return value;
}

function positiveInt(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new SbatchOptionError(`${name} must be a positive integer, not ${String(value)}`);
  }
  return value;
}

function absolute(name: string, path: string): string {
  if (!path.startsWith('/'))
    throw new SbatchOptionError(`${name} must be an absolute path: ${path}`);
  return path;
}
