import { join } from 'node:path';
import type { ExperimentSpec } from '../../../src-shared/domain/experimentSpec';
import { call, openCliCore } from '../../../src-main/cli/session';
import type { Core } from '../../../src-main/core/types';
import { openDb, type Db } from '../../../src-main/store/db';
import { insertEpoch } from '../../../src-main/store/metrics';
import { claimNextRun, finishRun, markStarted } from '../../../src-main/store/runs';

/** Names, notes and tags a report must show as text and never run. */
export const HOSTILE = {
  experiment: '<img src=x onerror=alert(1)>',
  notes: '</script><script>alert(2)</script>',
  tag: '"><svg onload=alert(3)>',
  target: '"><svg onload=alert(3)> target',
} as const;

const synthetic = (angleDeg: number) => ({
  generator: 'linear-binary' as const,
  features: 4,
  samples: 100,
  taskSeed: 7,
  angleDeg,
  noise: 0.1,
});

/** Scratch and fine-tune on one (source, target), budgets 10 and 80, seeds 0–2: 12 transfer runs. */
export function hostileSpec(): Partial<ExperimentSpec> & { name: string } {
  return {
    name: HOSTILE.experiment,
    sources: [{ name: 'source A', dataset: synthetic(0), splitSeed: 0 }],
    targets: [{ name: HOSTILE.target, dataset: synthetic(30), splitSeed: 0 }],
    strategies: [
      { id: 'scratch', params: {} },
      { id: 'fine-tune', params: {} },
    ],
    budgets: [10, 80],
    seeds: [0, 1, 2],
    model: { type: 'mlp', hidden: [4], activation: 'relu' },
    training: { epochs: 3, learningRate: 0.01, batchSize: 16, optimizer: 'adam', backend: 'cpu' },
  };
}

const ENVIRONMENT = {
  backend: 'cpu',
  versions: { tfjs: '4.22.0' },
  platform: 'linux',
  arch: 'x64',
  cpus: 2,
  node: 'v20',
};

/**
 * "Trains" every queued run of the workspace through the store's own functions, as the queue
 * would record them (claim, start, one transaction per epoch, finish), with made-up metrics
 * that favour fine-tune at small budgets; the last run diverges (NaN, ∞) to exercise that path.
 */
export function finishAllRuns(db: Db, diverge = true): number[] {
  const ids: number[] = [];
  for (;;) {
    const claim = claimNextRun(db, 'test', { limit: 1 });
    if (!claim) break;
    const { config } = claim;
    const budget = config.budget === 'all' ? 100 : config.budget;
    const base =
      config.kind === 'source'
        ? 0.9
        : config.strategy === 'fine-tune'
          ? 0.8 + budget / 2000 + ((config.seed * 7) % 5) * 0.004
          : 0.5 + budget / 200;
    const acc = base + config.seed * 0.01;
    markStarted(db, claim.id, ENVIRONMENT, `data-${claim.id}`);
    for (let epoch = 1; epoch <= config.training.epochs; epoch++) {
      const v = acc - (config.training.epochs - epoch) * 0.05;
      insertEpoch(
        db,
        claim.id,
        epoch,
        { loss: 1 - v, acc: v, val_loss: 1.1 - v, val_acc: v - 0.01 },
        epoch * 0.5,
      );
    }
    ids.push(claim.id);
    finishRun(db, claim.id, 'completed', {
      finalMetrics: { test_acc: acc, test_loss: 1 - acc },
      confusion: [
        [5, 1],
        [2, 4],
      ],
    });
  }
  if (diverge) {
    const last = ids.at(-1);
    if (last !== undefined) {
      insertEpoch(db, last, 4, { loss: NaN, val_acc: Infinity }, 2.5);
      db.prepare("UPDATE runs SET status = 'diverged', final_metrics = ? WHERE id = ?").run(
        JSON.stringify({ test_acc: null }),
        last,
      );
    }
  }
  return ids;
}

export interface ReportWorkspace {
  dir: string;
  core: Core;
  db: Db;
  experimentId: number;
  runIds: number[];
  close(): Promise<void>;
}

/** A workspace with one finished experiment, hostile names, notes and tags on its runs. */
export async function reportWorkspace(dir: string): Promise<ReportWorkspace> {
  const core = await openCliCore(dir, 'none');
  const db = openDb(join(dir, 'transferlab.sqlite'));
  const created = await call(core, 'experiments.create', { spec: hostileSpec() });
  finishAllRuns(db);
  const first = created.runIds.find((id) => id !== created.runIds[0]) ?? created.runIds[0] ?? 0;
  await call(core, 'runs.update', { id: first, notes: HOSTILE.notes, tags: [HOSTILE.tag, 'keep'] });
  return {
    dir,
    core,
    db,
    experimentId: created.experimentId,
    runIds: created.runIds,
    close: async () => {
      db.close();
      await core.close();
    },
  };
}

/** The L2-SP variant of fine-tune the variant workspace adds: a row of its own (issue 10). */
export const L2SP_VARIANT = 'fine-tune · l2sp λ=0.01';

/**
 * "Trains" the queued runs with a final val_acc and recorded split sizes (40 validation rows
 * from the target's validation split), so model selection has something to choose on: L2-SP
 * validates better at seeds 0 and 1 and worse at seed 2, and tests better at every seed.
 */
function finishWithValidation(db: Db): void {
  for (;;) {
    const claim = claimNextRun(db, 'test', { limit: 1 });
    if (!claim) break;
    const { config } = claim;
    const budget = config.budget === 'all' ? 100 : config.budget;
    const l2sp = config.strategyParams.l2sp === 0.01;
    const plain =
      config.kind === 'source'
        ? 0.9
        : config.strategy === 'fine-tune'
          ? 0.8 + budget / 2000 + config.seed * 0.01
          : 0.5 + budget / 200 + config.seed * 0.01;
    const test = l2sp ? plain + 0.02 : plain;
    const val = l2sp ? plain - 0.01 + (config.seed === 2 ? -0.05 : 0.03) : plain - 0.01;
    markStarted(db, claim.id, ENVIRONMENT, `data-${claim.id}`, null, {
      train: budget,
      val: 40,
      test: 30,
      validationFrom: 'split',
    });
    insertEpoch(db, claim.id, 1, { loss: 1 - val, val_acc: val }, 0.5);
    finishRun(db, claim.id, 'completed', {
      finalMetrics: { test_acc: test, test_loss: 1 - test, val_acc: val },
      confusion: [
        [5, 1],
        [2, 4],
      ],
    });
  }
}

/** A finished experiment with scratch and two variants of fine-tune (plain and L2-SP). */
export async function variantWorkspace(dir: string): Promise<ReportWorkspace> {
  const core = await openCliCore(dir, 'none');
  const db = openDb(join(dir, 'transferlab.sqlite'));
  const spec = {
    ...hostileSpec(),
    name: 'Variants',
    strategies: [
      { id: 'scratch' as const, params: {} },
      { id: 'fine-tune' as const, params: {} },
      { id: 'fine-tune' as const, params: { l2sp: 0.01 } },
    ],
  };
  const created = await call(core, 'experiments.create', { spec });
  finishWithValidation(db);
  return {
    dir,
    core,
    db,
    experimentId: created.experimentId,
    runIds: created.runIds,
    close: async () => {
      db.close();
      await core.close();
    },
  };
}
