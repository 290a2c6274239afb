import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { z } from 'zod';
import {
  CompareInputSchema,
  CompareOptionsSchema,
  type CompareInput,
} from '../../src-shared/rpc/compare';
import { REPORT_FORMATS } from '../../src-shared/rpc/reports';
import { AppFailure } from '../../src-shared/result';
import { defaultWorkspaceDir } from '../core/paths';
import { cleanChosenFileName, printableName } from '../reports/fileName';
import { withReportSink, type ReportSink } from '../reports/sink';
import { checkBareFileName, exists, stageIntoFolder } from '../reports/writeReport';
import { ExistingFileSchema, IdSchema, parseArgs, UsageError, WorkspaceSchema } from './args';
import type { CliIo } from './io';
import { call, openCliCore } from './session';

/**
 * `transferlab report <experiment-id>... --format F --out FILE`: builds a comparison of the
 * experiments (and/or `--runs`) and writes it as a report. `--out` names the file, or a folder
 * to write the report's own (sanitised) name into: an existing one, or one to create, written
 * with a trailing '/' (`--out reports/`). An existing file is kept unless `--force`. The report
 * is recorded (`transferlab reports`) only once its file is written (issue 11). `--request
 * FILE` takes the request JSON a report prints in its Regenerate section, for options the flags
 * do not cover. `--from <report-id>` rebuilds a recorded report
 * (`transferlab reports` lists them) from the request stored with it, in any format.
 * `--selection validation|oracle` reduces each strategy's variants to one row (issue 10): chosen
 * on `--select-by` (val_acc by default), or, for the oracle, on the test metric itself.
 */
const IdListSchema = z
  .string()
  .trim()
  .regex(/^\d+(\s*,\s*\d+)*$/, 'must be run ids separated by commas, e.g. 3,4,9')
  .transform((s) => s.split(',').map((id) => Number(id.trim())))
  .pipe(z.array(z.int().positive('must be at least 1')).max(5000));

export const ReportArgsSchema = z
  .object({
    format: z.enum(REPORT_FORMATS, { error: `must be one of ${REPORT_FORMATS.join(', ')}` }),
    out: z.string().trim().min(1, 'must not be empty'),
    runs: IdListSchema.optional(),
    metric: CompareOptionsSchema.shape.metric.unwrap().optional(),
    baseline: CompareOptionsSchema.shape.baseline.unwrap().optional(),
    test: z.enum(['t', 'wilcoxon'], { error: 'must be t or wilcoxon' }).optional(),
    selection: z
      .enum(CompareOptionsSchema.shape.selection.unwrap().options, {
        error: 'must be none, validation or oracle',
      })
      .optional(),
    selectBy: CompareOptionsSchema.shape.selectBy.unwrap().optional(),
    title: z.string().trim().min(1).max(200).optional(),
    request: ExistingFileSchema.optional(),
    /** A recorded report (see `transferlab reports`), rebuilt from its stored request. */
    from: IdSchema.optional(),
    force: z.boolean().default(false),
    workspace: WorkspaceSchema.optional(),
  })
  .strict();
export type ReportArgs = z.infer<typeof ReportArgsSchema>;

function parseIds(ids: readonly string[]): number[] {
  const issues: string[] = [];
  const parsed = ids.map((id) => {
    const result = IdSchema.safeParse(id);
    if (result.success) return result.data;
    issues.push(
      `<experiment-id> ${JSON.stringify(id)}: ${result.error.issues[0]?.message ?? 'invalid'}`,
    );
    return 0;
  });
  if (issues.length > 0) throw new UsageError('Invalid arguments', issues);
  return parsed;
}

function readRequest(path: string): CompareInput {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(
      `--request: ${path} is not JSON (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  const parsed = CompareInputSchema.safeParse(json);
  if (!parsed.success) {
    throw new UsageError(
      `--request: ${path} is not a comparison request`,
      parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`),
    );
  }
  return parsed.data;
}

export function compareInputFrom(ids: number[], args: ReportArgs): CompareInput {
  if (args.request !== undefined) {
    refuseFlags('--request says what to compare', comparisonFlags(ids, args));
    return readRequest(args.request);
  }
  // The oracle chooses on the compared metric itself, and no selection chooses nothing.
  if (args.selectBy !== undefined && args.selection !== 'validation') {
    throw new UsageError(
      '--select-by names the metric of --selection validation; add that, or leave out --select-by',
    );
  }
  if (ids.length === 0 && !args.runs) {
    throw new UsageError(
      'Name at least one experiment id, or runs with --runs (or a --request file).',
    );
  }
  return {
    selection: { experimentIds: ids, runIds: args.runs ?? [] },
    options: {
      ...(args.metric !== undefined ? { metric: args.metric } : {}),
      ...(args.baseline !== undefined ? { baseline: args.baseline } : {}),
      ...(args.test !== undefined ? { test: args.test } : {}),
      ...(args.selection !== undefined ? { selection: args.selection } : {}),
      ...(args.selectBy !== undefined ? { selectBy: args.selectBy } : {}),
    },
  };
}

/** The arguments given that say what to compare, and how. */
function comparisonFlags(ids: readonly number[], args: ReportArgs): string[] {
  return [
    ids.length > 0 ? '<experiment-id>' : null,
    args.runs ? '--runs' : null,
    args.metric !== undefined ? '--metric' : null,
    args.baseline !== undefined ? '--baseline' : null,
    args.test !== undefined ? '--test' : null,
    args.selection !== undefined ? '--selection' : null,
    args.selectBy !== undefined ? '--select-by' : null,
  ].filter((f) => f !== null);
}

function refuseFlags(why: string, flags: readonly string[]): void {
  if (flags.length > 0) throw new UsageError(`${why}; leave out ${flags.join(', ')}`);
}

/** `--from` rebuilds a recorded report as it was asked: nothing else may say what to compare. */
function rejectWithFrom(ids: readonly number[], args: ReportArgs): void {
  refuseFlags('--from regenerates a recorded report as it was', [
    ...comparisonFlags(ids, args),
    ...(args.request !== undefined ? ['--request'] : []),
    ...(args.title !== undefined ? ['--title'] : []),
  ]);
}

/** Where `--out` puts the report, decided before the workspace opens. */
interface OutTarget {
  folder: string;
  /** Create `folder` (its last level) when the report is written. */
  createFolder: boolean;
  /** null: the report's own name. */
  name: string | null;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The last part of `--out` as typed, less what no file name should carry (said if changed). */
function cleanName(name: string, io: CliIo): string {
  const clean = cleanChosenFileName(name);
  if (clean !== name) {
    io.err(
      `--out: "${printableName(name)}" has characters a file name should not carry; writing "${printableName(clean)}" instead\n`,
    );
  }
  try {
    checkBareFileName(clean);
  } catch (e) {
    throw new UsageError(`--out: ${e instanceof Error ? e.message : String(e)}`);
  }
  return clean;
}

/**
 * `--out`: an existing folder, or a path ending in a separator (a folder created if missing,
 * issue 11), gets the report's own name; anything else names a file. Either way the parent
 * folder must exist.
 */
function outTarget(out: string, force: boolean, io: CliIo): OutTarget {
  const path = resolve(out);
  if (isFolder(path)) return { folder: path, createFolder: false, name: null };
  const parent = dirname(path);
  if (!isFolder(parent)) {
    throw new UsageError(`--out: the folder ${printableName(parent)} does not exist`);
  }
  const name = cleanName(basename(path), io);
  const chosen = join(parent, name);
  if (out.endsWith('/') || out.endsWith(sep)) {
    if (isFolder(chosen)) return { folder: chosen, createFolder: false, name: null };
    if (exists(chosen)) throw new UsageError(`--out: ${printableName(chosen)} is not a folder`);
    return { folder: chosen, createFolder: true, name: null };
  }
  // Refused before anything is built; writing the file checks again.
  if (!force && exists(chosen)) {
    throw new AppFailure(
      'conflict',
      `${printableName(chosen)} already exists; choose another name, or add --force.`,
    );
  }
  return { folder: parent, createFolder: false, name };
}

/** Says "Building the report…" only when it takes more than a second. */
function slowNotice(io: CliIo, text: string): () => void {
  const timer = setTimeout(() => {
    io.err(`${text}\n`);
  }, 1000);
  return () => {
    clearTimeout(timer);
  };
}

export async function reportCommand(
  ids: readonly string[],
  options: Record<string, unknown>,
  io: CliIo,
): Promise<number> {
  const args = parseArgs(ReportArgsSchema, options);
  const experimentIds = parseIds(ids);
  if (args.from !== undefined) rejectWithFrom(experimentIds, args);
  // Checked before the workspace opens, so a usage error costs nothing.
  const job =
    args.from !== undefined
      ? ({ kind: 'regenerate', id: args.from } as const)
      : ({ kind: 'create', compare: compareInputFrom(experimentIds, args) } as const);
  const target = outTarget(args.out, args.force, io);
  const core = await openCliCore(args.workspace ?? defaultWorkspaceDir(), 'none');
  const done = slowNotice(io, `Building the ${args.format} report…`);
  try {
    const written: { path?: string; size?: number } = {};
    // The core stages the file through this sink and publishes it in the transaction that
    // records the report: a refused write leaves no record (issue 11).
    const sink: ReportSink = ({ fileName, bytes }) => {
      const staged = stageIntoFolder(target.folder, target.name ?? fileName, bytes, {
        overwrite: args.force,
        createFolder: target.createFolder,
        replaceHint: 'add --force',
      });
      return {
        publish: () => {
          written.path = staged.publish();
          written.size = bytes.byteLength;
        },
        discard: () => {
          staged.discard();
        },
      };
    };
    const file = await withReportSink(sink, () =>
      job.kind === 'regenerate'
        ? call(core, 'reports.regenerate', { id: job.id, format: args.format })
        : call(core, 'reports.create', {
            compare: job.compare,
            format: args.format,
            ...(args.title !== undefined ? { title: args.title } : {}),
          }),
    ).catch((e: unknown) => {
      // An id that names nothing (or a folder gone meanwhile) is the user's input, not a
      // failure of the program: exit 2.
      throw e instanceof AppFailure && e.code === 'not_found'
        ? new UsageError(e.message, e.issues ?? [])
        : e;
    });
    if (written.path === undefined) {
      throw new Error(`Report #${file.reportId} was recorded, but no file was written.`);
    }
    done();
    io.err(`Report #${file.reportId} (${args.format}, ${written.size ?? 0} bytes)\n`);
    io.out(`${written.path}\n`);
    return 0;
  } finally {
    done();
    await core.close();
  }
}
