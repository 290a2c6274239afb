import { join } from 'node:path';
import type { Budget } from '../../src-shared/domain/experimentSpec';
import { RunQueryInputSchema, type RunPage } from '../../src-shared/rpc/history';
import { openDb, type Db } from '../../src-main/store/db';
import { insertEpoch } from '../../src-main/store/metrics';
import { queryRuns } from '../../src-main/store/runQuery';
import { finishRun, insertRun } from '../../src-main/store/runs';
import { runConfig } from '../unit/engine/fixtures';

/**
 * Four runs over two experiments and three domains, written through the store's own functions
 * (so run_metric_summary is maintained as in the app):
 *   A  exp 1 "Baseline sweep"   fine-tune  mnist-0-4 → mnist-5-9  budget 10    completed
 *   B  exp 1 "Baseline sweep"   scratch    (none)    → mnist-5-9  budget 100   completed
 *   C  exp 2 "Fine-tune study"  l2-sp      mnist-0-4 → usps       budget all   diverged (NaN, ∞)
 *   D  exp 2 "Fine-tune study"  fine-tune  mnist-0-4 → usps       budget 10    queued, no epochs
 * Each run's variant is its strategy, except D's: `fine-tune · l2sp λ=0.01` (issue 10).
 */
export interface HistoryWorkspace {
  db: Db;
  ids: { A: number; B: number; C: number; D: number };
  query: (input: unknown) => RunPage;
  /** The ids of a query's rows, as run letters. */
  letters: (input: unknown) => string[];
}

export function historyWorkspace(dir: string): HistoryWorkspace {
  const db = openDb(join(dir, 'w.sqlite'));
  db.exec(`
    INSERT INTO datasets VALUES (1, 'd', 'builtin', 'h', 1, '[1]', '[0]', '{}', '{}', 'now');
    INSERT INTO domains VALUES (1, 1, 'mnist-0-4', '{}', 'h1', 'now'), (2, 1, 'mnist-5-9', '{}', 'h2', 'now'),
      (3, 1, 'usps', '{}', 'h3', 'now');
    INSERT INTO experiments (id, name, spec_input, spec, origin, created_at) VALUES (1, 'Baseline sweep', '{}', '{}', 'in-process', 'now'),
      (2, 'Fine-tune study', '{}', '{}', 'in-process', 'now');
  `);
  const run = (
    experimentId: number,
    strategy: string,
    source: number | null,
    target: number,
    budget: Budget,
    variant: string = strategy,
  ): number =>
    insertRun(db, {
      experimentId,
      kind: 'transfer',
      strategy,
      variant,
      domainId: target,
      sourceDomainId: source,
      budget,
      seed: 1,
      config: runConfig(),
      configHash: `c${strategy}${target}`,
      dependsOn: null,
      epochs: 3,
    });
  const ids = {
    A: run(1, 'fine-tune', 1, 2, 10),
    B: run(1, 'scratch', null, 2, 100),
    C: run(2, 'l2-sp', 1, 3, 'all'),
    D: run(2, 'fine-tune', 1, 3, 10, 'fine-tune · l2sp λ=0.01'),
  };
  const epochs = (id: number, acc: number[], loss: number[]): void => {
    acc.forEach((a, i) => {
      insertEpoch(db, id, i + 1, { val_acc: a, val_loss: loss[i] ?? NaN }, i);
    });
  };
  epochs(ids.A, [0.5, 0.9, 0.8], [1.0, 0.3, 0.4]);
  epochs(ids.B, [0.6, 0.7, 0.75], [0.9, 0.6, 0.5]);
  epochs(ids.C, [0.2, NaN], [2.0, Infinity]);
  finishRun(db, ids.A, 'completed');
  finishRun(db, ids.B, 'completed');
  finishRun(db, ids.C, 'diverged');
  // Distinct creation days, A oldest, for the date-range filter.
  const day = db.prepare('UPDATE runs SET created_at = ? WHERE id = ?');
  day.run('2025-01-01T10:00:00.000Z', ids.A);
  day.run('2025-02-01T10:00:00.000Z', ids.B);
  day.run('2025-03-01T10:00:00.000Z', ids.C);
  day.run('2025-04-01T10:00:00.000Z', ids.D);

  const query = (input: unknown): RunPage => queryRuns(db, RunQueryInputSchema.parse(input));
  const letterOf = new Map(Object.entries(ids).map(([k, v]) => [v, k]));
  const letters = (input: unknown): string[] =>
    query(input).rows.map((r) => letterOf.get(r.id) ?? `?${r.id}`);
  return { db, ids, query, letters };
}
