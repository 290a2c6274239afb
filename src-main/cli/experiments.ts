import Table from 'cli-table3';
import { z } from 'zod';
import type { ExperimentSummary } from '../../src-shared/domain/experiments';
import { TERMINAL_STATUSES } from '../../src-shared/domain/runs';
import type { ExperimentDeletePreview } from '../../src-shared/rpc/experiments';
import { IdSchema, parseArgs, WorkspaceSchema } from './args';
import { tableHead } from './format';
import { useColor, type CliIo } from './io';
import { EXIT } from './run';
import { call, withCliCore } from './session';

/**
 * `transferlab experiments ...` (issue 14, point 5): list experiments, archive or unarchive one,
 * and delete one with its runs; delete says what would go and does nothing without --yes.
 */

const ListArgsSchema = z
  .object({
    workspace: WorkspaceSchema.optional(),
    json: z.boolean().default(false),
    archived: z.boolean().default(false),
  })
  .strict();

const IdArgsSchema = z
  .object({ id: IdSchema, workspace: WorkspaceSchema.optional(), json: z.boolean().default(false) })
  .strict();

const DeleteArgsSchema = IdArgsSchema.extend({ yes: z.boolean().default(false) }).strict();

function experimentsTable(list: readonly ExperimentSummary[], color: boolean): string {
  const table = new Table(tableHead(['id', 'name', 'created', 'runs', 'done', 'archived'], color));
  for (const e of list) {
    const done = TERMINAL_STATUSES.reduce((n, s) => n + (e.runCounts[s] ?? 0), 0);
    table.push([
      e.id,
      e.name,
      e.createdAt.slice(0, 16).replace('T', ' '),
      e.totalRuns,
      done,
      e.archivedAt ? 'yes' : '',
    ]);
  }
  return `${table.toString()}\n`;
}

/** `transferlab experiments [--archived] [--json]`: newest first; archived ones only if asked. */
export async function experimentsListCommand(
  options: Record<string, unknown>,
  io: CliIo,
): Promise<number> {
  const args = parseArgs(ListArgsSchema, options);
  return withCliCore(args.workspace, args.json, async (core) => {
    const all = await call(core, 'experiments.list', {});
    const list = args.archived ? all : all.filter((e) => e.archivedAt === null);
    if (args.json) io.out(`${JSON.stringify(list)}\n`);
    else if (list.length === 0)
      io.err(
        all.length === 0
          ? 'No experiments. Start one: transferlab run <spec.json>\n'
          : `No experiments besides ${all.length} archived: list them with --archived.\n`,
      );
    else io.out(experimentsTable(list, useColor(io)));
    return 0;
  });
}

/** `transferlab experiments archive|unarchive <id>` */
export async function experimentsArchiveCommand(
  id: string,
  archived: boolean,
  options: Record<string, unknown>,
  io: CliIo,
): Promise<number> {
  const args = parseArgs(IdArgsSchema, { id, ...options });
  return withCliCore(args.workspace, args.json, async (core) => {
    const summary = await call(core, 'experiments.update', { id: args.id, archived });
    if (args.json) io.out(`${JSON.stringify(summary)}\n`);
    else
      io.err(
        `${archived ? 'Archived' : 'Unarchived'} experiment #${summary.id} “${summary.name}”.\n`,
      );
    return 0;
  });
}

function bytes(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${(n / 1e3).toFixed(1)} kB`;
}

/** What would go and what stops it, one line each. */
export function describeDeletePreview(p: ExperimentDeletePreview): string {
  const lines = [
    `Deleting experiment #${p.experimentId} “${p.name}” removes:`,
    `  ${p.runs} runs, ${p.metricValues} metric values, ${p.logLines} log lines, their tags and notes`,
    `  ${p.models.folders} model folders (${bytes(p.models.bytes)})` +
      (p.sharedModelFolders > 0 ? `; ${p.sharedModelFolders} shared with other runs stay` : ''),
  ];
  if (p.reports > 0)
    lines.push(
      `  (${p.reports} saved reports compared these runs and can no longer be regenerated)`,
    );
  for (const r of p.active) lines.push(`Blocked: run #${r.id} is ${r.status} (cancel it first).`);
  for (const d of p.dependants)
    lines.push(
      `Blocked: runs ${d.runIds.map((r) => `#${r}`).join(', ')} of experiment #${d.experimentId} “${d.name}” start from its source models.`,
    );
  return `${lines.join('\n')}\n`;
}

/** `transferlab experiments delete <id> [--yes]`: without --yes, only says what would go. */
export async function experimentsDeleteCommand(
  id: string,
  options: Record<string, unknown>,
  io: CliIo,
): Promise<number> {
  const args = parseArgs(DeleteArgsSchema, { id, ...options });
  return withCliCore(args.workspace, args.json, async (core) => {
    const preview = await call(core, 'experiments.deletePreview', { id: args.id });
    if (!args.yes) {
      if (args.json) io.out(`${JSON.stringify({ deleted: false, preview })}\n`);
      else io.err(`${describeDeletePreview(preview)}Nothing was deleted: add --yes to delete.\n`);
      return EXIT.failed;
    }
    if (!args.json) io.err(describeDeletePreview(preview));
    // A refusal (active runs, dependants) is an AppFailure: main.ts prints it, exit code 1.
    const result = await call(core, 'experiments.delete', { id: args.id });
    if (args.json) io.out(`${JSON.stringify({ deleted: true, ...result })}\n`);
    else io.err(`Deleted experiment #${args.id} and ${result.deletedRuns.length} runs.\n`);
    return 0;
  });
}
