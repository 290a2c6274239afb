import {
  SlurmOptionsSchema,
  type ClusterStatus,
  type ExecutorChoice,
  type SlurmOptions,
} from '../../src-shared/domain/cluster';
import { formatIssue, issuesFromZod, type Issue } from '../../src-shared/result';

/**
 * The Slurm profile as Settings edits it (issue 16): every option as the text in its input, so
 * that a half-typed value stays as typed; `slurmOptionsFromForm` turns it into the SlurmOptions
 * the server checks, an empty input meaning "sbatch's default" (the option left out).
 */
export interface SlurmProfileForm {
  partition: string;
  time: string;
  cpusPerTask: string;
  gpusPerTask: string;
  mem: string;
  arrayParallelism: string;
  account: string;
  /** One sbatch argument per line. */
  sbatchArgs: string;
}

export type SlurmField = keyof SlurmProfileForm;

export const SLURM_FIELDS: readonly SlurmField[] = [
  'partition',
  'time',
  'cpusPerTask',
  'gpusPerTask',
  'mem',
  'arrayParallelism',
  'account',
  'sbatchArgs',
];

/** Problems by input; `form` holds those that belong to no one input. */
export type SlurmProblems = Partial<Record<SlurmField | 'form', string[]>>;

const COUNT_FIELDS = ['cpusPerTask', 'gpusPerTask', 'arrayParallelism'] as const;

export function formFromSlurmOptions(options: SlurmOptions | null): SlurmProfileForm {
  const count = (n: number | undefined): string => (n === undefined ? '' : String(n));
  return {
    partition: options?.partition ?? '',
    time: options?.time ?? '',
    cpusPerTask: count(options?.cpusPerTask),
    gpusPerTask: count(options?.gpusPerTask),
    mem: options?.mem ?? '',
    arrayParallelism: count(options?.arrayParallelism),
    account: options?.account ?? '',
    sbatchArgs: (options?.sbatchArgs ?? []).join('\n'),
  };
}

/**
 * The options the form holds, or the problems that keep it from holding any. The form checks only
 * what the schema says (whole positive counts); whether sbatch accepts a value (a time format, a
 * reserved option) is the server's to say, and `placeSlurmIssues` puts its answer at the input.
 */
export function slurmOptionsFromForm(
  form: SlurmProfileForm,
): { ok: true; options: SlurmOptions } | { ok: false; problems: SlurmProblems } {
  const problems: SlurmProblems = {};
  const raw: Record<string, unknown> = {};
  for (const field of ['partition', 'time', 'mem', 'account'] as const) {
    const text = form[field].trim();
    if (text !== '') raw[field] = text;
  }
  for (const field of COUNT_FIELDS) {
    const text = form[field].trim();
    if (text === '') continue;
    if (!/^\d+$/.test(text) || Number(text) < 1) {
      problems[field] = ['A whole number, 1 or more (or empty for sbatch’s default).'];
      continue;
    }
    raw[field] = Number(text);
  }
  const args = form.sbatchArgs
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (args.length > 0) raw.sbatchArgs = args;
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  const parsed = SlurmOptionsSchema.safeParse(raw);
  if (!parsed.success)
    return { ok: false, problems: placeSlurmIssues(issuesFromZod(parsed.error)) };
  return { ok: true, options: parsed.data };
}

/**
 * The server's problems with a profile, each at the input its path names (`time`,
 * `profile.time`, `sbatchArgs.1`, `executor.slurm.mem`); the rest under the form.
 */
export function placeSlurmIssues(issues: readonly Issue[]): SlurmProblems {
  const placed: SlurmProblems = {};
  for (const issue of issues) {
    const parts = issue.path.split('.').filter((part) => part !== '');
    const field = parts.find((part): part is SlurmField =>
      (SLURM_FIELDS as readonly string[]).includes(part),
    );
    (placed[field ?? 'form'] ??= []).push(field === undefined ? formatIssue(issue) : issue.message);
  }
  return placed;
}

/**
 * The profile in one line, as the designer shows it under "Run on: Slurm":
 * `partition debug · 00:10:00 · 1 CPU`. Options left out are sbatch's (the cluster's) defaults.
 */
export function slurmOptionsLine(options: SlurmOptions): string {
  const plural = (n: number, word: string): string => `${String(n)} ${word}${n === 1 ? '' : 's'}`;
  const parts: string[] = [];
  if (options.partition !== undefined) parts.push(`partition ${options.partition}`);
  if (options.time !== undefined) parts.push(options.time);
  if (options.cpusPerTask !== undefined) parts.push(plural(options.cpusPerTask, 'CPU'));
  if (options.gpusPerTask !== undefined) parts.push(plural(options.gpusPerTask, 'GPU'));
  if (options.mem !== undefined) parts.push(`${options.mem} memory`);
  if (options.arrayParallelism !== undefined)
    parts.push(`at most ${String(options.arrayParallelism)} at once`);
  if (options.account !== undefined) parts.push(`account ${options.account}`);
  const extra = options.sbatchArgs ?? [];
  if (extra.length > 0) parts.push(extra.join(' '));
  return parts.length > 0 ? parts.join(' · ') : 'the cluster’s defaults';
}

/** Where a launch can send its runs, and why Slurm is not offered when it is not. */
export type RunOnOffer =
  | { state: 'loading' }
  | { state: 'failed'; reason: string }
  | { state: 'unavailable'; reason: string }
  | { state: 'available'; version: string; profile: SlurmOptions | null };

export function runOnOffer(status: ClusterStatus | undefined, error: string | null): RunOnOffer {
  if (status === undefined) {
    return error === null
      ? { state: 'loading' }
      : { state: 'failed', reason: `Could not ask whether Slurm is reachable: ${error}` };
  }
  if (!status.slurm.available) return { state: 'unavailable', reason: status.slurm.reason };
  return { state: 'available', version: status.slurm.version, profile: status.slurmProfile };
}

/**
 * What a launch sends as `executor`: nothing for this machine (the server's default, so a local
 * launch asks what it always did), Slurm with the saved profile (the cluster's defaults when none
 * is saved). Slurm stays Slurm if the cluster went away since it was chosen: the server refuses
 * it with the reason, rather than the runs quietly training here.
 */
export function executorChoice(
  runOn: 'local' | 'slurm',
  status: ClusterStatus | undefined,
): ExecutorChoice | undefined {
  if (runOn === 'local') return undefined;
  return { kind: 'slurm', slurm: status?.slurmProfile ?? {} };
}
