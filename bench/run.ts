/**
 * `npm run bench`: training throughput of the engine against PyTorch (issue 3, "Speed").
 *
 * For each workload (workloads.ts) it alternates, for a few rounds, the PyTorch peer
 * (torchPeer.py through Debian's /usr/bin/python3, one thread), the engine on wasm with its own
 * kernels (what selectBackend('wasm') gives) with EngineAdam (the fused optimizer, kernels/adam.ts)
 * and with tf.train.adam (what train.ts uses today), stock tfjs-backend-wasm (the engine's
 * kernels unregistered) and the pure-JS cpu backend; it prints samples per second and the ratio
 * to PyTorch. Everything runs on one core: the wasm backend has no threads in Node, and PyTorch is
 * held to one (torch.set_num_threads(1), OMP/OpenBLAS/MKL at 1).
 *
 * Throughput is counted per second of the process's CPU time (the headline: what one core does,
 * robust to other work on a shared machine) and per second of wall-clock time; each is the
 * median over the rounds. The ratio to PyTorch is taken round by round (the rounds alternate, so
 * round i of a runner and round i of PyTorch met the same load) and printed as the median of the
 * rounds' ratios with their range; a goal is met or not only when every round agrees (ratios.ts,
 * issue 12). A run whose single step outlasts the time budget (the cpu backend on the CNN: about
 * a minute a step) runs in the first round only.
 *
 * Options: --workloads mlp20,mlp784,cnn  --backends fused,engine,stock,cpu  --seconds 3  --rounds 3
 *          --rows 10000  --python /usr/bin/python3  --json results.json
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { z } from 'zod';
import { selectBackend, type Tf } from '../src-main/engine/backend';
import {
  registerEngineWasmKernels,
  restoreStockWasmKernels,
} from '../src-main/engine/kernels/index';
import { FASHION_MNIST_DIR, fashionMnistAvailable } from './fashionMnist';
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
import { measure, workloadRows, WORKLOADS, type WorkloadId } from './workloads';

const RUNNERS = {
  torch: 'PyTorch, 1 thread',
  fused: 'wasm + engine kernels + EngineAdam',
  engine: 'wasm + engine kernels',
  stock: 'wasm, stock kernels',
  cpu: 'cpu (pure JS)',
} as const;
type RunnerId = keyof typeof RUNNERS;
type BackendId = Exclude<RunnerId, 'torch'>;

const { values: options } = parseArgs({
  options: {
    workloads: { type: 'string', default: 'mlp20,mlp784,cnn' },
    backends: { type: 'string', default: 'fused,engine,stock,cpu' },
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    rows: { type: 'string', default: '10000' },
    python: { type: 'string', default: '/usr/bin/python3' },
    json: { type: 'string' },
  },
});
const workloadIds = listOf(options.workloads, Object.keys(WORKLOADS)) as WorkloadId[];
const backendIds = listOf(options.backends, ['fused', 'engine', 'stock', 'cpu']) as BackendId[];
const seconds = positive(options.seconds, '--seconds');
const rounds = Math.round(positive(options.rounds, '--rounds'));
const rowCount = Math.round(positive(options.rows, '--rows'));

const PeerResult = z.object({
  samplesPerSecond: z.number().positive(),
  samplesPerCpuSecond: z.number().positive(),
  msPerStep: z.number().positive(),
  steps: z.int().positive(),
  threads: z.literal(1),
  torch: z.string(),
  blas: z.string(),
});

interface Sample {
  samplesPerSecond: number;
  samplesPerCpuSecond: number;
  msPerStep: number;
  steps: number;
  leak?: string;
}

interface Result {
  workload: WorkloadId;
  runner: RunnerId;
  samples: Sample[];
  error?: string;
}

async function main(): Promise<void> {
  const fashion = fashionMnistAvailable();
  const torch = await torchVersion(options.python);
  console.log(`CPU: ${cpus()[0]?.model ?? 'unknown'} (${cpus().length} cores seen, 1 used)`);
  console.log(
    `Load average at start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(`Node ${process.versions.node}; PyTorch: ${torch ?? 'not available'}`);
  if (!fashion) console.log(`Fashion-MNIST not found in ${FASHION_MNIST_DIR}: random images`);
  console.log(`${rounds} round(s) of ${seconds} s timed per run, after warm-up\n`);

  const results: Result[] = [];
  for (const id of workloadIds) {
    const workload = WORKLOADS[id];
    const data = await workloadRows(id, rowCount, fashion);
    console.log(`${workload.title}, batch ${workload.batch}: ${data.source}`);
    const runners: RunnerId[] = [...(torch === undefined ? [] : ['torch' as const]), ...backendIds];
    const byRunner = new Map<RunnerId, Result>(
      runners.map((runner) => [runner, { workload: id, runner, samples: [] }]),
    );
    for (let round = 1; round <= rounds; round++) {
      for (const runner of runners) {
        const result = byRunner.get(runner);
        if (result === undefined || result.error !== undefined) continue;
        const last = result.samples.at(-1);
        if (last !== undefined && last.msPerStep > seconds * 1000) continue; // one slow round is enough
        try {
          const sample =
            runner === 'torch'
              ? await runTorch(id, data.n, fashion)
              : await runEngine(runner, id, data);
          result.samples.push(sample);
          console.log(
            `  round ${round}, ${RUNNERS[runner]}: ${sample.samplesPerCpuSecond.toFixed(0)} samples/CPU-s, ` +
              `${sample.samplesPerSecond.toFixed(0)} samples/s`,
          );
        } catch (e) {
          result.error = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
          console.log(`  ${RUNNERS[runner]}: fails: ${result.error}`);
        }
      }
    }
    results.push(...byRunner.values());
  }
  printTable(results);
  const goals = printGoals(results);
  if (options.json !== undefined) {
    await writeFile(
      options.json,
      JSON.stringify({ seconds, rounds, rows: rowCount, results, goals }, null, 2),
    );
  }
}

async function runEngine(
  backend: BackendId,
  id: WorkloadId,
  data: Awaited<ReturnType<typeof workloadRows>>,
): Promise<Sample> {
  const tf: Tf = (await selectBackend(backend === 'cpu' ? 'cpu' : 'wasm')).tf;
  if (backend === 'stock') restoreStockWasmKernels();
  try {
    const m = await measure(
      tf,
      WORKLOADS[id],
      data,
      seconds,
      backend === 'fused' ? 'engine' : 'tfjs',
    );
    const leak =
      m.tensorGrowth === 0 && m.dataIdGrowth === 0
        ? 'none'
        : `+${m.tensorGrowth} tensors, +${m.dataIdGrowth} blocks`;
    return { ...m, leak };
  } finally {
    registerEngineWasmKernels();
  }
}

function summary(
  result: Result | undefined,
): { cpu: number; wall: number; ms: number } | undefined {
  if (result === undefined || result.samples.length === 0) return undefined;
  return {
    cpu: median(result.samples.map((s) => s.samplesPerCpuSecond)),
    wall: median(result.samples.map((s) => s.samplesPerSecond)),
    ms: median(result.samples.map((s) => s.msPerStep)),
  };
}

/**
 * A runner's ratios to PyTorch on the same workload, round by round: samples[i] is round i + 1
 * for both (a runner only stops early, after a failure or a slow first round, never skips).
 */
function ratiosToPeer(
  results: Result[],
  ours: Result,
): { cpu: number[]; wall: number[] } | undefined {
  const peer = results.find((r) => r.workload === ours.workload && r.runner === 'torch');
  if (peer === undefined || peer.samples.length === 0) return undefined;
  return {
    cpu: perRoundRatios(
      ours.samples.map((s) => s.samplesPerCpuSecond),
      peer.samples.map((s) => s.samplesPerCpuSecond),
    ),
    wall: perRoundRatios(
      ours.samples.map((s) => s.samplesPerSecond),
      peer.samples.map((s) => s.samplesPerSecond),
    ),
  };
}

function printTable(results: Result[]): void {
  const table = new Table({
    head: [
      'workload',
      'runs on',
      'samples/CPU-s',
      '× PyTorch (rounds)',
      'samples/s (wall)',
      '× PyTorch (rounds)',
      'ms/step',
      'runs',
      'leak',
    ],
    colAligns: ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
  });
  for (const result of results) {
    const name = [result.workload, RUNNERS[result.runner]];
    const ours = summary(result);
    if (result.error !== undefined || ours === undefined) {
      table.push([...name, { colSpan: 7, content: `fails: ${result.error ?? 'no result'}` }]);
      continue;
    }
    const ratios = result.runner === 'torch' ? undefined : ratiosToPeer(results, result);
    table.push([
      ...name,
      ours.cpu.toFixed(0),
      formatSpread(spreadOf(ratios?.cpu ?? [])),
      ours.wall.toFixed(0),
      formatSpread(spreadOf(ratios?.wall ?? [])),
      ours.ms.toFixed(2),
      String(result.samples.length),
      result.samples.map((s) => s.leak ?? '').find((l) => l !== 'none') ??
        (result.runner === 'torch' ? '' : 'none'),
    ]);
  }
  console.log(`\n${table.toString()}`);
}

/** Issue 3's goal per core on wasm: at least 0.3× PyTorch for the articles' MLP and the CNN. */
const GOAL: Goal = { target: 0.3, direction: 'at least' };

interface GoalResult {
  workload: WorkloadId;
  runner: BackendId;
  goal: Goal;
  cpuRatios: number[];
  wallRatios: number[];
  verdict: 'met' | 'not met' | 'undecided';
}

/** Judged on CPU time (per core); the wall-clock ratios are printed beside, not judged. */
function printGoals(results: Result[]): GoalResult[] {
  const judged: GoalResult[] = [];
  for (const id of ['mlp20', 'cnn'] as const) {
    for (const runner of ['fused', 'engine'] as const) {
      const ours = results.find((r) => r.workload === id && r.runner === runner);
      const ratios = ours === undefined ? undefined : ratiosToPeer(results, ours);
      if (ratios === undefined) continue;
      const verdict = verdictOf(ratios.cpu, GOAL);
      console.log(
        `Goal ${formatGoal(GOAL)} PyTorch per core on wasm, ${WORKLOADS[id].title}, ` +
          `${RUNNERS[runner]}: ${formatVerdict(verdict)} (wall-clock ` +
          `${formatSpread(spreadOf(ratios.wall))})`,
      );
      judged.push({
        workload: id,
        runner,
        goal: GOAL,
        cpuRatios: ratios.cpu,
        wallRatios: ratios.wall,
        verdict: verdict.kind,
      });
    }
  }
  return judged;
}

async function torchVersion(python: string): Promise<string | undefined> {
  try {
    return (await exec(python, ['-c', 'import torch; print(torch.__version__)'])).trim();
  } catch {
    return undefined;
  }
}

async function runTorch(id: WorkloadId, rows: number, fashion: boolean): Promise<Sample> {
  const script = join(import.meta.dirname, 'torchPeer.py');
  const args = [script, '--workload', id, '--rows', String(rows), '--seconds', String(seconds)];
  if (fashion) args.push('--fashion-dir', FASHION_MNIST_DIR);
  const out: unknown = JSON.parse(await exec(options.python, args));
  return PeerResult.parse(out);
}

/** Runs a command with one thread for every threading library torch may use; resolves stdout. */
function exec(command: string, args: string[]): Promise<string> {
  const env = {
    ...process.env,
    OMP_NUM_THREADS: '1',
    OPENBLAS_NUM_THREADS: '1',
    MKL_NUM_THREADS: '1',
  };
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} exited with ${code}: ${stderr.trim().split('\n').at(-1)}`));
    });
  });
}

function listOf(value: string, allowed: string[]): string[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const unknown = items.filter((s) => !allowed.includes(s));
  if (unknown.length > 0 || items.length === 0) {
    throw new Error(
      `Unknown or empty choice ${unknown.join(', ')}; choose from ${allowed.join(', ')}`,
    );
  }
  return items;
}

function positive(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number`);
  return n;
}

await main();
