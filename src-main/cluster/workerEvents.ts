import { z } from 'zod';
import { TrainerToParentSchema, type TrainerToParent } from '../engine/protocol';

/**
 * The event file (issue 16): what a worker on another machine (a Slurm task, a Kubernetes pod)
 * streams back instead of the IPC messages a local trainer sends its parent. One JSON object per
 * line (JSON Lines), append-only, one file per run attempt, written by that attempt's worker
 * alone:
 *
 *   line 1   {"type":"header","version":1,"runId":7,"attempt":1,"executor":{…},"startedAt":"…"}
 *   line k+1 {"type":"event","seq":k,"at":"…","message":<a TrainerToParent message>}
 *
 * `seq` is 1 on the first event and grows by 1, so event k is line k + 1; the outcome
 * (completed, failed or cancelled) is the last line. The schema lives here, not in src-shared,
 * because the message is the trainer protocol's (engine/protocol.ts), which src-shared cannot
 * import. docs/scale-out.md describes the protocol.
 */

export const EVENT_FILE_VERSION = 1;

/** Where the worker runs: enough for a person, and for the executor, to find it again. */
export const ExecutorSchema = z
  .object({
    /** 'local': started by hand or by a test, under no scheduler. */
    kind: z.enum(['slurm', 'kubernetes', 'local']),
    /** The scheduler's id of the job (Slurm: SLURM_JOB_ID, what `scancel` takes). */
    jobId: z.string().min(1).optional(),
    /** The task within an array or an indexed job (SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX). */
    taskId: z.string().min(1).optional(),
    host: z.string(),
    pid: z.int().positive(),
  })
  .strict();
export type Executor = z.infer<typeof ExecutorSchema>;

export const EventFileHeaderSchema = z
  .object({
    type: z.literal('header'),
    version: z.literal(EVENT_FILE_VERSION),
    runId: z.int().positive(),
    /** Which attempt of the run this file records (a requeued task is a new attempt). */
    attempt: z.int().positive(),
    executor: ExecutorSchema,
    startedAt: z.iso.datetime(),
  })
  .strict();
export type EventFileHeader = z.infer<typeof EventFileHeaderSchema>;

export const WorkerEventSchema = z
  .object({
    type: z.literal('event'),
    seq: z.int().positive(),
    at: z.iso.datetime(),
    message: TrainerToParentSchema,
  })
  .strict();
export type WorkerEvent = z.infer<typeof WorkerEventSchema>;

export const EventFileLineSchema = z.discriminatedUnion('type', [
  EventFileHeaderSchema,
  WorkerEventSchema,
]);
export type EventFileLine = z.infer<typeof EventFileLineSchema>;

/** The messages that end a run: the last line of a finished event file. */
export function isOutcome(message: TrainerToParent): boolean {
  return message.type === 'completed' || message.type === 'failed' || message.type === 'cancelled';
}

/**
 * JSON has no NaN or ±Infinity, and an epoch's metrics may be any number (a diverging loss):
 * such a number is written as {"$number": "NaN" | "Infinity" | "-Infinity"} and read back as
 * the number. Every finite number keeps its exact value (JSON.stringify writes the shortest
 * text that parses to the same double).
 */
const NON_FINITE_KEY = '$number';
const NON_FINITE = new Map<string, number>([
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
]);

export function encodeLine(line: EventFileLine): string {
  return JSON.stringify(line, (_key, value: unknown) =>
    typeof value === 'number' && !Number.isFinite(value)
      ? { [NON_FINITE_KEY]: String(value) }
      : value,
  );
}

/** Parses one line's text (without its newline); throws on bad JSON or a bad line. */
export function decodeLine(text: string): EventFileLine {
  const raw: unknown = JSON.parse(text, (_key, value: unknown) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    const keys = Object.keys(value);
    if (keys.length !== 1 || keys[0] !== NON_FINITE_KEY) return value;
    const name: unknown = Object.values(value)[0];
    return typeof name === 'string' ? (NON_FINITE.get(name) ?? value) : value;
  });
  return EventFileLineSchema.parse(raw);
}
