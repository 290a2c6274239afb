/**
 * `npx tsx bench/grid.ts [--threads 1] [--seeds 16] [--python /usr/bin/python3]`
 *
 * Many small runs (issue 12, "Speed of start-up and of many small runs"): each workload runs
 * through the product as a user runs it (`transferlab run spec --json` on a fresh workspace,
 * wall time from the command's start to its exit, trainers on every core), then the same runs —
 * the same rows (exportRuns.ts), models, epochs and per-epoch evaluation — in one plain PyTorch
 * process (reference/torch_reference.py, through Debian's /usr/bin/python3), and prints both and
 * their ratio. Workloads: the built-in digits and related-tasks examples, and a grid of at least
 * 50 runs (digits, 16 seeds × source, scratch, fine-tune, feature extraction).
 *
 * Not a test: it needs PyTorch and minutes. Goal (issue 12): the product within 2× PyTorch.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { z } from 'zod';
import { openDb } from '../src-main/store/db';
import { exportRuns } from './reference/exportRuns';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: '1' },
    seeds: { type: 'string', default: '16' },
    python: { type: 'string', default: '/usr/bin/python3' },
  },
});

/** Runs a command to its end; resolves with its stdout and the wall seconds it took. */
function timed(command: string, args: string[]): Promise<{ stdout: string; seconds: number }> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code === 0) resolvePromise({ stdout: Buffer.concat(out).toString('utf8'), seconds });
      else
        reject(
          new Error(
            `${command} ${args.join(' ')} exited with ${String(code)}:\n${Buffer.concat(err).toString('utf8')}`,
          ),
        );
    });
  });
}

const RunOutputSchema = z.object({
  experimentId: z.int(),
  runs: z.array(z.object({ status: z.string() })),
});

async function example(name: string): Promise<Record<string, unknown>> {
  const text = await readFile(join(root, 'resources/examples', name), 'utf8');
  return z.record(z.string(), z.unknown()).parse(JSON.parse(text));
}

async function grid(seeds: number): Promise<Record<string, unknown>> {
  const digits = await example('digits-0-4-to-5-9.json');
  return {
    ...digits,
    name: `Grid: ${seeds} seeds × scratch, fine-tune, feature extraction`,
    strategies: [{ id: 'scratch' }, { id: 'fine-tune' }, { id: 'feature-extraction' }],
    seeds: Array.from({ length: seeds }, (_, i) => i),
  };
}

interface Row {
  workload: string;
  runs: number;
  product: number;
  torch: number;
}

async function measure(workload: string, spec: Record<string, unknown>): Promise<Row> {
  const dir = await mkdtemp(join(tmpdir(), 'tl-grid-'));
  const specFile = join(dir, 'spec.json');
  await writeFile(specFile, JSON.stringify(spec));
  const workspace = join(dir, 'workspace');
  const product = await timed(process.execPath, [
    join(root, 'bin/transferlab.js'),
    'run',
    specFile,
    '--workspace',
    workspace,
    '--json',
  ]);
  const out = RunOutputSchema.parse(JSON.parse(product.stdout));
  const failed = out.runs.filter((r) => r.status !== 'completed').length;
  if (failed > 0) throw new Error(`${workload}: ${failed} run(s) did not complete`);
  const rows = join(dir, 'rows');
  const db = openDb(join(workspace, 'transferlab.sqlite'));
  try {
    await exportRuns(db, workspace, out.experimentId, rows, () => undefined);
  } finally {
    db.close();
  }
  const torch = await timed(values.python, [
    join(root, 'bench/reference/torch_reference.py'),
    join(rows, 'manifest.json'),
    '--out',
    join(dir, 'reference.json'),
    '--threads',
    values.threads,
  ]);
  return { workload, runs: out.runs.length, product: product.seconds, torch: torch.seconds };
}

const workloads: [string, Record<string, unknown>][] = [
  ['digits example', await example('digits-0-4-to-5-9.json')],
  ['related-tasks example', await example('related-synthetic-tasks.json')],
  ['grid', await grid(Number(values.seeds))],
];
const table = new Table({
  head: ['workload', 'runs', 'Transferlab (s)', 'PyTorch (s)', 'ratio'],
  style: { head: [], border: [] },
});
for (const [name, spec] of workloads) {
  const row = await measure(name, spec);
  table.push([
    row.workload,
    String(row.runs),
    row.product.toFixed(1),
    row.torch.toFixed(1),
    `${(row.product / row.torch).toFixed(2)}×`,
  ]);
  console.error(`${name}: done`);
}
console.log(
  `Wall seconds, each from its command's start to its exit; Transferlab with its default trainer ` +
    `limit on ${availableParallelism()} cores, PyTorch in one process on ${values.threads} thread(s):`,
);
console.log(table.toString());
