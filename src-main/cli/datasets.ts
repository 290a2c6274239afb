import Table from 'cli-table3';
import type { DatasetSummary } from '../../src-shared/domain/datasets';
import type { ImportResult } from '../../src-shared/rpc/datasets';
import { defaultWorkspaceDir } from '../core/paths';
import { detectFormat } from '../import/detect';
import { parseArgs } from './args';
import {
  DatasetsArgsSchema,
  DatasetsDeleteArgsSchema,
  DatasetsImportArgsSchema,
  importOptionsFrom,
} from './datasetArgs';
import { importProgress } from './importProgress';
import { tableHead } from './format';
import { keepConsoleOffStdout, useColor, type CliIo } from './io';
import { call, openCliCore } from './session';

/** `transferlab datasets [--json] [--workspace DIR]`: every dataset of the workspace. */
export async function datasetsCommand(
  options: Record<string, unknown>,
  io: CliIo,
): Promise<number> {
  const args = parseArgs(DatasetsArgsSchema, options);
  const restoreConsole = args.json ? keepConsoleOffStdout() : () => undefined;
  try {
    const core = await openCliCore(args.workspace ?? defaultWorkspaceDir(), 'none');
    try {
      const datasets = await call(core, 'datasets.list', {});
      if (args.json) io.out(`${JSON.stringify(datasets)}\n`);
      else io.out(datasetsTable(datasets, useColor(io)));
      return 0;
    } finally {
      await core.close();
    }
  } finally {
    restoreConsole();
  }
}

/** `transferlab datasets import <file-or-folder> [options] [--json] [--workspace DIR]` */
export async function datasetsImportCommand(
  path: string,
  options: Record<string, unknown>,
  io: CliIo,
): Promise<number> {
  const args = parseArgs(DatasetsImportArgsSchema, { path, ...options });
  // Renamed (issue 12): `--color` reads as terminal colour, as NO_COLOR and FORCE_COLOR mean.
  if (args.color !== undefined) {
    io.err('transferlab: warning: --color is deprecated; use --channels (same values)\n');
  }
  const format = args.format ?? (await detectFormat(args.path, args.path));
  const importOptions = importOptionsFrom(args, format);
  const restoreConsole = args.json ? keepConsoleOffStdout() : () => undefined;
  try {
    const core = await openCliCore(args.workspace ?? defaultWorkspaceDir(), 'none');
    const progress = importProgress(io);
    const off = core.onImportProgress(progress.handle);
    try {
      const result = await call(core, 'datasets.import', {
        file: { kind: 'path', path: args.path },
        ...(args.name !== undefined ? { name: args.name } : {}),
        options: importOptions,
      });
      progress.stop();
      if (args.json) io.out(`${JSON.stringify(result)}\n`);
      else io.out(importSummary(result));
      return 0;
    } finally {
      progress.stop();
      off();
      await core.close();
    }
  } finally {
    restoreConsole();
  }
}

/** `transferlab datasets delete <id>`: refused for built-in datasets and datasets in use. */
export async function datasetsDeleteCommand(
  id: string,
  options: Record<string, unknown>,
  io: CliIo,
): Promise<number> {
  const args = parseArgs(DatasetsDeleteArgsSchema, { id, ...options });
  const core = await openCliCore(args.workspace ?? defaultWorkspaceDir(), 'none');
  try {
    const result = await call(core, 'datasets.delete', { id: args.id });
    if (args.json) io.out(`${JSON.stringify(result)}\n`);
    else io.err(`Deleted dataset #${args.id}.\n`);
    return 0;
  } finally {
    await core.close();
  }
}

function shape(d: Pick<DatasetSummary, 'featureShape'>): string {
  return `[${d.featureShape.join(', ')}]`;
}

export function datasetsTable(datasets: readonly DatasetSummary[], color: boolean): string {
  const table = new Table({
    ...tableHead(['id', 'name', 'kind', 'samples', 'shape', 'classes', 'content hash'], color),
  });
  for (const d of datasets) {
    table.push([
      String(d.id),
      d.name,
      d.kind,
      String(d.samples),
      shape(d),
      String(d.classes.length),
      d.contentHash.slice(0, 12),
    ]);
  }
  return `${table.toString()}\n`;
}

export function importSummary(result: ImportResult): string {
  const { dataset: d, report } = result;
  const lines = [
    `${result.reused ? (d.kind === 'builtin' ? 'Already here, built in' : 'Already imported') : 'Imported'}: "${d.name}" (#${d.id}), ${d.samples} rows of ${shape(d)}, ${d.classes.length} classes`,
    `content hash ${d.contentHash}`,
  ];
  if (report.rowsDropped > 0)
    lines.push(`${report.rowsDropped} of ${report.rowsRead} rows dropped (missing values)`);
  const missing = Object.entries(report.missingByColumn).filter(([, n]) => n > 0);
  if (missing.length > 0)
    lines.push(`missing cells: ${missing.map(([c, n]) => `${c} ${n}`).join(', ')}`);
  for (const o of report.oneHot)
    lines.push(`one-hot: ${o.column} → ${o.categories.length} features`);
  if (report.labelMap) {
    lines.push(
      `labels: ${report.labelMap
        .slice(0, 20)
        .map((m) => `${m.original}→${m.label}`)
        .join(', ')}${report.labelMap.length > 20 ? ', ...' : ''}`,
    );
  }
  for (const w of report.warnings) lines.push(`warning: ${w}`);
  return `${lines.join('\n')}\n`;
}
