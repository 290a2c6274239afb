import Table from 'cli-table3';
import {
  STRATEGIES,
  type StrategyInfo,
  type StrategyParamInfo,
} from '../../src-shared/domain/strategies';
import { parseArgs, StrategiesArgsSchema } from './args';
import { tableHead } from './format';
import { useColor, type CliIo } from './io';

/** A parameter as `key=default`, with its range or choices. */
export function describeParam(p: StrategyParamInfo): string {
  const bounds =
    p.min !== undefined || p.max !== undefined
      ? ` [${String(p.min ?? '')}..${String(p.max ?? '')}]`
      : '';
  const choices =
    'options' in p && Array.isArray(p.options) ? ` {${p.options.map(String).join('|')}}` : '';
  return `${p.key}=${String(p.default)}${bounds}${choices}`;
}

function needs(s: StrategyInfo): string {
  const parts: string[] = [];
  if (s.needsSourceModel) parts.push('source model');
  if (s.needsSourceData) parts.push('source data');
  if (s.needsUnlabelledTarget) parts.push('unlabelled target');
  if (!s.needsTargetLabels) parts.push('no target label (budget 0 ok)');
  return parts.join(', ');
}

/** `transferlab strategies [--json]`: every strategy with its family and parameters. */
export function strategiesCommand(options: Record<string, unknown>, io: CliIo): number {
  const args = parseArgs(StrategiesArgsSchema, options);
  if (args.json) {
    io.out(`${JSON.stringify(STRATEGIES, null, 2)}\n`);
    return 0;
  }
  const table = new Table({
    ...tableHead(['id', 'name', 'family', 'needs', 'parameters'], useColor(io)),
    wordWrap: true,
    colWidths: [20, 26, 20, 22, 48],
  });
  for (const s of STRATEGIES) {
    table.push([s.id, s.name, s.family, needs(s), s.params.map(describeParam).join('\n')]);
  }
  io.out(`${table.toString()}\n`);
  for (const s of STRATEGIES) {
    io.out(`\n${s.id}: ${s.summary}\n`);
    for (const p of s.params) io.out(`  ${describeParam(p)}  ${p.help}\n`);
  }
  return 0;
}
