import { SLURM_ENDED_STATES } from '../../../src-shared/domain/cluster';
import { runSlurmCommand, SlurmCommandError, type SlurmCallOptions } from './command';

/**
 * The state of each task of a Slurm array job (issue 16), for the tasks that die without writing
 * an outcome (time limit, out of memory, node failure, scancel) and for what a person sees while
 * a grid waits. Without slurmdbd there is no sacct, so it comes from slurmctld: `squeue` for the
 * tasks still pending or running, `scontrol show job` for the finished ones, which slurmctld keeps
 * for MinJobAge seconds (300 by default) after they end. The text formats parsed here have been
 * stable across Slurm releases, unlike the versioned --json output.
 */

/** Slurm's job states (squeue %T, scontrol JobState), as in slurm.h's job_states. */
export const SLURM_STATES = [
  'PENDING',
  'RUNNING',
  'SUSPENDED',
  'COMPLETING',
  'COMPLETED',
  'CONFIGURING',
  'CANCELLED',
  'FAILED',
  'TIMEOUT',
  'PREEMPTED',
  'NODE_FAIL',
  'BOOT_FAIL',
  'DEADLINE',
  'OUT_OF_MEMORY',
  'REQUEUED',
  'REQUEUE_HOLD',
  'REQUEUE_FED',
  'RESIZING',
  'RESV_DEL_HOLD',
  'REVOKED',
  'SIGNALING',
  'SPECIAL_EXIT',
  'STAGE_OUT',
  'STOPPED',
] as const;

/**
 * A Slurm state; 'UNKNOWN' for a state this list does not know (a newer Slurm), and 'VANISHED'
 * for a task slurmctld no longer lists: it ended more than MinJobAge seconds ago, or it was
 * cancelled while still pending inside its array's grouped record (Slurm then drops it without
 * a trace; seen on 22.05).
 */
export type SlurmState = (typeof SLURM_STATES)[number] | 'UNKNOWN' | 'VANISHED';

export interface SlurmTaskState {
  /** The array's job id (what sbatch printed). */
  jobId: string;
  taskId: number;
  state: SlurmState;
  /** Why it waits or ended (e.g. Dependency, Resources, TimeLimit, DependencyNeverSatisfied). */
  reason?: string;
  /** The batch script's exit code and the signal that ended it (scontrol only). */
  exit?: { code: number; signal: number };
  /** How often the task was requeued (scontrol only). */
  restarts?: number;
}

/** Where a task is in its life; 'ended' is final (a requeued task goes back to 'waiting'). */
export type SlurmPhase = 'waiting' | 'running' | 'ended';

const WAITING: ReadonlySet<SlurmState> = new Set([
  'PENDING',
  'REQUEUED',
  'REQUEUE_HOLD',
  'REQUEUE_FED',
  'RESV_DEL_HOLD',
]);
const ENDED: ReadonlySet<SlurmState> = new Set(SLURM_ENDED_STATES);

/** Running covers what holds a node (CONFIGURING, COMPLETING, SUSPENDED…) and UNKNOWN. */
export function slurmPhase(state: SlurmState): SlurmPhase {
  if (WAITING.has(state)) return 'waiting';
  if (ENDED.has(state)) return 'ended';
  return 'running';
}

export class SlurmOutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SlurmOutputError';
  }
}

/** squeue's format: job id (12_3, or 12_[3-5%2] for tasks not yet split off), state, reason. */
export const SQUEUE_FORMAT = '%i|%T|%r';

const SQUEUE_LINE = /^(\d+)(?:_(\d+|\[[^\]]*\]))?\|([A-Z_]+)\|(.*)$/;

/**
 * Parses `squeue --noheader --format='%i|%T|%r'` (with or without --array). A line of a job that
 * is not an array has no task and is left out.
 */
export function parseSqueue(text: string): SlurmTaskState[] {
  const tasks: SlurmTaskState[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const match = SQUEUE_LINE.exec(line.trim());
    if (match === null) throw new SlurmOutputError(`squeue printed an unexpected line: ${line}`);
    const [, jobId = '', taskField, state = '', reason = ''] = match;
    if (taskField === undefined) continue;
    const range = taskField.startsWith('[') ? taskField.slice(1, -1) : taskField;
    for (const taskId of expandTaskIds(range)) {
      tasks.push({ jobId, taskId, ...stateAndReason(state, reason) });
    }
  }
  return tasks;
}

/**
 * Parses `scontrol show job <array job id>`: one record per task (the first line names
 * ArrayJobId and ArrayTaskId), and one record for the tasks still grouped (ArrayTaskId=2-5%2).
 * Only the lines Slurm writes itself are read (JobState…, Requeue…); a job name or comment, which
 * a user chose, could hold anything.
 */
export function parseScontrolJobs(text: string): SlurmTaskState[] {
  const tasks: SlurmTaskState[] = [];
  for (const record of text.split(/\n(?=JobId=)/)) {
    if (record.trim() === '') continue;
    const [first = '', ...rest] = record.split('\n');
    const head = /^JobId=\d+(?: ArrayJobId=(\d+) ArrayTaskId=(\S+))?/.exec(first);
    if (head === null)
      throw new SlurmOutputError(`scontrol printed an unexpected record: ${first}`);
    const [, jobId, taskField] = head;
    if (jobId === undefined || taskField === undefined) continue;
    const stateLine = lineStarting(rest, 'JobState=');
    const state = /^JobState=(\S+) Reason=(.*?)(?: Dependency=.*)?$/.exec(stateLine);
    if (state === null)
      throw new SlurmOutputError(`scontrol printed an unexpected line: ${stateLine}`);
    const requeueLine = lineStarting(rest, 'Requeue=');
    const restarts = /\bRestarts=(\d+)/.exec(requeueLine)?.[1];
    const exit = /\bExitCode=(\d+):(\d+)/.exec(requeueLine);
    for (const taskId of expandTaskIds(taskField)) {
      tasks.push({
        jobId,
        taskId,
        ...stateAndReason(state[1] ?? '', state[2] ?? ''),
        ...(exit === null ? {} : { exit: { code: Number(exit[1]), signal: Number(exit[2]) } }),
        ...(restarts === undefined ? {} : { restarts: Number(restarts) }),
      });
    }
  }
  return tasks;
}

function lineStarting(lines: readonly string[], prefix: string): string {
  const line = lines.map((l) => l.trim()).find((l) => l.startsWith(prefix));
  if (line === undefined) throw new SlurmOutputError(`scontrol printed no ${prefix} line`);
  return line;
}

function isSlurmState(state: string): state is (typeof SLURM_STATES)[number] {
  return (SLURM_STATES as readonly string[]).includes(state);
}

function stateAndReason(state: string, reason: string): Pick<SlurmTaskState, 'state' | 'reason'> {
  const trimmed = reason.trim();
  return {
    state: isSlurmState(state) ? state : 'UNKNOWN',
    ...(trimmed === '' || trimmed === 'None' || trimmed === '(null)' ? {} : { reason: trimmed }),
  };
}

/**
 * Slurm's task id lists: `3`, `1-3`, `0,2,4-7`, `1-9:2` (a step), with an optional `%P` (the
 * array's parallelism limit). squeue shortens a long list with `...`, which cannot be expanded.
 */
export function expandTaskIds(field: string): number[] {
  const list = field.replace(/%\d+$/, '');
  const ids: number[] = [];
  for (const part of list.split(',')) {
    const match = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part);
    if (match === null)
      throw new SlurmOutputError(`cannot read the array task ids ${JSON.stringify(field)}`);
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    const step = match[3] === undefined ? 1 : Number(match[3]);
    if (to < from || step < 1)
      throw new SlurmOutputError(`cannot read the array task ids ${JSON.stringify(field)}`);
    for (let id = from; id <= to; id += step) ids.push(id);
  }
  return ids;
}

/** slurmctld's answer for a job id it does not (or no longer) know. */
function isUnknownJob(error: unknown): boolean {
  return error instanceof SlurmCommandError && /Invalid job id specified/i.test(error.stderr);
}

/**
 * The state of every task of array job `jobId`, tasks 0..taskCount-1, ordered by task id: from
 * squeue for the tasks it lists, from `scontrol show job` for the others, 'VANISHED' for a task
 * neither lists.
 */
export async function arrayTaskStates(
  jobId: string,
  taskCount: number,
  options: SlurmCallOptions = {},
): Promise<SlurmTaskState[]> {
  if (!/^\d+$/.test(jobId)) throw new Error(`not a Slurm job id: ${jobId}`);
  const byTask = new Map<number, SlurmTaskState>();
  const remember = (tasks: readonly SlurmTaskState[]): void => {
    for (const task of tasks) {
      if (task.jobId === jobId && task.taskId < taskCount && !byTask.has(task.taskId)) {
        byTask.set(task.taskId, task);
      }
    }
  };
  remember(await queued(jobId, options));
  if (byTask.size < taskCount) remember(await shown(jobId, options));
  const states: SlurmTaskState[] = [];
  for (let taskId = 0; taskId < taskCount; taskId++) {
    states.push(byTask.get(taskId) ?? { jobId, taskId, state: 'VANISHED' });
  }
  return states;
}

async function queued(jobId: string, options: SlurmCallOptions): Promise<SlurmTaskState[]> {
  try {
    const { stdout } = await runSlurmCommand(
      'squeue',
      [`--jobs=${jobId}`, '--array', '--noheader', `--format=${SQUEUE_FORMAT}`],
      options,
    );
    return parseSqueue(stdout);
  } catch (e) {
    if (isUnknownJob(e)) return [];
    throw e;
  }
}

async function shown(jobId: string, options: SlurmCallOptions): Promise<SlurmTaskState[]> {
  try {
    const { stdout } = await runSlurmCommand('scontrol', ['show', 'job', jobId], options);
    return parseScontrolJobs(stdout);
  } catch (e) {
    if (isUnknownJob(e)) return [];
    throw e;
  }
}
