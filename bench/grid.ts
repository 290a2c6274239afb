/**
 * `npx tsx bench/grid.ts [--threads 1] [--seeds 16] [--rounds 3] [--python /usr/bin/python3]`
 *
 * Many small runs (issue 12, "Speed of start-up and of many small runs"): each workload runs
 * through the product as a user runs it (`transferlab run spec --json` on a fresh workspace,
 * wall time from the command's start to its exit, trainers on every core), then the same runs —
 * the same rows (exportRuns.ts), models, epochs and per-epoch evaluation — in one plain PyTorch
 * process (reference/torch_reference.py, through Debian's /usr/bin/python3), and prints both and
 * their ratio. Workloads: the built-in digits and related-tasks examples, and a grid of at least
 * 50 runs (digits, 16 seeds × source, scratch, fine-tune, feature extraction).
 *
 * Each round measures every workload, the product then PyTorch, so a busy moment on a shared
 * machine meets both; the figures are medians over the rounds, the ratio is taken round by round
 * (the median of the rounds' ratios, their range beside it), and the goal is judged only when
 * every round agrees (ratios.ts).
 *
 * Not a test: it needs PyTorch and minutes. Goal (issue 12): the product within 2× PyTorch.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { z } from 'zod';
import { openDb } from '../src-main/store/db';
import {
  formatGoal,
  formatSpread,
  formatVerdict,
  median,
  perRoundRatios,
  spreadOf,
  verdictOf,
  type Goal,
} from './ratios';
import { exportRuns } from './reference/exportRuns';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: '1' },
    seeds: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '3' },
    python: { type: 'string', default: '/usr/bin/python3' },
  },
});
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a positive integer');

/** Issue 12: the product within 2× PyTorch's wall time. */
const GOAL: Goal = { target: 2, direction: 'at most' };

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
  try {
    return await measureIn(dir, workload, spec);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function measureIn(
  dir: string,
  workload: string,
  spec: Record<string, unknown>,
): Promise<Row> {
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
const measured = new Map<string, Row[]>(workloads.map(([name]) => [name, []]));
for (let round = 1; round <= rounds; round++) {
  for (const [name, spec] of workloads) {
    const row = await measure(name, spec);
    measured.get(name)?.push(row);
    console.error(
      `round ${round}, ${name}: Transferlab ${row.product.toFixed(1)} s, ` +
        `PyTorch ${row.torch.toFixed(1)} s`,
    );
  }
}

const table = new Table({
  head: ['workload', 'runs', 'Transferlab (s)', 'PyTorch (s)', 'ratio (rounds)'],
  style: { head: [], border: [] },
});
const verdicts: string[] = [];
for (const [name, rows] of measured) {
  const ratios = perRoundRatios(
    rows.map((r) => r.product),
    rows.map((r) => r.torch),
  );
  table.push([
    name,
    String(rows[0]?.runs ?? ''),
    median(rows.map((r) => r.product)).toFixed(1),
    median(rows.map((r) => r.torch)).toFixed(1),
    formatSpread(spreadOf(ratios)),
  ]);
  verdicts.push(
    `Goal ${formatGoal(GOAL)} PyTorch, ${name}: ${formatVerdict(verdictOf(ratios, GOAL))}`,
  );
}
console.log(
  `Wall seconds, each from its command's start to its exit, median of ${rounds} round(s); ` +
    `Transferlab with its default trainer limit on ${availableParallelism()} cores, PyTorch in ` +
    `one process on ${values.threads} thread(s):`,
);
console.log(table.toString());
for (const line of verdicts) console.log(line);
