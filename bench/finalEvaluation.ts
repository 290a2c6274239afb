import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fashionMnist, FASHION_MNIST_DIR } from '../src-main/core/builtinDatasets';
import { selectBackend } from '../src-main/engine/backend';
import { loadRunData } from '../src-main/engine/data/index';
import type { TrainJob } from '../src-main/engine/protocol';
import { train } from '../src-main/engine/train';

/**
 * The time a run spends after its last epoch (final metrics and confusion matrix), on
 * Fashion-MNIST with every training row, against the previous version in the same script
 * (issue 12: the final evaluation re-measured the training and validation splits the last epoch
 * had just measured, and passed over the test split twice).
 * `npx tsx bench/finalEvaluation.ts [--against REF] [--repeat N]` times REF (default HEAD~1, in
 * a temporary git worktree) and this checkout, interleaved; `--child` is one measurement.
 */

async function measureHere(): Promise<void> {
  const [dataset] = fashionMnist(FASHION_MNIST_DIR);
  if (!dataset)
    throw new Error('Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)');
  const job: TrainJob = {
    runId: 1,
    config: {
      kind: 'transfer',
      strategy: 'scratch',
      strategyParams: {},
      domain: { name: 'fashion', dataset: 'fashion-mnist', splitSeed: 0 },
      budget: 'all',
      seed: 0,
      model: { type: 'mlp', hidden: [128], activation: 'relu' },
      training: {
        epochs: 1,
        learningRate: 0.003,
        batchSize: 128,
        optimizer: 'adam',
        backend: 'wasm',
      },
    },
    data: dataset.locator,
    modelsDir: '/nonexistent',
    saveModel: false,
  };
  const { tf } = await selectBackend('wasm');
  const data = await loadRunData(job);
  let lastEpochAt = 0;
  const started = performance.now();
  await train(
    job,
    tf,
    (m) => {
      if (m.type === 'epoch') lastEpochAt = performance.now();
    },
    () => false,
    data,
  );
  const end = performance.now();
  console.log(
    JSON.stringify({ afterLastEpochS: (end - lastEpochAt) / 1000, totalS: (end - started) / 1000 }),
  );
}

interface Timing {
  afterLastEpochS: number;
  totalS: number;
}

/** Runs this script's child mode in `dir` (a checkout) and reads its one JSON line. */
function timeIn(dir: string): Timing {
  const out = execFileSync('npx', ['tsx', 'bench/finalEvaluation.ts', '--child'], {
    cwd: dir,
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Timing;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

if (process.argv.includes('--child')) {
  await measureHere();
} else {
  const { values } = parseArgs({
    options: {
      against: { type: 'string', default: 'HEAD~1' },
      repeat: { type: 'string', default: '3' },
    },
  });
  const repeat = Number(values.repeat);
  // The previous version in a temporary worktree, sharing this checkout's node_modules.
  const old = mkdtempSync(join(tmpdir(), 'transferlab-bench-'));
  execFileSync('git', ['worktree', 'add', '--detach', old, values.against], { stdio: 'ignore' });
  try {
    symlinkSync(resolve('node_modules'), join(old, 'node_modules'));
    copyFileSync('bench/finalEvaluation.ts', join(old, 'bench', 'finalEvaluation.ts'));
    const before: Timing[] = [];
    const after: Timing[] = [];
    // Interleaved, so a machine that gets busier mid-way slows both alike.
    for (let i = 0; i < repeat; i++) {
      before.push(timeIn(old));
      after.push(timeIn('.'));
    }
    const b = median(before.map((t) => t.afterLastEpochS));
    const a = median(after.map((t) => t.afterLastEpochS));
    console.log(
      `Fashion-MNIST, MLP [128], 1 epoch on every training row, wasm; medians of ${repeat}:`,
    );
    console.log(
      `  after the last epoch: ${values.against} ${b.toFixed(2)} s, this checkout ${a.toFixed(2)} s (${(b / a).toFixed(1)}× faster)`,
    );
    console.log(
      `  whole run: ${median(before.map((t) => t.totalS)).toFixed(2)} s → ${median(after.map((t) => t.totalS)).toFixed(2)} s`,
    );
  } finally {
    execFileSync('git', ['worktree', 'remove', '--force', old], { stdio: 'ignore' });
  }
}
