import { hostname } from 'node:os';
import type { Executor } from './workerEvents';

/**
 * Which scheduler started this worker, from the variables each sets in a task's environment:
 * Slurm's SLURM_JOB_ID (and SLURM_ARRAY_TASK_ID in an array), a Kubernetes Indexed Job's
 * JOB_COMPLETION_INDEX. Recorded in the event file's header, so a run's record names the job a
 * person (or `scancel`) can find.
 */
export function executorFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  host: string = hostname(),
  pid: number = process.pid,
): Executor {
  const slurmJob = nonEmpty(env.SLURM_JOB_ID);
  if (slurmJob !== undefined) {
    const task = nonEmpty(env.SLURM_ARRAY_TASK_ID);
    return { kind: 'slurm', jobId: slurmJob, ...(task ? { taskId: task } : {}), host, pid };
  }
  const index = nonEmpty(env.JOB_COMPLETION_INDEX);
  // In a pod the host name is the pod's name, which names its job.
  if (index !== undefined) return { kind: 'kubernetes', taskId: index, host, pid };
  return { kind: 'local', host, pid };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
