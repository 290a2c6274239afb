import { z } from 'zod';

/**
 * Where an experiment's runs train (issue 16): on this machine (the local queue and its trainer
 * processes) or on a Slurm cluster, as array jobs whose tasks run `transferlab worker`. The Slurm
 * options are sbatch's own (`--partition`, `--time`, …), kept as the user wrote them: the
 * submitting side checks each against what sbatch accepts (src-main/cluster/slurm/sbatchScript.ts)
 * and refuses, with the option's name, what it would misread.
 */

export const SlurmOptionsSchema = z
  .object({
    partition: z.string().min(1).optional(),
    /** Slurm's time formats: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS. */
    time: z.string().min(1).optional(),
    cpusPerTask: z.int().positive().optional(),
    gpusPerTask: z.int().positive().optional(),
    /** Memory per node: 4G, 4000 (megabytes). */
    mem: z.string().min(1).optional(),
    /** At most this many tasks of one array run at once (`--array=0-N%P`). */
    arrayParallelism: z.int().positive().optional(),
    account: z.string().min(1).optional(),
    /** More sbatch options, each `--name` or `--name=value`. */
    sbatchArgs: z.array(z.string().min(1)).optional(),
  })
  .strict();
export type SlurmOptions = z.infer<typeof SlurmOptionsSchema>;

export const ExecutorChoiceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local') }).strict(),
  z.object({ kind: z.literal('slurm'), slurm: SlurmOptionsSchema }).strict(),
]);
export type ExecutorChoice = z.infer<typeof ExecutorChoiceSchema>;

export interface SlurmPartitionInfo {
  name: string;
  /** Where a job without --partition goes. */
  isDefault: boolean;
  up: boolean;
}

/** Whether this machine can submit to Slurm: sbatch runs and slurmctld answers. */
export type SlurmAvailabilityInfo =
  | { available: true; version: string; partitions: SlurmPartitionInfo[] }
  | { available: false; reason: string };

export interface ClusterStatus {
  slurm: SlurmAvailabilityInfo;
  /** The Slurm profile saved in Settings (the designer's defaults); null until one is saved. */
  slurmProfile: SlurmOptions | null;
}

/** A run handed to a cluster: which job and task hold it, and what the scheduler says of it. */
export interface RunClusterTask {
  executor: 'slurm';
  attempt: number;
  /** Null between the run's hand-over and sbatch's answer. */
  jobId: string | null;
  taskId: number | null;
  /** The scheduler's state (PENDING, RUNNING, TIMEOUT, …) when last asked; null before. */
  state: string | null;
  /** Why it waits or ended (Dependency, Resources, TimeLimit, …). */
  reason: string | null;
  submittedAt: string | null;
}

/** `12345_3`: what squeue, scancel and a person use for one task of an array. */
export function slurmTaskLabel(task: Pick<RunClusterTask, 'jobId' | 'taskId'>): string | null {
  if (task.jobId === null) return null;
  return task.taskId === null ? task.jobId : `${task.jobId}_${String(task.taskId)}`;
}

/**
 * Slurm states in which a task is over (slurm.h's job_states), plus 'VANISHED': a task slurmctld
 * no longer lists. A requeued task is not over (it waits again).
 */
export const SLURM_ENDED_STATES = [
  'COMPLETED',
  'CANCELLED',
  'FAILED',
  'TIMEOUT',
  'PREEMPTED',
  'NODE_FAIL',
  'BOOT_FAIL',
  'DEADLINE',
  'OUT_OF_MEMORY',
  'REVOKED',
  'SPECIAL_EXIT',
  'VANISHED',
] as const;

export function isEndedSlurmState(state: string): boolean {
  return (SLURM_ENDED_STATES as readonly string[]).includes(state);
}
