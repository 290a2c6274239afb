import Table from 'cli-table3';
import { z } from 'zod';
import type { SchedulerPass } from '../core/clusterMonitor';
import type { PendingIngest } from '../core/eventIngest';
import { parseArgs, WorkspaceSchema } from './args';
import { tableHead } from './format';
import { useColor, type CliIo } from './io';
import { EXIT } from './run';
import { withCliCore } from './session';

/**
 * `transferlab sync [--workspace DIR] [--json]` (issue 16): ingests, once, what is new in the
 * event files of the workspace's running runs (workers on a cluster) and says what it added.
 * Safe to run at any time, as often as wanted: what was ingested before is not added again.
 */

const SyncArgsSchema = z
  .object({ workspace: WorkspaceSchema.optional(), json: z.boolean().default(false) })
  .strict();

/** What `sync --json` prints: exactly this document. */
export interface SyncJsonOutput {
  runs: {
    runId: number;
    attempt: number;
    file: string;
    events: number;
    epochs: number;
    logs: number;
    outcome: string | null;
  }[];
  failed: PendingIngest['failed'];
  /** What Slurm said: runs ended with its reason, requeued, cancelled there (issue 16). */
  scheduler: SchedulerPass;
  totals: { runs: number; epochs: number; logs: number; outcomes: number };
}

export function syncOutput(
  pending: PendingIngest,
  scheduler: SchedulerPass = { ended: [], restarted: [], cancelsSent: [], problems: [] },
): SyncJsonOutput {
  const runs = pending.ingested
    .filter((r) => r.events > 0)
    .map((r) => ({
      runId: r.runId,
      attempt: r.attempt,
      file: r.file,
      events: r.events,
      epochs: r.epochs,
      logs: r.logs,
      outcome: r.outcome ?? null,
    }));
  const sum = (pick: (r: SyncJsonOutput['runs'][number]) => number): number =>
    runs.reduce((n, r) => n + pick(r), 0);
  return {
    runs,
    failed: pending.failed,
    scheduler,
    totals: {
      runs: runs.length,
      epochs: sum((r) => r.epochs),
      logs: sum((r) => r.logs),
      outcomes: sum((r) => (r.outcome === null ? 0 : 1)),
    },
  };
}

function syncTable(output: SyncJsonOutput, color: boolean): string {
  const table = new Table(
    tableHead(['run', 'attempt', 'events', 'epochs', 'logs', 'outcome'], color),
  );
  for (const r of output.runs) {
    table.push([r.runId, r.attempt, r.events, r.epochs, r.logs, r.outcome ?? '']);
  }
  return `${table.toString()}\n`;
}

export async function syncCommand(options: Record<string, unknown>, io: CliIo): Promise<number> {
  const args = parseArgs(SyncArgsSchema, options);
  return withCliCore(args.workspace, args.json, async (core) => {
    const { ingest, scheduler } = await core.syncCluster();
    const output = syncOutput(ingest, scheduler);
    if (args.json) io.out(`${JSON.stringify(output)}\n`);
    else if (output.runs.length > 0) io.out(syncTable(output, useColor(io)));
    const { totals } = output;
    if (!args.json) {
      io.err(
        `Ingested ${totals.epochs} epoch(s), ${totals.logs} log line(s) and ` +
          `${totals.outcomes} outcome(s) of ${totals.runs} run(s).\n`,
      );
    }
    for (const f of output.failed) io.err(`Run ${f.runId}, attempt ${f.attempt}: ${f.error}\n`);
    if (!args.json) {
      for (const e of output.scheduler.ended) io.err(`Run ${e.runId}: ${e.status}: ${e.error}\n`);
      for (const id of output.scheduler.restarted)
        io.err(`Run ${id}: requeued by Slurm; it starts again as a new attempt.\n`);
      if (output.scheduler.cancelsSent.length > 0)
        io.err(`scancel sent for run(s) ${output.scheduler.cancelsSent.join(', ')}.\n`);
    }
    for (const p of output.scheduler.problems) io.err(`${p}\n`);
    return output.failed.length > 0 || output.scheduler.problems.length > 0 ? EXIT.failed : EXIT.ok;
  });
}
