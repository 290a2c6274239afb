import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { TrainJobSchema } from '../engine/protocol';

/**
 * The job file a worker is started with (issue 16): `transferlab worker <job-file>`. Written by
 * the submitting process (which owns the database), read by the worker (which never opens it).
 * Everything the worker needs is here: the TrainJob a local trainer gets over IPC (its data and
 * model folders included) and where to append its events.
 */

export const JOB_FILE_VERSION = 1;

/** In `eventsFile`, stands for the attempt the worker records (see attemptOf). */
export const ATTEMPT_PLACEHOLDER = '{attempt}' as const;

export const WorkerJobFileSchema = z
  .object({
    version: z.literal(JOB_FILE_VERSION),
    runId: z.int().positive(),
    /** The attempt a first start records; a scheduler's k-th restart of the task records attempt + k. */
    attempt: z.int().positive(),
    /**
     * The event file to create; a relative path is relative to the job file's folder. A
     * `{attempt}` in it is replaced by the attempt recorded, so that a requeued task writes a new
     * attempt's file instead of being refused by the old one's.
     */
    eventsFile: z.string().min(1),
    /**
     * For a transfer run whose source run trains on the cluster too (its model does not exist
     * when the job file is written): the folder holding the source run's attempt folders
     * (`<workspace>/cluster/<source run>`); the worker takes the model from the newest attempt
     * whose event file ends completed (sourceModel.ts).
     */
    sourceModelFrom: z
      .object({ runId: z.int().positive(), attemptsDir: z.string().min(1) })
      .strict()
      .optional(),
    job: TrainJobSchema,
  })
  .strict()
  .refine((file) => file.job.runId === file.runId, {
    message: 'job.runId must equal runId',
    path: ['job', 'runId'],
  })
  .refine((file) => file.sourceModelFrom === undefined || file.job.sourceModel === undefined, {
    message: 'a job names its source model or where to find it, not both',
    path: ['sourceModelFrom'],
  });
export type WorkerJobFile = z.infer<typeof WorkerJobFileSchema>;

/**
 * The attempt a worker records: the job file's, plus the restarts of its task that the scheduler
 * reports (Slurm's SLURM_RESTART_COUNT after a requeue: preemption, node failure, scontrol
 * requeue). A restart is a new attempt with its own event file, so the old one's events, which
 * may stop mid-run, are never mixed with the new one's.
 */
export function attemptOf(file: WorkerJobFile, env: NodeJS.ProcessEnv = process.env): number {
  const restarts = Number(env.SLURM_RESTART_COUNT ?? '0');
  return file.attempt + (Number.isSafeInteger(restarts) && restarts > 0 ? restarts : 0);
}

/** The event file of `attempt` ({attempt} in eventsFile replaced). */
export function eventsFileOf(file: WorkerJobFile, attempt: number): string {
  return file.eventsFile.replaceAll(ATTEMPT_PLACEHOLDER, String(attempt));
}

/** A job file that cannot be read or does not validate: the worker's usage error. */
export class JobFileError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'JobFileError';
  }
}

/**
 * Writes the job file atomically: a temporary file beside it, fsynced, then renamed over it, so
 * a worker started on another node reads the whole file or none (rename is atomic on POSIX
 * filesystems and on NFS).
 */
export function writeJobFile(file: string, content: WorkerJobFile): void {
  const parsed = WorkerJobFileSchema.parse(content);
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    writeFileSync(fd, `${JSON.stringify(parsed, null, 2)}\n`);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(temporary, file);
}

/** Reads and validates a job file, its paths made absolute (relative to the job file's folder). */
export function readJobFile(file: string): WorkerJobFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new JobFileError(file, `cannot be read (${e instanceof Error ? e.message : String(e)})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new JobFileError(file, `not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const parsed = WorkerJobFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new JobFileError(file, `not a valid job file:\n${z.prettifyError(parsed.error)}`);
  }
  const { eventsFile, sourceModelFrom } = parsed.data;
  const fromJobFile = (path: string): string =>
    isAbsolute(path) ? path : resolve(dirname(file), path);
  return {
    ...parsed.data,
    eventsFile: fromJobFile(eventsFile),
    ...(sourceModelFrom
      ? {
          sourceModelFrom: {
            ...sourceModelFrom,
            attemptsDir: fromJobFile(sourceModelFrom.attemptsDir),
          },
        }
      : {}),
  };
}
