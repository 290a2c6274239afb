import { z } from 'zod';
import { defaultWorkspaceDir } from '../core/paths';
import { ExistingFileSchema, parseArgs, WorkspaceSchema } from './args';
import { keepConsoleOffStdout, type CliIo } from './io';
import { call, openCliCore } from './session';

/**
 * `transferlab import-bundle <file> [--json] [--workspace DIR]`: imports a JSON bundle (a
 * report of format json) as records: experiments and runs with their metrics, never queued.
 */
export const ImportBundleArgsSchema = z
  .object({
    path: ExistingFileSchema,
    workspace: WorkspaceSchema.optional(),
    json: z.boolean().default(false),
  })
  .strict();

export async function importBundleCommand(
  path: string,
  options: Record<string, unknown>,
  io: CliIo,
): Promise<number> {
  const args = parseArgs(ImportBundleArgsSchema, { path, ...options });
  const restoreConsole = args.json ? keepConsoleOffStdout() : () => undefined;
  try {
    const core = await openCliCore(args.workspace ?? defaultWorkspaceDir(), 'none');
    try {
      const result = await call(core, 'bundles.import', {
        file: { kind: 'path', path: args.path },
      });
      if (args.json) {
        io.out(`${JSON.stringify(result)}\n`);
      } else {
        const list = (ids: number[]): string => ids.map((id) => `#${id}`).join(', ');
        io.out(
          `Imported ${result.runIds.length} run(s) into ${result.experimentIds.length} experiment(s): ` +
            `experiments ${list(result.experimentIds)}\n`,
        );
        if (result.alreadyPresent.length > 0) {
          io.out(
            `${result.alreadyPresent.length} run(s) were already here and were not copied again: ` +
              `${list(result.alreadyPresent)}\n`,
          );
        }
      }
      return 0;
    } finally {
      await core.close();
    }
  } finally {
    restoreConsole();
  }
}
