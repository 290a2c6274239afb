import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { z } from 'zod';
import {
  CompareInputSchema,
  CompareOptionsSchema,
  type CompareInput,
} from '../../src-shared/rpc/compare';
import { REPORT_FORMATS, type ReportFormat } from '../../src-shared/rpc/reports';
import { AppFailure, issuesFromZod, type Issue } from '../../src-shared/result';
import { defaultWorkspaceDir } from '../core/paths';
import { cleanChosenFileName, printableName } from '../reports/fileName';
import { withReportSink, type ReportSink } from '../reports/sink';
import { checkBareFileName, exists, osReason, stageIntoFolder } from '../reports/writeReport';
import { FileOrStdinSchema, IdSchema, parseArgs, STDIN, UsageError, WorkspaceSchema } from './args';
import { keepConsoleOffStdout, readStdinText, STDIN_LABEL, type CliIo } from './io';
import { call, openCliCore } from './session';
import { slowNotice } from './slowNotice';

/**
 * `transferlab report <experiment-id>... --format F --out FILE`: builds a comparison of the
 * experiments (and/or `--runs`) and writes it as a report. `--out` names the file, or a folder
 * to write the report's own (sanitised) name into: an existing one, or one to create, written
 * with a trailing '/' (`--out reports/`); `--out -` writes the report's bytes to stdout, and
 * nothing else goes there (issue 12). An existing file is kept unless `--force`. The report
 * is recorded (`transferlab reports`) only once its file is written (issue 11). `--json`
 * prints what was written (ReportJsonOutput) instead of the bare path. `--request FILE` (or
 * `-` for stdin) takes the request JSON a report prints in its Regenerate section, for options
 * the flags do not cover. `--from <report-id>` rebuilds a recorded report
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
    /** A request file, or `-` for the request JSON on stdin. */
    request: FileOrStdinSchema.optional(),
    /** A recorded report (see `transferlab reports`), rebuilt from its stored request. */
    from: IdSchema.optional(),
    force: z.boolean().default(false),
    workspace: WorkspaceSchema.optional(),
    json: z.boolean().default(false),
  })
  .strict();
export type ReportArgs = z.infer<typeof ReportArgsSchema>;

function parseIds(ids: readonly string[]): number[] {
  const issues: Issue[] = [];
  const parsed = ids.map((id) => {
    const result = IdSchema.safeParse(id);
    if (result.success) return result.data;
    issues.push({
      path: `<experiment-id> ${JSON.stringify(id)}`,
      message: result.error.issues[0]?.message ?? 'invalid',
    });
    return 0;
  });
  if (issues.length > 0) throw new UsageError('Invalid arguments', issues);
  return parsed;
}

/** `--request FILE`, or `--request -` with the text stdin gave. */
function readRequest(path: string, stdinText: string | undefined): CompareInput {
  const label = path === STDIN ? STDIN_LABEL : path;
  let json: unknown;
  try {
    if (path === STDIN && stdinText === undefined) throw new Error('stdin was not read');
    json = JSON.parse(stdinText ?? readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(
      `--request: ${label} is not JSON (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  const parsed = CompareInputSchema.safeParse(json);
  if (!parsed.success) {
    throw new UsageError(
      `--request: ${label} is not a comparison request`,
      issuesFromZod(parsed.error),
    );
  }
  return parsed.data;
}

/** What to compare, from the flags or `--request` (`stdinText`: what stdin gave for `-`). */
export function compareInputFrom(
  ids: number[],
  args: ReportArgs,
  stdinText?: string,
): CompareInput {
  if (args.request !== undefined) {
    refuseFlags('--request says what to compare', comparisonFlags(ids, args));
    return readRequest(args.request, stdinText);
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

/** What `report --json` prints: exactly this document, nothing else on stdout. */
export interface ReportJsonOutput {
  reportId: number;
  format: ReportFormat;
  /** The file written (absolute). */
  path: string;
  bytes: number;
  /** Of the bytes written; the same as the report's record (`transferlab reports --json`). */
  sha256: string;
}

/** What the sink wrote, once it has. */
interface Written {
  /** The file's path; null for stdout. */
  path: string | null;
  bytes: number;
  sha256: string;
}

/**
 * Writes a report's bytes to stdout (`--out -`), failing as an AppFailure with the system's
 * reason (a reader gone away: EPIPE; a full disk behind a redirection: ENOSPC).
 */
async function writeToStdout(io: CliIo, bytes: Uint8Array): Promise<void> {
  if (io.writeOut === undefined) {
    io.out(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
    return;
  }
  try {
    await io.writeOut(bytes);
  } catch (e) {
    throw new AppFailure('write_failed', `Could not write the report to stdout: ${osReason(e)}.`);
  }
}

/**
 * The sink for `--out -`. Nothing can be staged on a pipe, and nothing written to it can be
 * taken back; so here staging is writing: every byte goes to stdout, and is taken by the
 * operating system, before the service opens the transaction that records the report. A
 * stdout that refuses them (a closed pipe, a full disk) fails the staging and leaves no record.
 * Publishing has nothing left to do. Writing inside the transaction instead would hold the
 * workspace's write lock for as long as a slow reader (`| less`) takes; the price of writing
 * first is that a record that then fails leaves the bytes delivered but unrecorded: that is
 * said on stderr, and the exit code is 1.
 */
function stdoutSink(io: CliIo, done: (written: Written) => void): ReportSink {
  return async ({ bytes }) => {
    await writeToStdout(io, bytes);
    const written = { path: null, bytes: bytes.byteLength, sha256: sha256(bytes) };
    return {
      publish: () => {
        done(written);
      },
      discard: () => {
        io.err('The report was written to stdout, but could not be recorded.\n');
      },
    };
  };
}

/**
 * The sink for a file: the core stages the file through it and publishes it in the transaction
 * that records the report, so a refused write leaves no record (issue 11).
 */
function fileSink(target: OutTarget, force: boolean, done: (written: Written) => void): ReportSink {
  return ({ fileName, bytes }) => {
    const staged = stageIntoFolder(target.folder, target.name ?? fileName, bytes, {
      overwrite: force,
      createFolder: target.createFolder,
      replaceHint: 'add --force',
    });
    return {
      publish: () => {
        const path = staged.publish();
        done({ path, bytes: bytes.byteLength, sha256: sha256(bytes) });
      },
      discard: () => {
        staged.discard();
      },
    };
  };
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `--out -` takes stdout for the report's bytes: refuse what cannot go with it. */
function checkStdoutOut(args: ReportArgs, io: CliIo): void {
  if (args.json) {
    throw new UsageError(
      '--json and --out - would both write to stdout; name a file with --out, or leave out --json',
    );
  }
  if (args.force) throw new UsageError('--force replaces a file; --out - writes to stdout');
  // As gzip does: binary bytes on a terminal only garble it.
  if (args.format === 'pdf' && io.stdoutIsTTY) {
    throw new UsageError(
      '--out -: a PDF is not written to a terminal; redirect stdout to a file or a pipe',
    );
  }
}

export async function reportCommand(
  ids: readonly string[],
  options: Record<string, unknown>,
  io: CliIo,
): Promise<number> {
  const args = parseArgs(ReportArgsSchema, options);
  const experimentIds = parseIds(ids);
  if (args.from !== undefined) rejectWithFrom(experimentIds, args);
  const toStdout = args.out === STDIN;
  if (toStdout) checkStdoutOut(args, io);
  const stdinRequest =
    args.from === undefined && args.request === STDIN
      ? await readStdinText(io, 'a comparison request')
      : undefined;
  // Checked before the workspace opens, so a usage error costs nothing.
  const job =
    args.from !== undefined
      ? ({ kind: 'regenerate', id: args.from } as const)
      : ({ kind: 'create', compare: compareInputFrom(experimentIds, args, stdinRequest) } as const);
  const target = toStdout ? null : outTarget(args.out, args.force, io);
  // stdout holds the report's bytes, or one JSON document: nothing a library prints goes there.
  const restoreConsole = toStdout || args.json ? keepConsoleOffStdout() : () => undefined;
  try {
    const core = await openCliCore(args.workspace ?? defaultWorkspaceDir(), 'none');
    const done = slowNotice(io, `Building the ${args.format} report…`);
    try {
      const result: { written?: Written } = {};
      const record = (w: Written): void => {
        result.written = w;
      };
      const sink = target === null ? stdoutSink(io, record) : fileSink(target, args.force, record);
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
      const out = result.written;
      if (out === undefined) {
        throw new Error(`Report #${file.reportId} was recorded, but no file was written.`);
      }
      done();
      if (out.path === null) {
        io.err(
          `Report #${file.reportId} (${args.format}, ${out.bytes} bytes, sha256 ${out.sha256}) written to stdout\n`,
        );
        return 0;
      }
      io.err(`Report #${file.reportId} (${args.format}, ${out.bytes} bytes)\n`);
      if (args.json) {
        const doc: ReportJsonOutput = {
          reportId: file.reportId,
          format: args.format,
          path: out.path,
          bytes: out.bytes,
          sha256: out.sha256,
        };
        io.out(`${JSON.stringify(doc)}\n`);
      } else {
        io.out(`${out.path}\n`);
      }
      return 0;
    } finally {
      done();
      await core.close();
    }
  } finally {
    restoreConsole();
  }
}
