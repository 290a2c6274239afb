import { join } from 'node:path';
import { StrategyIdSchema, type Budget } from '../../src-shared/domain/experimentSpec';
import type { RunStatus } from '../../src-shared/domain/runs';
import { openDb, type Db } from '../../src-main/store/db';
import { insertEpoch } from '../../src-main/store/metrics';
import { finishRun, insertRun } from '../../src-main/store/runs';
import { runConfig } from '../unit/engine/fixtures';

/**
 * A finished sweep written through the store, for Compare and reports: experiment 1
 * "Sweep" transfers source S → target T with scratch (no source), fine-tune and feature-extraction at budgets
 * 10 and 100, seeds 0–4, final test_acc below (expected statistics computed independently with
 * SciPy in test/unit/analysis/comparison.test.ts); a source run; feature-extraction at budget 10 seed 5
 * failed. Each run has three epochs of val_acc rising to its test_acc.
 */
export const SWEEP: Record<string, Record<number, number[]>> = {
  scratch: { 10: [0.7, 0.72, 0.69, 0.71, 0.73], 100: [0.9, 0.91, 0.89, 0.9, 0.92] },
  'fine-tune': { 10: [0.78, 0.79, 0.75, 0.8, 0.79], 100: [0.88, 0.89, 0.87, 0.885, 0.9] },
  'feature-extraction': { 10: [0.71, 0.7, 0.72, 0.7, 0.74], 100: [0.85, 0.86, 0.84, 0.85, 0.86] },
};

export interface CompareWorkspace {
  db: Db;
  experimentId: number;
  sourceRunId: number;
  failedRunId: number;
  /** Adds a run with a final test_acc (and three epochs of val_acc) and returns its id. */
  addRun: (r: {
    experimentId: number;
    strategy: string;
    budget: Budget;
    seed: number;
    value: number;
    status?: RunStatus;
    source?: boolean;
    /** The variant's label; the strategy when absent. */
    variant?: string;
    /** Final metrics besides `test_acc` (e.g. the validation accuracy model selection reads). */
    finalMetrics?: Record<string, number>;
    strategyParams?: Record<string, number | boolean>;
    /** The revision of the strategy's procedure the run records (absent: 1). */
    strategyRevision?: number;
    /** The cap on the rows its train metrics were measured on (absent: every row). */
    trainMetricRows?: number;
  }) => number;
}

export function compareWorkspace(
  dir: string,
  names = { experiment: 'Sweep', source: 'S', target: 'T' },
): CompareWorkspace {
  const db = openDb(join(dir, 'w.sqlite'));
  db.prepare(
    `INSERT INTO datasets VALUES (1, 'd', 'builtin', 'h', 1, '[1]', '[0]', '{}', '{}', 'now')`,
  ).run();
  const domain = db.prepare(`INSERT INTO domains VALUES (?, 1, ?, '{}', ?, 'now')`);
  domain.run(1, names.source, 'h1');
  domain.run(2, names.target, 'h2');
  const experiment = db.prepare(
    `INSERT INTO experiments (id, name, spec_input, spec, origin, created_at) VALUES (?, ?, '{}', '{}', 'in-process', 'now')`,
  );
  experiment.run(1, names.experiment);
  experiment.run(2, 'Re-run');

  const addRun: CompareWorkspace['addRun'] = (r) => {
    const kind = r.source === true ? 'source' : 'transfer';
    const transfer = kind === 'transfer' && r.strategy !== 'scratch';
    const id = insertRun(db, {
      experimentId: r.experimentId,
      kind,
      strategy: r.strategy,
      variant: r.variant ?? (kind === 'source' ? 'source' : r.strategy),
      domainId: kind === 'source' ? 1 : 2,
      sourceDomainId: transfer ? 1 : null,
      budget: r.budget,
      seed: r.seed,
      config: runConfig({
        kind,
        strategy: kind === 'source' ? 'source' : StrategyIdSchema.parse(r.strategy),
        budget: r.budget,
        seed: r.seed,
        ...(r.strategyParams ? { strategyParams: r.strategyParams } : {}),
        ...(r.strategyRevision === undefined ? {} : { strategyRevision: r.strategyRevision }),
        ...(r.trainMetricRows === undefined ? {} : { trainMetricRows: r.trainMetricRows }),
      }),
      configHash: `c${r.variant ?? r.strategy}${String(r.budget)}${r.seed}${r.experimentId}`,
      dependsOn: null,
      epochs: 3,
    });
    [0.5, 0.5 + (r.value - 0.5) / 2, r.value].forEach((v, i) => {
      insertEpoch(db, id, i + 1, { val_acc: v }, i);
    });
    const status = r.status ?? 'completed';
    finishRun(
      db,
      id,
      status === 'completed' ? 'completed' : 'failed',
      status === 'completed'
        ? { finalMetrics: { ...r.finalMetrics, test_acc: r.value } }
        : { error: 'boom' },
    );
    return id;
  };

  const sourceRunId = addRun({
    experimentId: 1,
    strategy: 'source',
    budget: 'all',
    seed: 0,
    value: 0.95,
    source: true,
  });
  for (const [strategy, budgets] of Object.entries(SWEEP)) {
    for (const [budget, values] of Object.entries(budgets)) {
      values.forEach((value, seed) => {
        addRun({ experimentId: 1, strategy, budget: Number(budget), seed, value });
      });
    }
  }
  const failedRunId = addRun({
    experimentId: 1,
    strategy: 'feature-extraction',
    budget: 10,
    seed: 5,
    value: 0,
    status: 'failed',
  });
  return { db, experimentId: 1, sourceRunId, failedRunId, addRun };
}
