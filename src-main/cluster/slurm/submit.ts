import { writeFileSync } from 'node:fs';
import { runSlurmCommand, type SlurmCallOptions } from './command';
import { sbatchScript, type ArrayJobRequest } from './sbatchScript';

/**
 * Submitting and cancelling Slurm jobs (issue 16). sbatch gets `--parsable`, so it prints the
 * job id alone (`<id>` or `<id>;<cluster>` on a multi-cluster site) instead of a sentence.
 */

export interface SubmittedJob {
  jobId: string;
  /** The cluster, where sbatch names one. */
  cluster?: string;
}

/** The batch script as a file (kept beside the jobs as a record) or as text on sbatch's stdin. */
export type BatchScript = { file: string } | { text: string };

export async function submitBatch(
  script: BatchScript,
  options: SlurmCallOptions = {},
): Promise<SubmittedJob> {
  const { stdout } =
    'file' in script
      ? await runSlurmCommand('sbatch', ['--parsable', script.file], options)
      : await runSlurmCommand('sbatch', ['--parsable'], { ...options, input: script.text });
  return parseParsable(stdout);
}

/** Writes the array job's script to scriptFile, then submits it. */
export async function submitArrayJob(
  request: ArrayJobRequest,
  scriptFile: string,
  options: SlurmCallOptions = {},
): Promise<SubmittedJob> {
  writeFileSync(scriptFile, sbatchScript(request), { mode: 0o644 });
  return submitBatch({ file: scriptFile }, options);
}

/** sbatch --parsable's answer; a site's submit filter may print notices on lines before it. */
export function parseParsable(stdout: string): SubmittedJob {
  const lines = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const match = /^(\d+)(?:;(\S+))?$/.exec(lines.at(-1) ?? '');
  if (match === null) throw new Error(`sbatch printed no job id: ${JSON.stringify(stdout)}`);
  const [, jobId = '', cluster] = match;
  return cluster === undefined ? { jobId } : { jobId, cluster };
}

/**
 * `scancel` one task of an array (`<job>_<task>`) or a whole job. Slurm sends SIGTERM (the
 * worker then writes its 'cancelled' outcome) and SIGKILL after KillWait. scancel exits 0 for a
 * job that already ended, so cancelling twice is harmless.
 */
export async function cancelJob(
  target: { jobId: string; taskId?: number },
  options: SlurmCallOptions = {},
): Promise<void> {
  if (!/^\d+$/.test(target.jobId)) throw new Error(`not a Slurm job id: ${target.jobId}`);
  if (target.taskId !== undefined && (!Number.isSafeInteger(target.taskId) || target.taskId < 0)) {
    throw new Error(`not an array task id: ${String(target.taskId)}`);
  }
  const id =
    target.taskId === undefined ? target.jobId : `${target.jobId}_${String(target.taskId)}`;
  await runSlurmCommand('scancel', [id], options);
}
