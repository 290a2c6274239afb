import { defaultWorkspaceDir } from '../core/paths';
import { parseArgs, RunsArgsSchema } from './args';
import { runsTable } from './format';
import { keepConsoleOffStdout, useColor, type CliIo } from './io';
import { call, openCliCore } from './session';

/** `transferlab runs [--workspace DIR] [--json] [--experiment ID]`: newest first, read-only. */
export async function runsCommand(options: Record<string, unknown>, io: CliIo): Promise<number> {
  const args = parseArgs(RunsArgsSchema, options);
  const restoreConsole = args.json ? keepConsoleOffStdout() : () => undefined;
  try {
    const core = await openCliCore(args.workspace ?? defaultWorkspaceDir(), 'none');
    try {
      // An unknown experiment is an error (not_found), not an empty list.
      if (args.experiment !== undefined)
        await call(core, 'experiments.get', { id: args.experiment });
      const runs = await call(
        core,
        'runs.list',
        args.experiment !== undefined ? { experimentId: args.experiment } : {},
      );
      if (args.json) io.out(`${JSON.stringify(runs)}\n`);
      else if (runs.length === 0) io.err('No runs.\n');
      else io.out(runsTable(runs, useColor(io)));
      return 0;
    } finally {
      await core.close();
    }
  } finally {
    restoreConsole();
  }
}
