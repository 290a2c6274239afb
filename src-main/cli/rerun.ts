import { z } from 'zod';
import type { Reproduction } from '../../src-shared/domain/reproduction';
import { AppFailure } from '../../src-shared/result';
import { defaultWorkspaceDir } from '../core/paths';
import type { Core } from '../core/types';
import { IdSchema, parseArgs, UsageError, WorkspaceSchema } from './args';
import { transferLabel } from './format';
import { keepConsoleOffStdout, onStopSignal, type CliIo } from './io';
import { progressReporter } from './progress';
import { EXIT } from './run';
import { call, openCliCore } from './session';
import { withTrainSampleNotes } from './trainSampleNotes';

/**
 * `transferlab rerun <run-id>... [--check] [--json]` (issue 10): re-runs past runs with their
 * identical resolved configs, waits for them, and says for each whether it reproduced its
 * original — exactly (bitwise per-epoch metrics), within tolerance (another backend), or where
 * it first differs. With `--check` the exit code is 1 unless every re-run reproduced, so a
 * paper's artefact can be verified in CI. A dataset changed since a run is refused (exit 2).
 */

export const RerunArgsSchema = z
  .object({
    ids: z.array(IdSchema).min(1, 'name at least one run'),
    workspace: WorkspaceSchema.optional(),
    json: z.boolean().default(false),
    check: z.boolean().default(false),
  })
  .strict();

/** What `rerun --json` prints. */
export interface RerunJsonOutput {
  reruns: {
    original: number;
    rerun: number;
    status: string;
    reproduction: Reproduction | null;
  }[];
  /** True when every re-run reproduced (exactly or within tolerance). */
  reproduced: boolean;
}

const REPRODUCED = new Set(['exact', 'within-tolerance']);

export async function rerunCommand(
  idArgs: string[],
  options: Record<string, unknown>,
  io: CliIo,
): Promise<number> {
  const args = parseArgs(RerunArgsSchema, { ids: idArgs, ...options });
  const restoreConsole = args.json ? keepConsoleOffStdout() : () => undefined;
  let core: Core | null = null;
  const cleanups: (() => void)[] = [];
  try {
    core = await openCliCore(args.workspace ?? defaultWorkspaceDir(), 'own');
    const opened = core;
    const labels = new Map<number, string>();
    const describe = (id: number): string => labels.get(id) ?? `#${id}`;
    const reporter = withTrainSampleNotes(
      (id) => call(opened, 'runs.get', { id }),
      progressReporter(io, describe),
      describe,
    );
    const rerunIds = new Set<number>();
    cleanups.push(
      opened.onEvent((event) => {
        if ('runId' in event && rerunIds.has(event.runId)) reporter.handle(event);
      }),
    );
    const stop = { interrupted: false };
    cleanups.push(
      onStopSignal(() => {
        stop.interrupted = true;
        io.err('Interrupted: cancelling the re-runs...\n');
        for (const id of rerunIds) void call(opened, 'runs.cancel', { id }).catch(() => undefined);
      }),
    );
    const result = await call(opened, 'runs.rerun', { ids: args.ids }).catch((e: unknown) => {
      if (e instanceof AppFailure && (e.code === 'invalid_input' || e.code === 'not_found'))
        throw new UsageError(e.message.replace(/^Nothing re-run: .*/s, 'Nothing re-run'), e.issues);
      throw e;
    });
    for (const { original, rerun } of result.pairs) {
      rerunIds.add(rerun);
      const run = await call(opened, 'runs.get', { id: rerun });
      labels.set(
        rerun,
        `#${rerun} (re-run of #${original}) ${run.variant} ${transferLabel(run)} budget ${String(run.budget)} seed ${run.seed}`,
      );
    }
    io.err(
      `Re-running ${result.pairs.map((p) => `#${p.original} as #${p.rerun}`).join(', ')} in ${opened.workspaceDir}\n`,
    );
    await opened.waitForRuns([...rerunIds]);
    reporter.stop();
    const out: RerunJsonOutput = { reruns: [], reproduced: true };
    for (const { original, rerun } of result.pairs) {
      const run = await call(opened, 'runs.get', { id: rerun });
      out.reruns.push({ original, rerun, status: run.status, reproduction: run.reproduction });
      if (!REPRODUCED.has(run.reproduction?.outcome ?? '')) out.reproduced = false;
    }
    if (args.json) io.out(`${JSON.stringify(out)}\n`);
    else {
      for (const r of out.reruns) {
        io.out(
          `#${r.original} → #${r.rerun}: ${r.reproduction?.message ?? `re-run ${r.status}; not compared`}\n`,
        );
      }
    }
    if (stop.interrupted) return EXIT.interrupted;
    if (args.check) return out.reproduced ? EXIT.ok : EXIT.failed;
    return out.reruns.every((r) => r.status === 'completed') ? EXIT.ok : EXIT.failed;
  } finally {
    for (const cleanup of cleanups) cleanup();
    await core?.close();
    restoreConsole();
  }
}
