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

export const WorkerJobFileSchema = z
  .object({
    version: z.literal(JOB_FILE_VERSION),
    runId: z.int().positive(),
    attempt: z.int().positive(),
    /** The event file to create; a relative path is relative to the job file's folder. */
    eventsFile: z.string().min(1),
    job: TrainJobSchema,
  })
  .strict()
  .refine((file) => file.job.runId === file.runId, {
    message: 'job.runId must equal runId',
    path: ['job', 'runId'],
  });
export type WorkerJobFile = z.infer<typeof WorkerJobFileSchema>;

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

/** Reads and validates a job file, with `eventsFile` made absolute. */
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
  const { eventsFile } = parsed.data;
  return {
    ...parsed.data,
    eventsFile: isAbsolute(eventsFile) ? eventsFile : resolve(dirname(file), eventsFile),
  };
}
