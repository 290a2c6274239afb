import Table from 'cli-table3';
import { z } from 'zod';
import type { ReportRecord } from '../../src-shared/rpc/reports';
import { defaultWorkspaceDir } from '../core/paths';
import { parseArgs, WorkspaceSchema } from './args';
import { tableHead } from './format';
import { keepConsoleOffStdout, useColor, type CliIo } from './io';
import { call, openCliCore } from './session';

export const ReportsArgsSchema = z
  .object({
    workspace: WorkspaceSchema.optional(),
    json: z.boolean().default(false),
  })
  .strict();

function reportsTable(reports: readonly ReportRecord[], color: boolean): string {
  const table = new Table({
    ...tableHead(['report', 'format', 'title', 'compared', 'created', 'file'], color),
  });
  for (const r of reports) {
    const { experimentIds, runIds } = r.request.selection;
    const what = [
      experimentIds.length > 0
        ? `experiments ${experimentIds.map((id) => `#${id}`).join(', ')}`
        : '',
      runIds.length > 0 ? `runs ${runIds.map((id) => `#${id}`).join(', ')}` : '',
    ]
      .filter((s) => s !== '')
      .join('; ');
    table.push([
      String(r.id),
      r.format,
      r.title,
      `${what} (${r.runIds.length} runs)`,
      r.createdAt.slice(0, 16).replace('T', ' '),
      r.fileName,
    ]);
  }
  return `${table.toString()}\nRegenerate one with: transferlab report --from <report> --format <format> --out <file>\n`;
}

/**
 * `transferlab reports [--json] [--workspace DIR]`: the reports exported from this workspace,
 * newest first, with what each compared (its stored request), read-only.
 */
export async function reportsCommand(options: Record<string, unknown>, io: CliIo): Promise<number> {
  const args = parseArgs(ReportsArgsSchema, options);
  const restoreConsole = args.json ? keepConsoleOffStdout() : () => undefined;
  try {
    const core = await openCliCore(args.workspace ?? defaultWorkspaceDir(), 'none');
    try {
      const reports = await call(core, 'reports.list', {});
      if (args.json) io.out(`${JSON.stringify(reports)}\n`);
      else if (reports.length === 0)
        io.err('No reports yet: export one with `transferlab report`.\n');
      else io.out(reportsTable(reports, useColor(io)));
      return 0;
    } finally {
      await core.close();
    }
  } finally {
    restoreConsole();
  }
}
