import { z } from 'zod';
import type { EmbeddingAnswer, EmbeddingSide } from '../../src-shared/domain/embedding';
import { IdSchema, parseArgs, WorkspaceSchema } from './args';
import type { CliIo } from './io';
import { call, withCliCore } from './session';

/**
 * `transferlab embedding <run-id>` (issue 14, point 3): a transfer run's domain discrepancies
 * before and after adaptation (MMD², proxy A-distance), computed by the models process when not
 * cached. The 2-D pictures are the app's; `--json` prints them too.
 */

export const EmbeddingArgsSchema = z
  .object({
    id: IdSchema,
    workspace: WorkspaceSchema.optional(),
    json: z.boolean().default(false),
  })
  .strict();

function line(
  name: string,
  before: EmbeddingSide | null,
  after: EmbeddingSide,
  key: 'mmd2' | 'proxyADistance',
): string {
  const b = before === null ? '–' : before[key].toFixed(3);
  return `  ${name.padEnd(18)}${b.padStart(8)} → ${after[key].toFixed(3)}\n`;
}

export function embeddingText(answer: EmbeddingAnswer): string {
  if (answer.status === 'unavailable') return `${answer.message}\n`;
  if (answer.status === 'not-computed') return 'Not computed.\n';
  const e = answer.embedding;
  const { before, after } = e;
  return (
    `Run #${e.runId}: ${e.sourceName} → ${e.targetName}, ${e.points.domain.length} test rows, ` +
    `layer ${after.layer} (${after.features} features), seed ${e.settings.seed}\n` +
    `  before: ${before?.label ?? `none (${e.beforeMissing ?? ''})`}\n` +
    `  after:  ${after.label}\n` +
    `  ${''.padEnd(18)}${'before'.padStart(8)}   after\n` +
    line('MMD²', before, after, 'mmd2') +
    line('proxy A-distance', before, after, 'proxyADistance')
  );
}

export async function embeddingCommand(
  id: string,
  options: Record<string, unknown>,
  io: CliIo,
): Promise<number> {
  const args = parseArgs(EmbeddingArgsSchema, { id, ...options });
  return withCliCore(args.workspace, args.json, async (core) => {
    if (!args.json) io.err(`Embedding run #${args.id} …\n`);
    const answer = await call(core, 'runs.embedding', { id: args.id, compute: true });
    io.out(args.json ? `${JSON.stringify(answer)}\n` : embeddingText(answer));
    return answer.status === 'ready' ? 0 : 1;
  });
}
