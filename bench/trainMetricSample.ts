import { parseArgs } from 'node:util';
import { fashionMnist, FASHION_MNIST_DIR } from '../src-main/core/builtinDatasets';
import { selectBackend } from '../src-main/engine/backend';
import { loadRunData } from '../src-main/engine/data/index';
import type { TrainJob } from '../src-main/engine/protocol';
import { train } from '../src-main/engine/train';
import { TRAIN_METRIC_ROWS } from '../src-shared/domain/trainMetrics';

/**
 * The time of a CNN epoch on Fashion-MNIST (every training row, wasm) with the train metrics
 * measured on every row, as runs before issue 12 did, and on the fixed sample new runs record
 * (TRAIN_METRIC_ROWS), in one process on the same data. Each epoch is split into its steps (to
 * the epoch's last batch) and its evaluation (train metrics and validation, to the 'epoch'
 * message).
 *   npx tsx bench/trainMetricSample.ts [--epochs 1] [--rounds 1]
 * Rounds alternate the two settings; the figures are medians over rounds.
 */

const { values: options } = parseArgs({
  options: {
    epochs: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '1' },
  },
});
const epochs = Number(options.epochs);
const rounds = Number(options.rounds);

interface EpochTiming {
  epochS: number;
  stepsS: number;
  evalS: number;
}

const [dataset] = fashionMnist(FASHION_MNIST_DIR);
if (!dataset)
  throw new Error('Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)');
const job = (trainMetricRows: number | undefined): TrainJob => ({
  runId: 1,
  config: {
    kind: 'transfer',
    strategy: 'scratch',
    strategyParams: {},
    domain: { name: 'fashion', dataset: 'fashion-mnist', splitSeed: 0 },
    budget: 'all',
    seed: 0,
    model: { type: 'cnn', conv: [32, 64], dense: [128], kernelSize: 3 },
    training: { epochs, learningRate: 0.001, batchSize: 128, optimizer: 'adam', backend: 'wasm' },
    ...(trainMetricRows === undefined ? {} : { trainMetricRows }),
  },
  data: dataset.locator,
  modelsDir: '/nonexistent',
  saveModel: false,
});

const { tf } = await selectBackend('wasm');
const data = await loadRunData(job(undefined));
console.log(
  `Fashion-MNIST: ${data.train.n} training, ${data.val.n} validation rows; CNN conv 32, 64 + dense 128; ` +
    `batch 128; wasm; ${epochs} epoch(s) × ${rounds} round(s)`,
);

async function timeEpochs(trainMetricRows: number | undefined): Promise<EpochTiming[]> {
  const timings: EpochTiming[] = [];
  let epochStart = performance.now();
  let lastBatchAt = epochStart;
  await train(
    job(trainMetricRows),
    tf,
    (m) => {
      const now = performance.now();
      if (m.type === 'progress' && m.batch === m.batches) lastBatchAt = now;
      if (m.type === 'epoch') {
        timings.push({
          epochS: (now - epochStart) / 1000,
          stepsS: (lastBatchAt - epochStart) / 1000,
          evalS: (now - lastBatchAt) / 1000,
        });
        epochStart = now;
      }
    },
    () => false,
    data,
  );
  return timings;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

const settings = [
  { label: 'every training row', rows: undefined },
  { label: `fixed sample of ${TRAIN_METRIC_ROWS}`, rows: TRAIN_METRIC_ROWS },
] as const;
const results = new Map<string, EpochTiming[]>(settings.map((s) => [s.label, []]));
for (let round = 0; round < rounds; round++) {
  for (const s of settings) {
    const timings = await timeEpochs(s.rows);
    results.get(s.label)?.push(...timings);
    for (const t of timings)
      console.log(
        `  ${s.label}: epoch ${t.epochS.toFixed(1)} s (steps ${t.stepsS.toFixed(1)} s, evaluation ${t.evalS.toFixed(1)} s)`,
      );
  }
}
const summary = settings.map((s) => {
  const t = results.get(s.label) ?? [];
  const epoch = median(t.map((x) => x.epochS));
  const evaluation = median(t.map((x) => x.evalS));
  return { label: s.label, epoch, evaluation };
});
for (const s of summary)
  console.log(
    `${s.label}: epoch ${s.epoch.toFixed(1)} s, of which evaluation ${s.evaluation.toFixed(1)} s ` +
      `(${((100 * s.evaluation) / s.epoch).toFixed(1)} %)`,
  );
const [all, sample] = summary;
if (all && sample)
  console.log(
    `per-epoch time ${all.epoch.toFixed(1)} s → ${sample.epoch.toFixed(1)} s ` +
      `(${((100 * (sample.epoch - all.epoch)) / all.epoch).toFixed(1)} %)`,
  );
