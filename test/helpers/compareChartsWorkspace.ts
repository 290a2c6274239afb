import { join } from 'node:path';
import type { Budget } from '../../src-shared/domain/experimentSpec';
import type { StrategyId } from '../../src-shared/domain/strategyEntry';
import { openDb, type Db } from '../../src-main/store/db';
import { insertEpoch } from '../../src-main/store/metrics';
import { finishRun, insertRun, markStarted } from '../../src-main/store/runs';
import { runConfig } from '../unit/engine/fixtures';

/**
 * A sweep big enough to test that Compare's charts stay readable (issue 14): 2 sources × 2
 * targets × 5 transfer variants × 2 budgets × 3 seeds (120 runs) plus scratch on each target
 * (12 runs), 20 epochs of val_acc each with the wall time they took, and split sizes so that
 * steps and samples can be derived. Curves are deterministic (no random source): each variant
 * approaches its own plateau at its own rate, seeds offset it a little.
 */
export const CHART_SOURCES = ['digits 0-4', 'fashion upright'];
export const CHART_TARGETS = ['digits 5-9', 'digits rot20'];
export const CHART_VARIANTS: {
  variant: string;
  strategy: StrategyId;
  params: Record<string, number>;
  learningRate: number;
  plateau: number;
}[] = [
  { variant: 'fine-tune', strategy: 'fine-tune', params: {}, learningRate: 0.01, plateau: 0.86 },
  {
    variant: 'fine-tune · lr=0.001',
    strategy: 'fine-tune',
    params: {},
    learningRate: 0.001,
    plateau: 0.83,
  },
  {
    variant: 'fine-tune · l2sp λ=0.01',
    strategy: 'fine-tune',
    params: { l2sp: 0.01 },
    learningRate: 0.01,
    plateau: 0.89,
  },
  {
    variant: 'fine-tune · freezeLayers=1',
    strategy: 'fine-tune',
    params: { freezeLayers: 1 },
    learningRate: 0.01,
    plateau: 0.8,
  },
  {
    variant: 'feature-extraction',
    strategy: 'feature-extraction',
    params: {},
    learningRate: 0.01,
    plateau: 0.76,
  },
];
export const CHART_BUDGETS: Budget[] = [10, 100];
export const CHART_SEEDS = [0, 1, 2];
export const CHART_EPOCHS = 20;

export function compareChartsWorkspace(dir: string): { db: Db; experimentId: number } {
  const db = openDb(join(dir, 'transferlab.sqlite'));
  db.prepare(
    `INSERT INTO datasets VALUES (1, 'd', 'builtin', 'h', 1, '[1]', '[0]', '{}', '{}', 'now')`,
  ).run();
  const domain = db.prepare(`INSERT INTO domains VALUES (?, 1, ?, '{}', ?, 'now')`);
  [...CHART_SOURCES, ...CHART_TARGETS].forEach((name, i) => {
    domain.run(i + 1, name, `h${i + 1}`);
  });
  db.prepare(
    `INSERT INTO experiments (id, name, spec_input, spec, origin, created_at) VALUES (1, 'Transfer at scale', '{}', '{}', 'in-process', 'now')`,
  ).run();

  const add = (
    v: (typeof CHART_VARIANTS)[number] | null,
    source: number | null,
    target: number,
    budget: Budget,
    seed: number,
  ): void => {
    const strategy = v?.strategy ?? 'scratch';
    const id = insertRun(db, {
      experimentId: 1,
      kind: 'transfer',
      strategy,
      variant: v?.variant ?? 'scratch',
      domainId: target + 1 + CHART_SOURCES.length,
      sourceDomainId: source === null ? null : source + 1,
      budget,
      seed,
      config: runConfig({
        strategy,
        // Fine-tune runs record every parameter of the strategy, defaults included.
        strategyParams:
          strategy === 'fine-tune' ? { freezeLayers: 0, l2sp: 0, ...v?.params } : (v?.params ?? {}),
        budget,
        seed,
        training: { epochs: CHART_EPOCHS, learningRate: v?.learningRate ?? 0.01 },
      }),
      configHash: `c${v?.variant ?? 'scratch'}${source ?? '-'}${target}${String(budget)}${seed}`,
      dependsOn: null,
      epochs: CHART_EPOCHS,
    });
    const train = typeof budget === 'number' ? budget * 5 : 2500;
    markStarted(
      db,
      id,
      { backend: 'cpu', versions: {}, platform: 'linux', arch: 'x64', cpus: 2, node: '22' },
      'data',
      null,
      { train, val: 500, test: 1000, validationFrom: 'split' },
    );
    const plateau =
      (v?.plateau ?? 0.72) +
      (typeof budget === 'number' && budget >= 100 ? 0.06 : 0) -
      0.02 * target +
      0.01 * (source ?? 0);
    const rate = v === null ? 0.18 : 0.25 + 0.05 * (source ?? 0);
    let final = 0;
    for (let epoch = 1; epoch <= CHART_EPOCHS; epoch++) {
      // A rising curve with a seed-dependent wobble, the kind smoothing is for.
      const wobble = 0.025 * Math.sin(epoch * 1.7 + seed * 2.1) * (1 - epoch / 40);
      final = Math.min(0.995, plateau * (1 - Math.exp(-rate * epoch)) + 0.1 + wobble);
      insertEpoch(
        db,
        id,
        epoch,
        { val_acc: final },
        epoch * (1.5 + seed * 0.1 + (budget === 100 ? 2 : 0)),
      );
    }
    finishRun(db, id, 'completed', { finalMetrics: { test_acc: final - 0.01 } });
  };

  CHART_TARGETS.forEach((_, target) => {
    for (const budget of CHART_BUDGETS) {
      for (const seed of CHART_SEEDS) add(null, null, target, budget, seed);
      CHART_SOURCES.forEach((__, source) => {
        for (const v of CHART_VARIANTS)
          for (const seed of CHART_SEEDS) add(v, source, target, budget, seed);
      });
    }
  });
  return { db, experimentId: 1 };
}
