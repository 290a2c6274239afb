/**
 * Compare and report speed (issue 5): builds a workspace of finished transfer runs — strategies ×
 * targets × budgets × seeds, --epochs epochs × 4 metrics each — in a temporary folder, then times
 * `compare.run`'s builder (buildComparison: summary, paired tests with Holm, learning curves,
 * grouped epoch curves with bands) and the HTML report's rendering (ECharts SSR), each against
 * its peer in the same process: reading the same runs and curve series from SQLite and nothing
 * else (readCompareRuns + readMetricSeries), the floor any comparison pays. Prints p50/p95 and
 * the ratio to the peer. Everything is deleted after.
 *
 *   npx tsx bench/compare.ts [--seeds 10] [--epochs 100] [--reps 30]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { buildComparison } from '../src-main/analysis/comparison';
import { comparisonData } from '../src-main/store/compareRuns';
import { renderReport } from '../src-main/reports/render';
import { readCompareRuns, readMetricSeries } from '../src-main/store/compareRuns';
import { openDb, type Db } from '../src-main/store/db';
import { CompareInputSchema } from '../src-shared/rpc/compare';
import type { ResolvedRunConfig } from '../src-shared/domain/runs';

const STRATEGIES = [
  'scratch',
  'fine-tune',
  'feature-extraction',
  'distillation',
  'multi-task',
] as const;
const TARGETS = ['mnist-5-9', 'usps', 'fashion-5-9', 'kmnist'];
const BUDGETS = [10, 50, 100, 500];
const METRICS = ['loss', 'acc', 'val_loss', 'val_acc'];

// Seeded, so every run of the bench builds the same workspace.
let state = 7;
function random(): number {
  state = (Math.imul(state, 1103515245) + 12345) >>> 0;
  return state / 4294967296;
}

function config(strategy: string, target: string, budget: number, seed: number): ResolvedRunConfig {
  const scratch = strategy === 'scratch';
  return {
    kind: 'transfer',
    strategy: strategy as ResolvedRunConfig['strategy'],
    strategyParams: scratch ? {} : { freezeLayers: 1, l2sp: 0 },
    domain: { name: target, dataset: 'digits', splitSeed: 0 },
    ...(scratch ? {} : { sourceDomain: { name: 'mnist-0-4', dataset: 'digits', splitSeed: 0 } }),
    budget,
    seed,
    model: { type: 'mlp', hidden: [256, 128], activation: 'relu' },
    training: {
      epochs: 100,
      learningRate: 0.001,
      batchSize: 64,
      optimizer: 'adam',
      backend: 'wasm',
    },
  };
}

function build(db: Db, seeds: number, epochs: number): number {
  let runs = 0;
  db.transaction(() => {
    db.prepare(
      `INSERT INTO datasets VALUES (1, 'd', 'builtin', 'h', 1, '[1]', '[0]', '{}', '{}', 'now')`,
    ).run();
    const domain = db.prepare(`INSERT INTO domains VALUES (?, 1, ?, '{}', ?, 'now')`);
    ['mnist-0-4', ...TARGETS].forEach((name, i) => domain.run(i + 1, name, `h${i}`));
    db.prepare(
      `INSERT INTO experiments VALUES (1, 'bench sweep', '{}', '{}', 'in-process', 'now')`,
    ).run();
    const run = db.prepare(
      `INSERT INTO runs (experiment_id, kind, strategy, domain_id, source_domain_id, budget, seed, status,
         config, config_hash, epochs, epochs_done, final_metrics, created_at)
       VALUES (1, 'transfer', ?, ?, ?, ?, ?, 'completed', ?, 'c', ?, ?, ?, 'now')`,
    );
    const metric = db.prepare(
      'INSERT INTO metrics (run_id, epoch, name, value, nonfinite, elapsed_s) VALUES (?, ?, ?, ?, NULL, ?)',
    );
    STRATEGIES.forEach((strategy, s) => {
      TARGETS.forEach((target, t) => {
        for (const budget of BUDGETS) {
          for (let seed = 0; seed < seeds; seed++) {
            const ceiling = 0.6 + 0.05 * s + 0.1 * Math.log10(budget) + 0.02 * random();
            const id = Number(
              run.run(
                strategy,
                t + 2,
                strategy === 'scratch' ? null : 1,
                JSON.stringify(budget),
                seed,
                JSON.stringify(config(strategy, target, budget, seed)),
                epochs,
                epochs,
                JSON.stringify({ test_acc: Math.min(0.99, ceiling), test_loss: 1 - ceiling }),
              ).lastInsertRowid,
            );
            runs += 1;
            for (let epoch = 1; epoch <= epochs; epoch++) {
              const p = 1 - Math.exp(-epoch / 15);
              const acc = Math.min(0.99, ceiling * p + 0.02 * random());
              const values = [2 * (1 - p), acc + 0.02, 2.1 * (1 - p), acc];
              METRICS.forEach((name, k) => metric.run(id, epoch, name, values[k], epoch));
            }
          }
        }
      });
    });
  })();
  return runs;
}

function time(reps: number, fn: () => unknown): number[] {
  fn(); // warm-up: statement preparation, JIT
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}

async function timeAsync(reps: number, fn: () => Promise<unknown>): Promise<number[]> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}

const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string', default: '10' },
      epochs: { type: 'string', default: '100' },
      reps: { type: 'string', default: '30' },
    },
  });
  const seeds = Number(values.seeds);
  const epochs = Number(values.epochs);
  const reps = Number(values.reps);
  const dir = mkdtempSync(join(tmpdir(), 'transferlab-bench-compare-'));
  try {
    const db = openDb(join(dir, 'w.sqlite'));
    const started = performance.now();
    const runs = build(db, seeds, epochs);
    console.log(
      `workspace: ${runs} runs × ${epochs} epochs × ${METRICS.length} metrics, built in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const request = CompareInputSchema.parse({ selection: { experimentIds: [1] } });
    const peer = time(reps, () => {
      const stored = readCompareRuns(db, request.selection);
      return readMetricSeries(
        db,
        stored.map((r) => r.id),
        request.options.curveMetric,
      );
    });
    const compare = time(reps, () => buildComparison(comparisonData(db), request));
    const comparison = buildComparison(comparisonData(db), request);
    const noPdf = (): Promise<Uint8Array> => Promise.reject(new Error('no PDF in this bench'));
    const html = await timeAsync(Math.max(3, Math.floor(reps / 3)), () =>
      renderReport(db, comparison, 'html', 'bench', noPdf),
    );
    const row = (name: string, t: number[]): string =>
      `${name.padEnd(44)} p50 ${pct(t, 50).toFixed(1).padStart(7)} ms   p95 ${pct(t, 95).toFixed(1).padStart(7)} ms   ×${(pct(t, 50) / pct(peer, 50)).toFixed(2)} of the peer`;
    console.log(row('peer: read runs + curve series', peer));
    console.log(row('compare.run (buildComparison)', compare));
    console.log(row('HTML report of it (render only)', html));
    console.log(
      `gains ${comparison.gains.length}, curve groups ${comparison.curves.groups.length}, learning curves ${comparison.learningCurves.length}`,
    );
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
