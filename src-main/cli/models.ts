import Table from 'cli-table3';
import {
  describeScaling,
  modelLabel,
  type ModelDetail,
  type ModelStorage,
  type ModelSummary,
} from '../../src-shared/domain/models';
import { parseArgs } from './args';
import { tableHead } from './format';
import { useColor, type CliIo } from './io';
import {
  exportSource,
  ModelsDeleteArgsSchema,
  ModelsExportArgsSchema,
  ModelsImportArgsSchema,
  ModelsKeepArgsSchema,
  ModelsListArgsSchema,
  ModelsSetArgsSchema,
  ModelsShowArgsSchema,
  scalingFrom,
} from './modelArgs';
import { call, withCliCore } from './session';

/** `transferlab models ...` (issue 13): import, list, show, set, export and delete models. */

function megabytes(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} kB`;
}

function modelsTable(models: readonly ModelSummary[], color: boolean): string {
  if (models.length === 0)
    return 'No imported models. Import one: transferlab models import <model.onnx | tfjs folder>\n';
  const table = new Table(
    tableHead(
      ['id', 'name', 'format', 'input', 'features', 'outputs', 'parameters', 'disk', 'runs'],
      color,
    ),
  );
  for (const m of models) {
    table.push([
      `m${m.id}`,
      m.name,
      m.format,
      `[${m.input.shape.join('×')}]`,
      `${m.featureLayer} (${m.featureSize})`,
      m.outputUnits,
      m.parameters.toLocaleString('en-US'),
      megabytes(m.bytes),
      m.runs,
    ]);
  }
  return `${table.toString()}\n`;
}

export function modelDescription(m: ModelDetail): string {
  const lines = [
    `${modelLabel(m)}  ${m.format}, ${m.parameters.toLocaleString('en-US')} parameters, ${megabytes(m.bytes)}`,
    `  from:       ${m.provenance.file}${m.producer ? ` (${m.producer}${m.provenance.opset ? `, opset ${m.provenance.opset}` : ''})` : ''}`,
    `  file hash:  ${m.fileHash}`,
    `  operators:  ${m.operators.join(', ')}`,
    `  input:      rows of [${m.input.shape.join(', ')}], ${describeScaling(m.input.scaling)}`,
    `  features:   ${m.featureLayer} (${m.featureSize} values); head: ${m.outputUnits} output(s)`,
    ...m.provenance.notes.map((note) => `  note:       ${note}`),
    '  layers:',
    ...m.layers.map(
      (l) =>
        `    ${l.role === 'features' ? '▸' : ' '} ${l.name.padEnd(18)} ${l.className.padEnd(22)} ` +
        `[${l.outputShape.join('×')}]${l.activation && l.activation !== 'linear' ? ` ${l.activation}` : ''}` +
        `${l.parameters > 0 ? `  ${l.parameters.toLocaleString('en-US')} params` : ''}  ${l.role}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

export async function modelsListCommand(
  options: Record<string, unknown>,
  io: CliIo,
): Promise<number> {
  const args = parseArgs(ModelsListArgsSchema, options);
  return withCliCore(args.workspace, args.json, async (core) => {
    const models = await call(core, 'models.list', {});
    io.out(args.json ? `${JSON.stringify(models)}\n` : modelsTable(models, useColor(io)));
    return 0;
  });
}

export async function modelsImportCommand(
  path: string,
  options: Record<string, unknown>,
  io: CliIo,
): Promise<number> {
  const args = parseArgs(ModelsImportArgsSchema, { path, ...options });
  const scaling = scalingFrom(args);
  return withCliCore(args.workspace, args.json, async (core) => {
    // Conversion starts a process and loads tfjs: say what is happening meanwhile.
    if (!args.json) io.err(`Converting ${args.path} …\n`);
    const result = await call(core, 'models.import', {
      files: { kind: 'path', path: args.path },
      ...(args.name !== undefined ? { name: args.name } : {}),
      ...(args.featureLayer !== undefined ? { featureLayer: args.featureLayer } : {}),
      ...(scaling ? { scaling } : {}),
    });
    if (args.json) io.out(`${JSON.stringify(result)}\n`);
    else {
      io.out(
        result.alreadyImported
          ? `Already imported as ${modelLabel(result.model)}: nothing stored again.\n`
          : `Imported ${modelLabel(result.model)}.\n`,
      );
      io.out(modelDescription(result.model));
    }
    return 0;
  });
}

export async function modelsShowCommand(
  ref: string,
  options: Record<string, unknown>,
  io: CliIo,
): Promise<number> {
  const args = parseArgs(ModelsShowArgsSchema, { ref, ...options });
  return withCliCore(args.workspace, args.json, async (core) => {
    const model = await call(core, 'models.get', { ref: args.ref });
    io.out(args.json ? `${JSON.stringify(model)}\n` : modelDescription(model));
    return 0;
  });
}

export async function modelsSetCommand(
  ref: string,
  options: Record<string, unknown>,
  io: CliIo,
): Promise<number> {
  const args = parseArgs(ModelsSetArgsSchema, { ref, ...options });
  const scaling = scalingFrom(args);
  return withCliCore(args.workspace, args.json, async (core) => {
    const { id } = await call(core, 'models.get', { ref: args.ref });
    const model = await call(core, 'models.update', {
      id,
      ...(args.name !== undefined ? { name: args.name } : {}),
      ...(args.featureLayer !== undefined ? { featureLayer: args.featureLayer } : {}),
      ...(scaling ? { scaling } : {}),
    });
    io.out(args.json ? `${JSON.stringify(model)}\n` : modelDescription(model));
    return 0;
  });
}

export async function modelsDeleteCommand(
  id: string,
  options: Record<string, unknown>,
  io: CliIo,
): Promise<number> {
  const args = parseArgs(ModelsDeleteArgsSchema, { id: id.replace(/^m/, ''), ...options });
  return withCliCore(args.workspace, args.json, async (core) => {
    const result = await call(core, 'models.delete', { id: args.id });
    io.out(args.json ? `${JSON.stringify(result)}\n` : `Deleted model m${args.id}.\n`);
    return 0;
  });
}

export async function modelsExportCommand(
  ref: string,
  options: Record<string, unknown>,
  io: CliIo,
): Promise<number> {
  const args = parseArgs(ModelsExportArgsSchema, { ref, ...options });
  const source = exportSource(args.ref);
  return withCliCore(args.workspace, args.json, async (core) => {
    const from =
      source.kind === 'run'
        ? source
        : { kind: 'model' as const, id: (await call(core, 'models.get', { ref: source.ref })).id };
    if (!args.json) io.err(`Exporting as ${args.format} …\n`);
    const result = await call(core, 'models.export', { from, format: args.format, out: args.out });
    if (args.json) io.out(`${JSON.stringify(result)}\n`);
    else {
      for (const f of result.files)
        io.out(`Wrote ${f.path ?? f.fileName} (${megabytes(f.bytes)})\n`);
      io.out(`${result.note}\n`);
    }
    return 0;
  });
}

function storageText(s: ModelStorage): string {
  const line = (what: string, p: { models: number; bytes: number }): string =>
    `  ${what.padEnd(16)} ${String(p.models).padStart(5)} model(s)  ${megabytes(p.bytes)}`;
  return [
    `Transfer runs keep: ${s.keep}${s.keep === 'best-per-cell' ? ' (the best of each comparison cell, chosen on validation accuracy)' : ''}`,
    line('source runs', s.sourceRuns),
    line('transfer runs', s.transferRuns),
    line('imported', s.imported),
    '',
  ].join('\n');
}

/** `transferlab models keep [all|best-per-cell|none]`: what transfer runs keep, and disk used. */
export async function modelsKeepCommand(
  keep: string | undefined,
  options: Record<string, unknown>,
  io: CliIo,
): Promise<number> {
  const args = parseArgs(ModelsKeepArgsSchema, {
    ...(keep === undefined ? {} : { keep }),
    ...options,
  });
  return withCliCore(args.workspace, args.json, async (core) => {
    const storage =
      args.keep === undefined
        ? await call(core, 'models.storage', {})
        : await call(core, 'models.setKeep', { keep: args.keep });
    io.out(args.json ? `${JSON.stringify(storage)}\n` : storageText(storage));
    return 0;
  });
}
