/**
 * Measures how far webgpu's training departs from wasm's (issue 15, point 2): every case of the
 * webgpu tests (test/integration/engine/webgpu/parity.ts: every strategy on a tiny MLP, the
 * convolution path on a tiny CNN) runs the same job, seed and source model on wasm and twice on
 * webgpu, and the table gives, per case, the largest relative difference of any loss (per epoch
 * and final) and the largest difference of any accuracy, wasm against webgpu, whether the two
 * webgpu runs agree bit for bit, and whether tf.memory() stayed flat. The tolerance the tests
 * hold these to, and its derivation, is in test/integration/engine/webgpu/tolerance.ts and
 * docs/experiment-spec.md ("WebGPU: tolerance and seeds"). Last, KMM's instance weights of the
 * MLP case are computed on both backends and compared: the one quantity that departs from the
 * float32 estimate, by the conditioning of KMM's quadratic program. Not a test: run it with
 *   npx tsx bench/webgpuParity.ts [--json out.json] [--sensitivity]
 * --sensitivity adds what the tolerance can see: the same cases on wasm with every update scaled
 * by 1 + ε, and how far that moves the losses.
 * It needs a WebGPU adapter; on a machine without a GPU, lavapipe (Debian bookworm-backports'
 * mesa-vulkan-drivers) gives one.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { selectBackend } from '../src-main/engine/backend';
import { loadRunData } from '../src-main/engine/data/index';
import { kmmWeights, type KmmResult } from '../src-main/engine/losses/kmm';
import { differences, worst, type Difference } from '../test/integration/engine/webgpu/differences';
import {
  CNN_CASES,
  CNN_PAIR,
  GROWS_PER_EPOCH,
  MLP_CASES,
  MLP_PAIR,
  parityJob,
  recordRun,
  trainSourceModel,
  type RunRecord,
} from '../test/integration/engine/webgpu/parity';
import { flatMemory, TOLERANCE } from '../test/integration/engine/webgpu/tolerance';

const { values: options } = parseArgs({
  options: { json: { type: 'string' }, sensitivity: { type: 'boolean', default: false } },
});

interface Measured {
  pair: string;
  case: string;
  wasmSeconds: number;
  webgpuSeconds: number;
  /** wasm against webgpu: every metric. */
  diffs: Difference[];
  /** The first webgpu run against the second. */
  bitwise: boolean;
  memory: ReturnType<typeof flatMemory>;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'transferlab-webgpu-parity-'));
  const measured: Measured[] = [];
  const failed: { pair: string; case: string; error: string }[] = [];
  try {
    const gpu = await selectBackend('webgpu');
    console.log(`webgpu on ${gpu.device.label}`);
    for (const [pair, cases] of [
      [MLP_PAIR, MLP_CASES],
      [CNN_PAIR, CNN_CASES],
    ] as const) {
      const wasm = await selectBackend('wasm');
      const source = await trainSourceModel(wasm.tf, dir, pair);
      for (const c of cases) {
        const name = `${c.strategy} ${JSON.stringify(c.params)}, budget ${c.budget}`;
        const job = parityJob(pair, c, source);
        await selectBackend('wasm');
        const onWasm = await recordRun(wasm.tf, job);
        const { tf } = await selectBackend('webgpu');
        try {
          const first = await recordRun(tf, job);
          const second = await recordRun(tf, job);
          measured.push({
            pair: pair.name,
            case: name,
            wasmSeconds: onWasm.seconds,
            webgpuSeconds: first.seconds,
            diffs: differences(onWasm, first),
            bitwise: sameBits(first, second),
            memory: flatMemory(first, { growsPerEpoch: GROWS_PER_EPOCH.has(c.strategy) }),
          });
        } catch (e) {
          // A case that cannot train on webgpu is a finding to print, not a reason to stop.
          failed.push({
            pair: pair.name,
            case: name,
            error: e instanceof Error ? e.message : String(e),
          });
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  print(measured);
  await printKmm();
  if (options.sensitivity) await printSensitivity();
  for (const f of failed) console.log(`FAILED on webgpu: ${f.pair}, ${f.case}: ${f.error}`);
  if (options.json !== undefined)
    writeFileSync(options.json, JSON.stringify({ measured, failed }, null, 2));
  if (failed.length > 0) process.exitCode = 1;
}

function sameBits(a: RunRecord, b: RunRecord): boolean {
  return differences(a, b).every((d) => Object.is(d.a, d.b));
}

function print(measured: Measured[]): void {
  const table = new Table({
    head: ['case', 'wasm s', 'webgpu s', 'loss Δ rel', 'acc Δ', 'test_loss Δ', 'bitwise', 'memory'],
    style: { head: [], border: [] },
  });
  let pair = '';
  for (const m of measured) {
    if (m.pair !== pair) {
      pair = m.pair;
      table.push([{ colSpan: 8, content: pair }]);
    }
    const { lossRel, accAbs } = worst(m.diffs);
    const testLoss = m.diffs.find((d) => d.metric === 'final test_loss');
    table.push([
      m.case,
      m.wasmSeconds.toFixed(2),
      m.webgpuSeconds.toFixed(2),
      lossRel.toExponential(1),
      String(accAbs),
      testLoss === undefined ? '–' : testLoss.abs.toExponential(1),
      m.bitwise ? 'yes' : 'NO',
      m.memory.problem ?? 'flat',
    ]);
  }
  console.log(
    'wasm against webgpu, same job, seed and source model. loss Δ rel: the largest\n' +
      '|Δ|/|wasm| of any loss (per epoch and final); acc Δ: the largest |Δ| of any accuracy;\n' +
      'bitwise: a second webgpu run gave the same metrics bit for bit; memory: tf.memory()\n' +
      'over the first webgpu run.',
  );
  console.log(table.toString());
  const all = measured.flatMap((m) => m.diffs);
  const { lossRel, accAbs } = worst(all);
  console.log(
    `Over ${measured.length} cases (${all.length} values): largest loss difference ` +
      `${lossRel.toExponential(2)} relative, largest accuracy difference ${accAbs}; ` +
      `tolerance ${TOLERANCE.LOSS_RELATIVE} relative and ${TOLERANCE.ACCURACY_ROWS} row.`,
  );
}

/**
 * KMM's weights for the MLP case's rows on wasm and on webgpu: the solver's iterations, residual
 * and objective, and how far the weights themselves part.
 */
async function printKmm(): Promise<void> {
  const data = await loadRunData(
    parityJob(MLP_PAIR, { strategy: 'kmm', params: {}, budget: 0 }, { dir: '', hash: '' }),
  );
  const source = data.source?.train;
  const pool = data.unlabelled;
  if (source === undefined || pool === undefined) throw new Error('KMM has no source or pool');
  const solve = async (backend: 'wasm' | 'webgpu'): Promise<KmmResult> => {
    const { tf } = await selectBackend(backend);
    const s = tf.tensor(source.x, [source.n, ...data.featureShape]);
    const t = tf.tensor(pool.x, [pool.n, ...data.featureShape]);
    try {
      return await kmmWeights(tf, s, t);
    } finally {
      tf.dispose([s, t]);
    }
  };
  const a = await solve('wasm');
  const b = await solve('webgpu');
  // Absolute: some weights sit at KMM's lower bound 0, where a relative difference means nothing.
  let largest = 0;
  let sum = 0;
  a.weights.forEach((w, i) => {
    largest = Math.max(largest, Math.abs(w - (b.weights[i] ?? NaN)));
    sum += w;
  });
  console.log(
    `KMM weights of ${source.n} source rows against ${pool.n} target rows, wasm | webgpu: ` +
      `iterations ${a.iterations} | ${b.iterations}, converged ${a.converged} | ${b.converged}, ` +
      `objective ${a.objective} | ${b.objective}; largest difference of a weight ` +
      `${largest.toExponential(2)} (mean weight ${(sum / a.weights.length).toFixed(3)}).`,
  );
}

/**
 * What the tolerance can see: every case on wasm again with every update scaled by 1 + ε (the
 * learning rate), and the largest relative loss difference that makes. A kernel error that
 * changes updates systematically by ε shows at about that size.
 */
async function printSensitivity(): Promise<void> {
  const epsilons = [1e-4, 1e-3, 1e-2];
  const table = new Table({
    head: ['case', ...epsilons.map((e) => `lr × (1 + ${e})`)],
    style: { head: [], border: [] },
  });
  const dir = mkdtempSync(join(tmpdir(), 'transferlab-webgpu-sensitivity-'));
  try {
    const { tf } = await selectBackend('wasm');
    for (const [pair, cases] of [
      [MLP_PAIR, MLP_CASES],
      [CNN_PAIR, CNN_CASES],
    ] as const) {
      const source = await trainSourceModel(tf, dir, pair);
      table.push([{ colSpan: epsilons.length + 1, content: pair.name }]);
      for (const c of cases) {
        const job = parityJob(pair, c, source);
        const base = await recordRun(tf, job);
        const row = [`${c.strategy} ${JSON.stringify(c.params)}`];
        for (const epsilon of epsilons) {
          const scaled = structuredClone(job);
          scaled.config.training.learningRate *= 1 + epsilon;
          const { lossRel, accAbs } = worst(differences(base, await recordRun(tf, scaled)));
          row.push(`loss ${lossRel.toExponential(1)}, acc ${accAbs.toFixed(3)}`);
        }
        table.push(row);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    'Sensitivity on wasm: the largest loss |Δ|/|x| and accuracy |Δ| when every update is scaled',
  );
  console.log(table.toString());
}

await main();
