import Table from 'cli-table3';
import { z } from 'zod';
import { adapterLabel, type MachineBackends } from '../../src-shared/domain/backends';
import { adapterFacts } from '../../src-shared/domain/runDeviceText';
import { parseArgs } from './args';
import { tableHead } from './format';
import { keepConsoleOffStdout, useColor, type CliIo } from './io';
import { slowNotice } from './slowNotice';

/**
 * `transferlab backends [--json]` (issue 15): which training backends this machine has, which
 * one 'auto' takes, and the GPU adapter WebGPU found. No workspace is opened: the answer is the
 * machine's, probed in a models child process (core/backendService.ts), as the designer and the
 * planner get it.
 */

export const BackendsArgsSchema = z
  .object({
    json: z.boolean().default(false),
  })
  .strict();

const yesNo = (value: boolean): string => (value ? 'yes' : 'no');

/** The table: one row per backend, in the order 'auto' tries them. */
export function backendsTable(machine: MachineBackends, color: boolean): string {
  const table = new Table({
    ...tableHead(['backend', 'available', 'auto', 'detail'], color),
    wordWrap: true,
    colWidths: [16, 11, 6, 70],
  });
  for (const b of machine.backends) {
    table.push([b.backend, yesNo(b.available), yesNo(b.auto), b.detail]);
  }
  return table.toString();
}

/** Each adapter a backend found: its label, then what it says of itself and its limits. */
export function adapterLines(machine: MachineBackends): string[] {
  return machine.backends.flatMap((b) => {
    if (!b.adapter) return [];
    const facts = adapterFacts(b.adapter);
    const width = Math.max(...facts.map((f) => f.label.length));
    const note = b.adapter.software
      ? [
          `  ${b.backend} on this adapter is slower than wasm: 'auto' never takes it; a spec gets it with "backend": "${b.backend}".`,
        ]
      : [];
    return [
      `${b.backend} adapter: ${adapterLabel(b.adapter)}`,
      ...facts.map(
        (f) =>
          `  ${f.label.padEnd(width)}  ${f.value}${f.exact !== undefined ? ` (${f.exact})` : ''}`,
      ),
      ...note,
    ];
  });
}

/** Everything the command prints without --json. */
export function backendsText(machine: MachineBackends, color: boolean): string {
  const adapters = adapterLines(machine);
  return [
    backendsTable(machine, color),
    ...(adapters.length > 0 ? ['', ...adapters] : []),
    '',
    `auto picks: ${machine.auto}`,
    '',
  ].join('\n');
}

/** Probes in a child process; loaded only when the command runs (`--help` stays light). */
async function probeMachine(): Promise<MachineBackends> {
  const { createBackendService } = await import('../core/backendService');
  return createBackendService().list();
}

export async function backendsCommand(
  options: Record<string, unknown>,
  io: CliIo,
  probe: () => Promise<MachineBackends> = probeMachine,
): Promise<number> {
  const args = parseArgs(BackendsArgsSchema, options);
  const restoreConsole = args.json ? keepConsoleOffStdout() : () => undefined;
  // A terminal hears why it waits; a pipe or a log gets only the answer.
  const done = io.stderrIsTTY ? slowNotice(io, 'Probing backends…') : () => undefined;
  try {
    const machine = await probe();
    io.out(
      args.json ? `${JSON.stringify(machine, null, 2)}\n` : backendsText(machine, useColor(io)),
    );
    return 0;
  } finally {
    done();
    restoreConsole();
  }
}
