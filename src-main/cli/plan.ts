import { z } from 'zod';
import { formatSeconds } from '../../src-shared/duration';
import type { PlanSummary } from '../../src-shared/rpc/plan';
import { AppFailure } from '../../src-shared/result';
import { defaultWorkspaceDir } from '../core/paths';
import type { Core } from '../core/types';
import { FileOrStdinSchema, parseArgs, UsageError, WorkspaceSchema } from './args';
import { keepConsoleOffStdout, type CliIo } from './io';
import { EXIT, readSpec, specLabel } from './run';
import { call, openCliCore } from './session';

/**
 * `transferlab plan <spec.json | -> [--json] [--no-calibrate]`: what `run` would queue and how long
 * it would take, before anything is queued — the same code path as the designer's plan panel and
 * as `experiments.create` (issue 10). Calibration (a short real run of each kind of run nothing
 * in the workspace has measured) is on by default; its progress goes to stderr.
 */

export const PlanArgsSchema = z
  .object({
    spec: FileOrStdinSchema,
    workspace: WorkspaceSchema.optional(),
    json: z.boolean().default(false),
    calibrate: z.boolean().default(true),
  })
  .strict();

function basisLine(p: PlanSummary): string[] {
  const e = p.estimate;
  if (!e) return [`  Estimated wall time: none${p.estimateNote ? ` (${p.estimateNote})` : ''}`];
  const lines = [
    `  Estimated wall time: ${e.basis.unknown > 0 ? 'at least ' : ''}${formatSeconds(e.wallSeconds)} on ${e.concurrency} trainer${e.concurrency === 1 ? '' : 's'}` +
      (e.upperBound ? ' (an upper bound: early stopping can end runs sooner)' : ''),
    `    ${e.method}`,
  ];
  if (p.estimateNote) lines.push(`    ${p.estimateNote}`);
  return lines;
}

/** The plan in words, one fact per line. */
export function planText(name: string, p: PlanSummary): string {
  const width = Math.max(...p.variants.map((v) => v.label.length), 8);
  const reused = p.reusedSourceRuns
    .map((r) => `#${r.runId} ${r.sourceName} seed ${r.seed} (${r.status})`)
    .join(', ');
  return (
    [
      `Plan for "${name}"`,
      `  Variants: ${p.variants.length}`,
      ...p.variants.map(
        (v) => `    ${v.label.padEnd(width)}  ${v.runs} run${v.runs === 1 ? '' : 's'}`,
      ),
      `  Source runs: ${p.sourceRuns} (${p.newSourceRuns} new, ${p.reusedSourceRuns.length} reused${reused ? `: ${reused}` : ''})`,
      `  Transfer runs: ${p.transferRuns}`,
      `  Runs queued when launched: ${p.queuedRuns}`,
      ...basisLine(p),
    ].join('\n') + '\n'
  );
}

export async function planCommand(
  specArg: string,
  options: Record<string, unknown>,
  io: CliIo,
): Promise<number> {
  const args = parseArgs(PlanArgsSchema, { spec: specArg, ...options });
  const specInput = await readSpec(args.spec, io);
  const restoreConsole = args.json ? keepConsoleOffStdout() : () => undefined;
  let core: Core | null = null;
  try {
    core = await openCliCore(args.workspace ?? defaultWorkspaceDir(), 'none');
    const off = core.onEvent((event) => {
      if (event.type === 'plan.calibration')
        io.err(`calibrating ${event.done}/${event.total}: ${event.message}\n`);
    });
    let plan: PlanSummary;
    try {
      if (args.calibrate) io.err('Timing each kind of run not measured in this workspace yet...\n');
      plan = await call(core, 'experiments.plan', {
        spec: specInput,
        estimate: args.calibrate ? 'calibrate' : 'history',
      });
    } catch (e) {
      if (e instanceof AppFailure && (e.code === 'invalid_input' || e.code === 'not_found'))
        throw new UsageError(`${specLabel(args.spec)}: ${e.message}`, e.issues);
      throw e;
    } finally {
      off();
    }
    const name =
      specInput !== null && typeof specInput === 'object' && 'name' in specInput
        ? String(specInput.name)
        : specLabel(args.spec);
    io.out(args.json ? `${JSON.stringify(plan)}\n` : planText(name, plan));
    return EXIT.ok;
  } finally {
    await core?.close();
    restoreConsole();
  }
}
