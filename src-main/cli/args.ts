import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { Issue } from '../../src-shared/result';
import { MAX_TRAINER_LIMIT } from '../../src-shared/rpc/queue';

/**
 * Every command-line argument is parsed with zod after commander has split the line: commander
 * knows the options, zod knows what a valid value is, and the error lists every problem by
 * the flag the user typed.
 */

/**
 * Bad input from the user: exit code 2, with one line per problem (formatIssue). An issue's path
 * is the flag or argument as typed (`--port`, `<spec.json>`), or a path into a file's content.
 */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly issues: readonly Issue[] = [],
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

function kindOf(path: string): 'file' | 'dir' | 'other' | 'missing' {
  try {
    const info = statSync(path);
    if (info.isFile()) return 'file';
    if (info.isDirectory()) return 'dir';
    return 'other';
  } catch {
    return 'missing';
  }
}

export const wholeNumber = z.string().trim().regex(/^\d+$/, 'must be a whole number');

export const PortSchema = wholeNumber
  .transform(Number)
  .pipe(z.int().min(0, 'must be at least 0').max(65535, 'must be at most 65535'));

export const IdSchema = wholeNumber.transform(Number).pipe(z.int().positive('must be at least 1'));

/** A workspace folder: created when missing, but an existing file is refused. */
export const WorkspaceSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .transform((path) => resolve(path))
  .refine((path) => {
    const kind = kindOf(path);
    return kind === 'dir' || kind === 'missing';
  }, 'exists and is not a folder');

/** A file or a folder that exists (an image folder is imported as a folder). */
export const ExistingPathSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .transform((path) => resolve(path))
  .superRefine((path, ctx) => {
    const kind = kindOf(path);
    if (kind === 'missing')
      ctx.addIssue({ code: 'custom', message: `no such file or folder: ${path}` });
    else if (kind === 'other')
      ctx.addIssue({ code: 'custom', message: `not a file or folder: ${path}` });
  });

export const ExistingFileSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .transform((path) => resolve(path))
  .superRefine((path, ctx) => {
    const kind = kindOf(path);
    if (kind === 'missing') ctx.addIssue({ code: 'custom', message: `no such file: ${path}` });
    else if (kind !== 'file') ctx.addIssue({ code: 'custom', message: `not a file: ${path}` });
  });

/** `-` in place of a file name: read stdin instead (`run -`, `plan -`, `report --request -`). */
export const STDIN = '-';

/**
 * An existing file, or `-` for stdin (a file really named `-` is `./-`). Checked as
 * ExistingFileSchema would, with its messages.
 */
export const FileOrStdinSchema = z.string().transform((raw, ctx): string => {
  if (raw.trim() === STDIN) return STDIN;
  const file = ExistingFileSchema.safeParse(raw);
  if (file.success) return file.data;
  for (const issue of file.error.issues) ctx.addIssue({ code: 'custom', message: issue.message });
  return z.NEVER;
});

/** `--concurrency N`: the trainer limit of the workspace, shared by every process on it. */
export const ConcurrencySchema = wholeNumber
  .transform(Number)
  .pipe(
    z
      .int()
      .min(1, 'must be at least 1')
      .max(MAX_TRAINER_LIMIT, `must be at most ${MAX_TRAINER_LIMIT}`),
  );

const PositiveCountSchema = wholeNumber
  .transform(Number)
  .pipe(z.int().positive('must be at least 1'));

/** `run`'s Slurm options (issue 16), sbatch's own names; checked against sbatch's rules later. */
const SLURM_FLAGS = [
  'partition',
  'time',
  'cpusPerTask',
  'gpusPerTask',
  'mem',
  'arrayParallelism',
  'account',
  'sbatchArg',
] as const;

export const RunArgsSchema = z
  .object({
    spec: FileOrStdinSchema,
    workspace: WorkspaceSchema.optional(),
    json: z.boolean().default(false),
    concurrency: ConcurrencySchema.optional(),
    executor: z.enum(['local', 'slurm']).default('local'),
    partition: z.string().trim().min(1).optional(),
    time: z.string().trim().min(1).optional(),
    cpusPerTask: PositiveCountSchema.optional(),
    gpusPerTask: PositiveCountSchema.optional(),
    mem: z.string().trim().min(1).optional(),
    arrayParallelism: PositiveCountSchema.optional(),
    account: z.string().trim().min(1).optional(),
    sbatchArg: z.array(z.string().min(1)).optional(),
    /** Submit and return; `transferlab sync` (or the app) brings the results in later. */
    detach: z.boolean().default(false),
  })
  .strict()
  .superRefine((args, ctx) => {
    if (args.executor === 'slurm') return;
    for (const flag of SLURM_FLAGS) {
      if (args[flag] !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [flag],
          message: 'is a Slurm option: add --executor slurm',
        });
      }
    }
    if (args.detach) {
      ctx.addIssue({
        code: 'custom',
        path: ['detach'],
        message: 'only with --executor slurm (local runs need this process)',
      });
    }
  });

export const ServeArgsSchema = z
  .object({
    port: PortSchema.default(0),
    workspace: WorkspaceSchema.optional(),
    concurrency: ConcurrencySchema.optional(),
    json: z.boolean().optional(),
  })
  .strict();

export const RunsArgsSchema = z
  .object({
    workspace: WorkspaceSchema.optional(),
    json: z.boolean().default(false),
    experiment: IdSchema.optional(),
  })
  .strict();

export const StrategiesArgsSchema = z.object({ json: z.boolean().default(false) }).strict();

/** How each key is written on the command line, for error messages. */
const FLAG_NAMES: Readonly<Record<string, string>> = {
  spec: '<spec.json>',
  port: '--port',
  workspace: '--workspace',
  json: '--json',
  experiment: '--experiment',
  cpusPerTask: '--cpus-per-task',
  gpusPerTask: '--gpus-per-task',
  arrayParallelism: '--array-parallelism',
  sbatchArg: '--sbatch-arg',
  path: '<file-or-folder>',
  format: '--format',
  labels: '--labels',
  testImages: '--test-images',
  testLabels: '--test-labels',
  labelColumn: '--label-column',
  features: '--features',
  missing: '--missing',
  delimiter: '--delimiter',
  header: '--header',
  labelKey: '--label-key',
  width: '--width',
  height: '--height',
  channels: '--channels',
  color: '--color',
  name: '--name',
  selectBy: '--select-by',
};

/**
 * Parses what commander produced (strings, booleans, undefined for absent options). Absent
 * options are dropped first so that defaults apply.
 */
export function parseArgs<S extends z.ZodType>(
  schema: S,
  raw: Record<string, unknown>,
): z.infer<S> {
  const present = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
  const parsed = schema.safeParse(present);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue): Issue => {
    const key = issue.path[0];
    const flag = typeof key === 'string' ? (FLAG_NAMES[key] ?? `--${key}`) : 'arguments';
    return { path: flag, message: issue.message };
  });
  throw new UsageError('Invalid arguments', issues);
}
