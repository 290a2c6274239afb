import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../../src-main/store/db';
import {
  deleteExperiment,
  previewExperimentDelete,
} from '../../../src-main/store/experimentDelete';
import { listExperiments } from '../../../src-main/store/experiments';
import { insertEpoch } from '../../../src-main/store/metrics';
import { updateRun } from '../../../src-main/store/runAnnotations';
import { appendRunLog } from '../../../src-main/store/runLogs';
import { finishRun, insertRun, recordSourceModel } from '../../../src-main/store/runs';
import { AppFailure } from '../../../src-shared/result';
import { historyWorkspace, type HistoryWorkspace } from '../../helpers/historyWorkspace';
import { useTempDirs } from '../../helpers/tempDir';
import { runConfig } from '../engine/fixtures';

const tempDir = useTempDirs();

/** Row counts of every table, to prove a refusal or a failed delete left everything as it was. */
function snapshot(db: Db): Record<string, number> {
  const tables = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
    .all() as { name: string }[];
  return Object.fromEntries(
    tables.map((t) => [
      t.name,
      (db.prepare(`SELECT COUNT(*) AS n FROM "${t.name}"`).get() as { n: number }).n,
    ]),
  );
}

function refusal(f: () => unknown): AppFailure {
  try {
    f();
  } catch (e) {
    if (e instanceof AppFailure) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

interface Fixture extends HistoryWorkspace {
  dir: string;
  /** Experiment 1's completed source run, with a 7-byte model folder. */
  source: number;
  /** A transfer run of experiment 1 that starts from `source`. */
  own: number;
  /** A transfer run of experiment 2 that starts from `source` (a reused source model). */
  foreign: number;
  modelDir: string;
}

/**
 * The history workspace (experiment 1: A, B completed; experiment 2: C diverged, D queued), plus
 * a source run in experiment 1 with a model folder, one dependant in each experiment, a log line
 * per run and a saved report that compared run A.
 */
function fixture(): Fixture {
  const dir = tempDir();
  const ws = historyWorkspace(dir);
  const { db } = ws;
  const run = (experimentId: number, kind: 'source' | 'transfer', dependsOn: number | null) =>
    insertRun(db, {
      experimentId,
      kind,
      strategy: kind === 'source' ? 'source' : 'fine-tune',
      variant: kind === 'source' ? 'source' : 'fine-tune',
      domainId: kind === 'source' ? 1 : 2,
      sourceDomainId: kind === 'source' ? null : 1,
      budget: 'all',
      seed: 7,
      config: runConfig(),
      configHash: `h${experimentId}${kind}${dependsOn ?? ''}`,
      dependsOn,
      epochs: 1,
    });
  const source = run(1, 'source', null);
  const own = run(1, 'transfer', source);
  const foreign = run(2, 'transfer', source);
  const modelDir = join(dir, 'models', 'abc123');
  mkdirSync(modelDir, { recursive: true });
  writeFileSync(join(modelDir, 'model.json'), '{}');
  writeFileSync(join(modelDir, 'weights.bin'), 'weights');
  recordSourceModel(db, source, 1, 'abc123', modelDir);
  for (const id of [source, own, foreign]) {
    insertEpoch(db, id, 1, { val_acc: 0.5, val_loss: 1 }, 1);
    finishRun(db, id, 'completed', { finalMetrics: { test_acc: 0.5 } });
  }
  for (const id of [ws.ids.A, ws.ids.B, source, own, foreign]) {
    appendRunLog(db, id, 'info', `run ${id} says hello`);
  }
  updateRun(db, { id: ws.ids.A, tags: ['keep-me'], notes: 'n' });
  db.prepare(
    `INSERT INTO reports (format, title, request, run_ids, file_name, sha256, created_at)
     VALUES ('html', 'r', '{}', ?, 'r.html', 'x', 'now')`,
  ).run(JSON.stringify([ws.ids.A, ws.ids.C]));
  return { ...ws, dir, source, own, foreign, modelDir };
}

describe('previewExperimentDelete', () => {
  it('counts what would go and names what stops it, writing nothing', () => {
    const f = fixture();
    const before = snapshot(f.db);
    // Experiment 1: A and B (3 epochs × 2 metrics each), source and own (1 epoch × 2 metrics).
    expect(previewExperimentDelete(f.db, f.dir, 1)).toEqual({
      experimentId: 1,
      name: 'Baseline sweep',
      runs: 4,
      metricValues: 3 * 2 + 3 * 2 + 2 + 2,
      logLines: 4,
      models: { folders: 1, bytes: '{}'.length + 'weights'.length },
      sharedModelFolders: 0,
      active: [],
      dependants: [{ experimentId: 2, name: 'Fine-tune study', runIds: [f.foreign] }],
      reports: 1,
    });
    // Experiment 2: D is queued; C has 2 epochs × 2 metrics.
    expect(previewExperimentDelete(f.db, f.dir, 2)).toMatchObject({
      runs: 3,
      metricValues: 2 * 2 + 2,
      models: { folders: 0, bytes: 0 },
      active: [{ id: f.ids.D, status: 'queued' }],
      dependants: [],
      reports: 1,
    });
    expect(snapshot(f.db)).toEqual(before);
    expect(refusal(() => previewExperimentDelete(f.db, f.dir, 99)).code).toBe('not_found');
    f.db.close();
  });

  it('counts a model folder another experiment also uses as shared, not freed', () => {
    const f = fixture();
    const twin = insertRun(f.db, {
      experimentId: 2,
      kind: 'source',
      strategy: 'source',
      variant: 'source',
      domainId: 1,
      sourceDomainId: null,
      budget: 'all',
      seed: 7,
      config: runConfig(),
      configHash: 'twin',
      dependsOn: null,
      epochs: 1,
    });
    finishRun(f.db, twin, 'completed');
    recordSourceModel(f.db, twin, 1, 'abc123', f.modelDir);
    const preview = previewExperimentDelete(f.db, f.dir, 1);
    expect(preview.models).toEqual({ folders: 0, bytes: 0 });
    expect(preview.sharedModelFolders).toBe(1);
    f.db.close();
  });
});

describe('deleteExperiment', () => {
  it('refuses, deleting nothing, while a run is active or another experiment depends on it', () => {
    const f = fixture();
    const before = snapshot(f.db);

    const dependants = refusal(() => deleteExperiment(f.db, f.dir, 1));
    expect(dependants.code).toBe('conflict');
    expect(dependants.message).toBe(
      `Runs of experiment #2 “Fine-tune study” (run #${f.foreign}) start from the source models of “Baseline sweep”: delete those first or keep it. Nothing was deleted.`,
    );

    const active = refusal(() => deleteExperiment(f.db, f.dir, 2));
    expect(active.code).toBe('conflict');
    expect(active.message).toContain(`#${f.ids.D} is queued`);
    expect(active.message).toContain('cancel them first');

    expect(refusal(() => deleteExperiment(f.db, f.dir, 99)).code).toBe('not_found');
    expect(snapshot(f.db)).toEqual(before);
    expect(existsSync(join(f.modelDir, 'weights.bin'))).toBe(true);
    f.db.close();
  });

  it('deletes the experiment, its runs and all their rows, then its model folder', () => {
    const f = fixture();
    const { db } = f;
    finishRun(db, f.ids.D, 'cancelled');
    const before = snapshot(db);

    // Experiment 2 first: it holds the run that depends on experiment 1's source model.
    expect(deleteExperiment(db, f.dir, 2)).toEqual({
      experimentId: 2,
      deletedRuns: [f.ids.C, f.ids.D, f.foreign],
      artifactsRemoved: 0,
    });
    expect(existsSync(join(f.modelDir, 'weights.bin'))).toBe(true);

    expect(deleteExperiment(db, f.dir, 1)).toEqual({
      experimentId: 1,
      deletedRuns: [f.ids.A, f.ids.B, f.source, f.own],
      artifactsRemoved: 1,
    });
    expect(existsSync(f.modelDir)).toBe(false);

    const after = snapshot(db);
    for (const table of [
      'experiments',
      'experiment_domains',
      'runs',
      'metrics',
      'run_metric_summary',
      'run_logs',
      'run_tags',
      'source_models',
    ]) {
      expect(after[table], table).toBe(0);
    }
    // Datasets, domains and reports are not the experiment's to take.
    for (const table of ['datasets', 'domains', 'reports']) {
      expect(after[table], table).toBe(before[table]);
    }
    expect(listExperiments(db)).toEqual([]);
    db.close();
  });

  it('is one transaction: a failure half-way leaves every row and the model folder', () => {
    const f = fixture();
    const { db } = f;
    finishRun(db, f.ids.D, 'cancelled');
    deleteExperiment(db, f.dir, 2);
    // Runs and their rows are deleted before the experiment row: make that last step fail.
    db.exec(`CREATE TRIGGER no_delete BEFORE DELETE ON experiments
             BEGIN SELECT RAISE(ABORT, 'the disk went away'); END`);
    const before = snapshot(db);
    expect(() => deleteExperiment(db, f.dir, 1)).toThrow(/the disk went away/);
    expect(snapshot(db)).toEqual(before);
    expect(existsSync(join(f.modelDir, 'weights.bin'))).toBe(true);
    db.close();
  });
});
