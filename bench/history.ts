/**
 * History query speed (issue 5: "stays fast at 10,000 runs × 100 epochs"): builds a workspace of
 * --runs runs × --epochs epochs × 4 metrics in a temporary folder as a version-4 workspace (bulk
 * inserts in one transaction), opens it with openDb so migration 005 adds the indexes and
 * backfills run_metric_summary (timed), then times runs.query's store function (queryRuns, the
 * page, the total and the page's tags) over --reps randomised queries of each kind and prints
 * p50/p95/max against the goal p95 < 100 ms. Everything is deleted after unless --keep.
 *
 *   npx tsx bench/history.ts [--runs 10000] [--epochs 100] [--reps 200] [--keep]
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { openDb, type Db } from '../src-main/store/db';
import { MIGRATIONS } from '../src-main/store/migrations';
import { updateRun } from '../src-main/store/runAnnotations';
import { queryRuns } from '../src-main/store/runQuery';
import { RunQueryInputSchema } from '../src-shared/rpc/history';

const GOAL_MS = 100;
const STRATEGIES = ['scratch', 'fine-tune', 'linear-probe', 'l2-sp', 'dann', 'coral'];
const DOMAINS = [
  'mnist-0-4',
  'mnist-5-9',
  'usps',
  'svhn',
  'fashion-a',
  'fashion-b',
  'kmnist',
  'emnist',
];
const BUDGETS = [10, 50, 100, 500, 'all'] as const;
const STATUSES = [
  'completed',
  'completed',
  'completed',
  'completed',
  'failed',
  'diverged',
  'queued',
];
const WORDS = ['sweep', 'ablation', 'baseline', 'seeds', 'lr', 'warmup', 'frozen', 'budget'];
const METRICS = ['train_loss', 'train_acc', 'val_loss', 'val_acc'];

// A seeded generator, so every run of the bench builds the same workspace and asks the same queries.
let state = 42;
function random(): number {
  state = (Math.imul(state, 1103515245) + 12345) >>> 0;
  return state / 4294967296;
}
function pick<T>(items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function buildV4(file: string, runs: number, epochs: number): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(
    `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
  );
  const mark = db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)');
  db.transaction(() => {
    for (const m of MIGRATIONS.slice(0, 4)) {
      m.up(db);
      mark.run(m.version, m.name, new Date().toISOString());
    }
    db.prepare(
      `INSERT INTO datasets VALUES (1, 'd', 'builtin', 'h', 1, '[1]', '[0]', '{}', '{}', 'now')`,
    ).run();
    const domain = db.prepare(`INSERT INTO domains VALUES (?, 1, ?, '{}', ?, 'now')`);
    DOMAINS.forEach((name, i) => domain.run(i + 1, name, `h${i}`));
    const experiment = db.prepare(
      `INSERT INTO experiments VALUES (?, ?, '{}', '{}', 'in-process', ?)`,
    );
    const experimentCount = Math.max(1, Math.round(runs / 100));
    for (let e = 1; e <= experimentCount; e++) {
      experiment.run(e, `${pick(WORDS)} ${pick(WORDS)} ${e}`, new Date().toISOString());
    }
    const run = db.prepare(
      `INSERT INTO runs (id, experiment_id, kind, strategy, domain_id, source_domain_id, budget, seed, status,
         config, config_hash, epochs, epochs_done, created_at)
       VALUES (?, ?, 'transfer', ?, ?, ?, ?, ?, ?, '{}', 'c', ?, ?, ?)`,
    );
    const metric = db.prepare(
      'INSERT INTO metrics (run_id, epoch, name, value, nonfinite, elapsed_s) VALUES (?, ?, ?, ?, NULL, ?)',
    );
    const start = Date.parse('2025-01-01T00:00:00Z');
    for (let id = 1; id <= runs; id++) {
      const strategy = pick(STRATEGIES);
      const target = 1 + Math.floor(random() * DOMAINS.length);
      const source = strategy === 'scratch' ? null : 1 + ((target + 2) % DOMAINS.length);
      const status = pick(STATUSES);
      const done = status === 'queued' ? 0 : epochs;
      const created = new Date(start + id * 3_600_000).toISOString();
      run.run(
        id,
        1 + (id % experimentCount),
        strategy,
        target,
        source,
        JSON.stringify(pick(BUDGETS)),
        id % 5,
        status,
        epochs,
        done,
        created,
      );
      const ceiling = 0.5 + 0.5 * random();
      for (let epoch = 1; epoch <= done; epoch++) {
        const progress = 1 - Math.exp(-epoch / 20);
        const acc = ceiling * progress + 0.02 * random();
        metric.run(id, epoch, 'train_loss', 2 * (1 - progress) + 0.05 * random(), epoch);
        metric.run(id, epoch, 'train_acc', acc + 0.03, epoch);
        metric.run(id, epoch, 'val_loss', 2.1 * (1 - progress) + 0.1 * random(), epoch);
        metric.run(id, epoch, 'val_acc', acc, epoch);
      }
    }
  })();
  db.close();
}

function annotate(db: Db, runs: number): void {
  db.transaction(() => {
    for (let id = 1; id <= runs; id++) {
      if (random() < 0.1) updateRun(db, { id, notes: `${pick(WORDS)} note: ${pick(WORDS)} ${id}` });
      if (random() < 0.2) updateRun(db, { id, tags: [pick(WORDS), `seed-${id % 5}`] });
      if (random() < 0.05) updateRun(db, { id, archived: true });
    }
  })();
}

/** Each kind of query a History table asks, with fresh random values at every call. */
function queries(runs: number): Record<string, () => unknown> {
  const metric = (): { name: string; mode: string } => ({
    name: pick(METRICS),
    mode: pick(['last', 'best', 'min', 'max']),
  });
  const dir = (): string => pick(['asc', 'desc']);
  return {
    'list page (newest, random offset)': () => ({
      offset: Math.floor(random() * (runs - 100)),
    }),
    'filter strategy+target+status': () => ({
      strategy: [pick(STRATEGIES)],
      targetName: [pick(DOMAINS), pick(DOMAINS)],
      status: ['completed'],
    }),
    'filter source+budget+date range': () => {
      const from = Date.parse('2025-01-01T00:00:00Z') + random() * runs * 3_600_000;
      return {
        sourceName: [pick(DOMAINS)],
        budget: [pick(BUDGETS), pick(BUDGETS)],
        createdFrom: new Date(from).toISOString(),
        createdTo: new Date(from + runs * 1_800_000).toISOString(),
      };
    },
    'sort by column (random, offset)': () => ({
      sort: {
        by: pick(['strategy', 'budget', 'sourceName', 'createdAt', 'experimentName', 'status']),
        dir: dir(),
      },
      offset: Math.floor(random() * 50) * 100,
    }),
    'sort by summary metric': () => ({ metric: metric(), sort: { by: 'metric', dir: dir() } }),
    'sort by metric, deep page (offset n-1000)': () => ({
      metric: metric(),
      sort: { by: 'metric', dir: dir() },
      offset: Math.max(0, runs - 1000),
    }),
    'metric range + filter + sort': () => {
      const low = 0.3 + random() * 0.4;
      return {
        metric: { name: 'val_acc', mode: 'best', min: low, max: low + 0.2 },
        strategy: [pick(STRATEGIES), pick(STRATEGIES)],
        sort: { by: 'metric', dir: 'desc' },
      };
    },
    'search (two words)': () => ({ search: `${pick(WORDS)} ${pick(WORDS).slice(0, 3)}` }),
    'tag filter + archived included': () => ({ tags: [pick(WORDS)], archived: 'include' }),
    'everything at once, 500 rows': () => ({
      strategy: [pick(STRATEGIES), pick(STRATEGIES), pick(STRATEGIES)],
      status: ['completed', 'diverged'],
      search: pick(WORDS).slice(0, 2),
      metric: metric(),
      sort: { by: 'metric', dir: dir() },
      limit: 500,
    }),
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '10000' },
      epochs: { type: 'string', default: '100' },
      reps: { type: 'string', default: '200' },
      keep: { type: 'boolean', default: false },
    },
  });
  const runs = Number(values.runs);
  const epochs = Number(values.epochs);
  const reps = Number(values.reps);
  const dir = mkdtempSync(join(tmpdir(), 'transferlab-bench-history-'));
  const file = join(dir, 'transferlab.sqlite');
  try {
    let t = performance.now();
    buildV4(file, runs, epochs);
    console.log(
      `built ${runs} runs × ${epochs} epochs × ${METRICS.length} metrics in ${((performance.now() - t) / 1000).toFixed(1)} s ` +
        `(${(statSync(file).size / 2 ** 20).toFixed(0)} MiB)`,
    );
    t = performance.now();
    const db = openDb(file);
    console.log(
      `migration 005 (indexes, run_metric_summary backfill): ${((performance.now() - t) / 1000).toFixed(2)} s`,
    );
    annotate(db, runs);

    console.log(
      `\n${'query'.padEnd(42)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'max ms'.padStart(8)} ${'mean total'.padStart(11)}  goal p95 < ${GOAL_MS} ms`,
    );
    let failed = 0;
    for (const [name, make] of Object.entries(queries(runs))) {
      const times: number[] = [];
      let totals = 0;
      for (let i = 0; i < reps; i++) {
        const query = RunQueryInputSchema.parse(make());
        const start = performance.now();
        const page = queryRuns(db, query);
        times.push(performance.now() - start);
        totals += page.total;
      }
      times.sort((a, b) => a - b);
      const p95 = percentile(times, 95);
      if (p95 >= GOAL_MS) failed += 1;
      console.log(
        `${name.padEnd(42)} ${percentile(times, 50).toFixed(1).padStart(8)} ${p95.toFixed(1).padStart(8)} ` +
          `${(times.at(-1) ?? NaN).toFixed(1).padStart(8)} ${Math.round(totals / reps)
            .toString()
            .padStart(11)}  ${p95 < GOAL_MS ? 'ok' : 'SLOW'}`,
      );
    }
    db.close();
    console.log(failed === 0 ? '\nall p95 under the goal' : `\n${failed} kind(s) over the goal`);
    process.exitCode = failed === 0 ? 0 : 1;
  } finally {
    if (values.keep) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main();
