/**
 * One grid on this machine and on Slurm (issue 16): the wall time of each, their ratio, and the
 * overhead a Slurm task adds per run, from the run's submission to its first epoch on disk
 * (`submitted → worker header`: the scheduler, the task's process start and loading the engine,
 * since the worker writes its header once tfjs is loaded; `worker header → first epoch`: loading
 * the data and one epoch). Both sides run the same
 * spec through openCore, as the CLI does; the Slurm side submits real array jobs (one for the
 * sources, one per source for its transfer runs) whose tasks run `transferlab worker`.
 * Not a test: run it on a login node (here: the one-node cluster of scripts/slurm) with
 *   SLURM_CONF=… npx tsx bench/slurmGrid.ts [--sources 2] [--seeds 3] [--epochs 5] [--concurrency N]
 * The local side's trainer limit is --concurrency (default: this machine's cores), the same number
 * of task slots a one-node cluster of this machine has.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { openCore } from '../src-main/core/core';
import { eventFilePath } from '../src-main/core/eventIngest';
import type { Core } from '../src-main/core/types';

const { values: options } = parseArgs({
  options: {
    sources: { type: 'string', default: '2' },
    seeds: { type: 'string', default: '3' },
    epochs: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: String(availableParallelism()) },
  },
});

function gridSpec(sources: number, seeds: number, epochs: number): Record<string, unknown> {
  const domain = (taskSeed: number, angleDeg = 0): Record<string, unknown> => ({
    generator: 'linear-binary',
    features: 16,
    samples: 2000,
    taskSeed,
    angleDeg,
  });
  return {
    name: 'slurm bench grid',
    sources: Array.from({ length: sources }, (_, i) => ({
      name: `S${String(i)}`,
      dataset: domain(10 + i),
    })),
    targets: [{ name: 'T', dataset: domain(10, 25) }],
    strategies: [{ id: 'scratch' }, { id: 'fine-tune' }],
    budgets: [50],
    seeds: Array.from({ length: seeds }, (_, i) => i),
    model: { type: 'mlp', hidden: [32] },
    training: { epochs, learningRate: 0.01, batchSize: 32, backend: 'wasm' },
  };
}

interface Side {
  wallS: number;
  runs: number;
  completed: number;
  core: Core;
  experimentId: number;
}

async function runSide(
  slurm: boolean,
  spec: Record<string, unknown>,
  concurrency: number,
): Promise<Side> {
  const dir = mkdtempSync(join(tmpdir(), `transferlab-bench-slurm-${slurm ? 'slurm' : 'local'}-`));
  const core = await openCore(
    { workspaceDir: dir, transport: 'in-process', queue: 'own', concurrency },
    { pollMs: 200, cluster: { schedulerPollMs: 1000 } },
  );
  const started = performance.now();
  const created = await core.handlers['experiments.create']({
    spec,
    ...(slurm ? { executor: { kind: 'slurm' as const, slurm: { time: '00:30:00' } } } : {}),
  });
  await core.waitForExperiment(created.experimentId);
  const wallS = (performance.now() - started) / 1000;
  const runs = await core.handlers['runs.list']({ experimentId: created.experimentId });
  return {
    wallS,
    runs: runs.length,
    completed: runs.filter((r) => r.status === 'completed').length,
    core,
    experimentId: created.experimentId,
  };
}

/** Per run: submitted → worker's header, and header → first epoch line, from the files. */
async function overheads(side: Side): Promise<{ kind: string; queueS: number; startS: number }[]> {
  const out: { kind: string; queueS: number; startS: number }[] = [];
  for (const { id } of await side.core.handlers['runs.list']({ experimentId: side.experimentId })) {
    const run = await side.core.handlers['runs.get']({ id });
    const submitted = run.cluster?.submittedAt;
    if (!submitted || !run.cluster) continue;
    const lines = readFileSync(
      eventFilePath(side.core.workspaceDir, id, run.cluster.attempt),
      'utf8',
    )
      .split('\n')
      .filter((l) => l !== '')
      .map(
        (l) =>
          JSON.parse(l) as {
            type: string;
            startedAt?: string;
            at?: string;
            message?: { type: string };
          },
      );
    const header = lines[0]?.startedAt;
    const firstEpoch = lines.find((l) => l.message?.type === 'epoch')?.at;
    if (!header || !firstEpoch) continue;
    out.push({
      kind: run.kind,
      queueS: (Date.parse(header) - Date.parse(submitted)) / 1000,
      startS: (Date.parse(firstEpoch) - Date.parse(header)) / 1000,
    });
  }
  return out;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

const spec = gridSpec(Number(options.sources), Number(options.seeds), Number(options.epochs));
const concurrency = Number(options.concurrency);
const local = await runSide(false, spec, concurrency);
const slurm = await runSide(true, spec, concurrency);
const table = new Table({ head: ['', 'runs', 'completed', 'wall s', 'ratio'] });
table.push(['this machine', local.runs, local.completed, local.wallS.toFixed(1), '1.00']);
table.push([
  'Slurm',
  slurm.runs,
  slurm.completed,
  slurm.wallS.toFixed(1),
  (slurm.wallS / local.wallS).toFixed(2),
]);
console.log(`Grid: ${String(local.runs)} runs, trainer limit / task slots ${String(concurrency)}`);
console.log(table.toString());
const per = await overheads(slurm);
const perTable = new Table({
  head: [
    'runs',
    'n',
    'submitted → worker start (median s)',
    'worker start → first epoch (median s)',
  ],
});
for (const kind of ['source', 'transfer']) {
  const of = per.filter((p) => p.kind === kind);
  perTable.push([
    kind,
    of.length,
    median(of.map((p) => p.queueS)).toFixed(2),
    median(of.map((p) => p.startS)).toFixed(2),
  ]);
}
console.log(
  'Per task on Slurm (transfer runs wait for their source task, so their queue time includes it):',
);
console.log(perTable.toString());
for (const side of [local, slurm]) {
  const dir = side.core.workspaceDir;
  await side.core.close();
  rmSync(dir, { recursive: true, force: true });
}
