import { readFile } from 'node:fs/promises';
import { ExperimentSpecSchema } from '../../src-shared/domain/experimentSpec';
import type { ExperimentDetail } from '../../src-shared/domain/experiments';
import type { RunSummary } from '../../src-shared/domain/runs';
import type { AppEvent } from '../../src-shared/rpc/events';
import { AppFailure, issuesFromZod } from '../../src-shared/result';
import { defaultWorkspaceDir } from '../core/paths';
import type { Core } from '../core/types';
import type { z } from 'zod';
import type { ExecutorChoice, SlurmOptions } from '../../src-shared/domain/cluster';
import { parseArgs, RunArgsSchema, STDIN, UsageError } from './args';
import {
  runsTable,
  runTiming,
  timingLine,
  transferLabel,
  variantsTable,
  type RunTiming,
} from './format';
import {
  keepConsoleOffStdout,
  onStopSignal,
  readStdinText,
  STDIN_LABEL,
  useColor,
  type CliIo,
} from './io';
import { progressReporter, type ProgressReporter } from './progress';
import { call, openCliCore } from './session';
import { withTrainSampleNotes } from './trainSampleNotes';

/** How often `run` checks whether its experiment waits on another process. */
const WAITING_CHECK_MS = 2000;

/** Exit codes of every command. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** What `run --json` prints: exactly this document, nothing else on stdout. */
export interface RunJsonOutput {
  experimentId: number;
  runs: {
    id: number;
    kind: RunSummary['kind'];
    strategy: string;
    /** The variant it ran (issue 10): `fine-tune · l2sp λ=0.01`; `source` for source runs. */
    variant: string;
    seed: number;
    status: RunSummary['status'];
    finalMetrics: RunSummary['finalMetrics'];
  }[];
  /** The real wall time beside the estimate recorded with the experiment's plan. */
  timing: RunTiming;
}

/** Reads and checks a spec file before anything is opened; problems are usage errors. */
export async function readSpecFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`Cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return parseSpecText(text, path);
}

/** How messages name a spec: its path, or `<stdin>` for `-`. */
export function specLabel(source: string): string {
  return source === STDIN ? STDIN_LABEL : source;
}

/** `run <spec>` and `plan <spec>`: a spec file, or `-` for the spec JSON on stdin. */
export async function readSpec(source: string, io: CliIo): Promise<unknown> {
  if (source !== STDIN) return readSpecFile(source);
  let text: string;
  try {
    text = await readStdinText(io, 'an experiment spec');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(
      `Cannot read ${STDIN_LABEL}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  return parseSpecText(text, STDIN_LABEL);
}

/** Parses and checks a spec's text; `label` names it in the messages. */
function parseSpecText(text: string, label: string): unknown {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(
      `${label} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const parsed = ExperimentSpecSchema.safeParse(json);
  if (!parsed.success) {
    throw new UsageError(`${label} is not a valid experiment spec`, issuesFromZod(parsed.error));
  }
  // The spec's own content goes to the core, which stores it verbatim beside the parsed spec.
  return json;
}

export function runJson(
  experimentId: number,
  runs: readonly RunSummary[],
  detail: Pick<ExperimentDetail, 'plan' | 'timing'>,
): RunJsonOutput {
  return {
    experimentId,
    runs: runs.map((run) => ({
      id: run.id,
      kind: run.kind,
      strategy: run.strategy,
      variant: run.variant,
      seed: run.seed,
      status: run.status,
      finalMetrics: run.finalMetrics,
    })),
    timing: runTiming(detail),
  };
}

/** `transferlab run <spec.json | -> [--workspace DIR] [--json]` (`-`: the spec on stdin) */
export async function runCommand(
  specArg: string,
  options: Record<string, unknown>,
  io: CliIo,
): Promise<number> {
  const args = parseArgs(RunArgsSchema, { spec: specArg, ...options });
  const spec = await readSpec(args.spec, io);
  const restoreConsole = args.json ? keepConsoleOffStdout() : () => undefined;
  let core: Core | null = null;
  let reporter: ProgressReporter | null = null;
  const cleanups: (() => void)[] = [];
  try {
    core = await openCliCore(
      args.workspace ?? defaultWorkspaceDir(),
      'own',
      'in-process',
      args.concurrency,
    );
    const opened = core;

    // Events may arrive before `experiments.create` returns and before the reporter exists:
    // keep them until both the id and the reporter are known.
    let experimentId: number | null = null;
    const early: AppEvent[] = [];
    const labels = new Map<number, string>();
    const describe = (runId: number): string => labels.get(runId) ?? `#${runId}`;
    // Its own runs, and the source runs of other experiments they wait for (this process may
    // train those too).
    const dependencies = new Set<number>();
    const ours = (event: AppEvent): boolean =>
      'experimentId' in event &&
      (event.experimentId === experimentId || ('runId' in event && dependencies.has(event.runId)));
    cleanups.push(
      opened.onEvent((event) => {
        if (reporter === null) early.push(event);
        else if (ours(event)) reporter.handle(event);
      }),
    );

    // An object, not a `let`: the signal handler sets it while the awaits below are pending.
    const stop = { interrupted: false };
    cleanups.push(
      onStopSignal(() => {
        if (stop.interrupted) {
          io.err('Interrupted again: exiting without waiting for the runs to stop.\n');
          process.exit(EXIT.interrupted);
        }
        stop.interrupted = true;
        io.err('Interrupted: cancelling the experiment\u2019s runs...\n');
        if (experimentId !== null) {
          call(opened, 'experiments.cancel', { id: experimentId }).catch((e: unknown) => {
            io.err(`Cancelling failed: ${e instanceof Error ? e.message : String(e)}\n`);
          });
        }
      }),
    );

    const executor = await executorChoice(opened, args);
    const created = await call(opened, 'experiments.create', {
      spec,
      ...(executor ? { executor } : {}),
    }).catch((e: unknown) => {
      // What the core refuses in a spec (an unknown dataset, a bad strategy parameter) is bad
      // input like a schema error: exit code 2.
      if (e instanceof AppFailure && (e.code === 'invalid_input' || e.code === 'not_found')) {
        throw new UsageError(`${specLabel(args.spec)}: ${e.message}`, e.issues);
      }
      throw e;
    });
    experimentId = created.experimentId;
    const describeRun = (run: RunSummary): string =>
      `#${run.id} ${run.variant} ${transferLabel(run)} budget ${String(run.budget)} seed ${run.seed}`;
    for (const run of await call(opened, 'runs.list', { experimentId })) {
      labels.set(run.id, describeRun(run));
      if (run.dependsOn !== null && !labels.has(run.dependsOn)) dependencies.add(run.dependsOn);
    }
    for (const id of dependencies) {
      const run = await call(opened, 'runs.get', { id });
      if (run.experimentId !== experimentId)
        labels.set(id, `${describeRun(run)} (experiment #${run.experimentId})`);
    }
    if (executor) {
      const { jobs } = opened.clusterState(experimentId);
      const held = jobs.reduce((n, j) => n + j.runs, 0);
      io.err(
        `Experiment #${experimentId}: ${held} of ${created.runIds.length} run(s) submitted to ` +
          `Slurm as ${jobs.length} array job(s) (${jobs.map((j) => `${j.jobId}: ${j.runs}`).join(', ') || 'none'}); ` +
          `workspace ${opened.workspaceDir}\n`,
      );
      if (args.detach) {
        io.err(
          'Detached: the runs go on in Slurm. `transferlab sync` (or the app, or `transferlab ' +
            'serve`, on this workspace) brings their results in.\n',
        );
        return EXIT.ok;
      }
    } else {
      io.err(
        `Experiment #${experimentId}: ${created.runIds.length} run(s) queued in ${opened.workspaceDir}\n`,
      );
    }
    if (stop.interrupted) await call(opened, 'experiments.cancel', { id: experimentId });

    const shown = withTrainSampleNotes(
      (id) => call(opened, 'runs.get', { id }),
      progressReporter(io, describe),
      describe,
    );
    for (const event of early.splice(0)) if (ours(event)) shown.handle(event);
    reporter = shown;

    // Never a silent wait: when another process holds the experiment up, say so, once per change.
    const waitingId = experimentId;
    let waiting: string | null = null;
    const watchWaiting = (): void => {
      const line = executor ? slurmWaitingLine(opened, waitingId) : opened.waitingFor(waitingId);
      if (line !== null && line !== waiting) shown.note(line);
      waiting = line;
    };
    watchWaiting();
    const waitTimer = setInterval(watchWaiting, WAITING_CHECK_MS);
    cleanups.push(() => {
      clearInterval(waitTimer);
    });

    await opened.waitForExperiment(experimentId);
    shown.stop();

    const runs = await call(opened, 'runs.list', { experimentId });
    const detail = await call(opened, 'experiments.get', { id: experimentId });
    if (args.json) {
      io.out(`${JSON.stringify(runJson(experimentId, runs, detail))}\n`);
    } else {
      const color = useColor(io);
      const variants = variantsTable(runs, color);
      io.out(
        runsTable(runs, color) +
          (variants ? `\nBy variant (mean ± std over seeds):\n${variants}` : '') +
          `\n${timingLine(detail)}`,
      );
    }
    if (stop.interrupted) return EXIT.interrupted;
    return runs.every((run) => run.status === 'completed') ? EXIT.ok : EXIT.failed;
  } finally {
    // stop() is idempotent; this one covers a failure while runs were shown.
    reporter?.stop();
    for (const cleanup of cleanups) cleanup();
    await core?.close();
    restoreConsole();
  }
}

/**
 * Where `run` sends its runs: nothing for this machine; for Slurm, the workspace's saved profile
 * with the command line's options over it.
 */
async function executorChoice(
  core: Core,
  args: z.infer<typeof RunArgsSchema>,
): Promise<ExecutorChoice | undefined> {
  if (args.executor === 'local') return undefined;
  const { slurmProfile } = await call(core, 'cluster.status', {});
  const flags: SlurmOptions = {
    ...(args.partition !== undefined ? { partition: args.partition } : {}),
    ...(args.time !== undefined ? { time: args.time } : {}),
    ...(args.cpusPerTask !== undefined ? { cpusPerTask: args.cpusPerTask } : {}),
    ...(args.gpusPerTask !== undefined ? { gpusPerTask: args.gpusPerTask } : {}),
    ...(args.mem !== undefined ? { mem: args.mem } : {}),
    ...(args.arrayParallelism !== undefined ? { arrayParallelism: args.arrayParallelism } : {}),
    ...(args.account !== undefined ? { account: args.account } : {}),
    ...(args.sbatchArg !== undefined ? { sbatchArgs: args.sbatchArg } : {}),
  };
  return { kind: 'slurm', slurm: { ...(slurmProfile ?? {}), ...flags } };
}

/** What Slurm says of the experiment's unfinished runs, in one line: `Slurm: 4 PENDING (Dependency), 2 RUNNING`. */
function slurmWaitingLine(core: Core, experimentId: number): string | null {
  const { waiting } = core.clusterState(experimentId);
  if (waiting.length === 0) return null;
  return `Slurm: ${waiting
    .map((w) => `${w.runs} ${w.state}${w.reason ? ` (${w.reason})` : ''}`)
    .join(', ')}`;
}

/** An `invalid_input` failure from the core (e.g. an unknown dataset) is the user's input too. */
export function isUsageFailure(e: unknown): boolean {
  return e instanceof UsageError || (e instanceof AppFailure && e.code === 'invalid_input');
}
