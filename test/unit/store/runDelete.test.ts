import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../../src-main/store/db';
import { saveEmbedding } from '../../../src-main/store/embeddings';
import { saveEventCursor } from '../../../src-main/store/eventCursors';
import type { Embedding } from '../../../src-shared/domain/embedding';
import { insertEpoch } from '../../../src-main/store/metrics';
import { updateRun } from '../../../src-main/store/runAnnotations';
import { deleteRuns } from '../../../src-main/store/runDelete';
import { appendRunLog } from '../../../src-main/store/runLogs';
import { finishRun, insertRun, recordSourceModel } from '../../../src-main/store/runs';
import { recordTransferability } from '../../../src-main/store/transferability';
import { AppFailure } from '../../../src-shared/result';
import { historyWorkspace, type HistoryWorkspace } from '../../helpers/historyWorkspace';
import { useTempDirs } from '../../helpers/tempDir';
import { runConfig } from '../engine/fixtures';

const tempDir = useTempDirs();

/** A minimal cached embedding (issue 14): enough for a row that must go with its run. */
function embeddingOf(runId: number): Embedding {
  const side = {
    label: 'x',
    runId,
    layer: 'hidden_1',
    features: 1,
    mmd2: 0,
    proxyADistance: 0,
    domainError: 0.5,
    pca: [0, 0],
    umap: [0, 0],
    pcaExplained: [1, 0] as [number, number],
  };
  return {
    runId,
    settings: { perDomain: 20, seed: 0 },
    sourceName: 'A',
    targetName: 'B',
    points: { domain: [0], label: [0] },
    before: null,
    beforeMissing: 'none',
    after: side,
    computedAt: '2026-01-01T00:00:00.000Z',
  };
}

/** Every table with a `run_id` column, read from the schema so a new one is covered too. */
function runTables(db: Db): string[] {
  const tables = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
    .all() as { name: string }[];
  return tables
    .map((t) => t.name)
    .filter((name) =>
      (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(name) as { name: string }[]).some(
        (c) => c.name === 'run_id',
      ),
    );
}

/** Row counts of every table, to prove a refusal left everything as it was. */
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

interface Fixture extends HistoryWorkspace {
  dir: string;
  /** A completed source run with a model folder, and two transfer runs starting from it. */
  source: number;
  t1: number;
  t2: number;
  modelDir: string;
}

/** Adds a source run, its model folder and two dependants, with a row in every child table. */
function fixture(): Fixture {
  const dir = tempDir();
  const ws = historyWorkspace(dir);
  const { db } = ws;
  const run = (kind: 'source' | 'transfer', dependsOn: number | null, hash: string): number =>
    insertRun(db, {
      experimentId: 1,
      kind,
      strategy: kind === 'source' ? 'source' : 'fine-tune',
      variant: kind === 'source' ? 'source' : 'fine-tune',
      domainId: kind === 'source' ? 1 : 2,
      sourceDomainId: kind === 'source' ? null : 1,
      budget: 'all',
      seed: 7,
      config: runConfig(),
      configHash: hash,
      dependsOn,
      epochs: 2,
    });
  const source = run('source', null, 'src');
  const t1 = run('transfer', source, 't1');
  const t2 = run('transfer', source, 't2');
  const modelDir = join(dir, 'models', 'abc123');
  mkdirSync(modelDir, { recursive: true });
  writeFileSync(join(modelDir, 'model.json'), '{}');
  writeFileSync(join(modelDir, 'weights.bin'), 'w');
  recordSourceModel(db, source, 1, 'abc123', modelDir);
  for (const id of [source, t1, t2]) {
    insertEpoch(db, id, 1, { val_acc: 0.5, val_loss: 1 }, 1);
    appendRunLog(db, id, 'info', `run ${id} says hello`);
    updateRun(db, { id, tags: ['keep-me', `run-${id}`], notes: 'n' });
    finishRun(db, id, 'completed', { finalMetrics: { test_acc: 0.5 }, confusion: [[1]] });
  }
  recordTransferability(db, t1, { leep: -1, nce: -0.5, hScore: 0.2, logMe: 0.1 }, 100);
  saveEmbedding(db, 'key', embeddingOf(t1));
  saveEventCursor(db, t1, 1, { file: '/w/cluster/events.jsonl', offset: 10, seq: 1, ended: true });
  db.prepare(
    `INSERT INTO cluster_tasks (run_id, attempt, executor, job_id, task_id, state, updated_at)
     VALUES (?, 1, 'slurm', '42', 0, 'COMPLETED', '2026-12-06T00:00:00.000Z')`,
  ).run(t1);
  return { ...ws, dir, source, t1, t2, modelDir };
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

describe('deleteRuns', () => {
  it('deletes runs with every row that hangs off them, and their model folder', () => {
    const f = fixture();
    const { db } = f;
    const tables = runTables(db);
    // The tables this test must cover; a new run_id table shows up here and must be handled.
    expect(tables).toEqual([
      'cluster_tasks',
      'metrics',
      'run_embeddings',
      'run_event_cursors',
      'run_logs',
      'run_metric_summary',
      'run_tags',
      'run_transferability',
      'source_models',
    ]);
    const gone = [f.source, f.t1, f.t2, f.ids.A];
    const count = (table: string, ids: number[]): number =>
      (
        db
          .prepare(
            `SELECT COUNT(*) AS n FROM ${table} WHERE run_id IN (SELECT value FROM json_each(?))`,
          )
          .get(JSON.stringify(ids)) as { n: number }
      ).n;
    for (const table of tables) {
      if (
        ![
          'run_transferability',
          'source_models',
          'run_embeddings',
          'run_event_cursors',
          'cluster_tasks',
        ].includes(table)
      ) {
        expect(count(table, gone), table).toBeGreaterThan(0);
      }
    }
    expect(count('run_transferability', [f.t1])).toBe(1);
    expect(count('run_embeddings', [f.t1])).toBe(1);
    expect(count('run_event_cursors', [f.t1])).toBe(1);
    expect(count('cluster_tasks', [f.t1])).toBe(1);
    expect(count('source_models', [f.source])).toBe(1);
    const keptBefore = Object.fromEntries(tables.map((t) => [t, count(t, [f.ids.B, f.ids.C])]));

    // Unordered and with a repeat: the source run comes before its dependants in the list.
    const result = deleteRuns(db, f.dir, [f.source, f.t2, f.ids.A, f.t1, f.t2]);
    expect(result).toEqual({
      deleted: [f.ids.A, f.source, f.t1, f.t2].sort((a, b) => a - b),
      artifactsRemoved: 1,
    });

    for (const table of tables) expect(count(table, gone), table).toBe(0);
    const runsLeft = db.prepare('SELECT id FROM runs ORDER BY id').all() as { id: number }[];
    expect(runsLeft.map((r) => r.id)).toEqual([f.ids.B, f.ids.C, f.ids.D]);
    // Other runs keep everything they had.
    expect(Object.fromEntries(tables.map((t) => [t, count(t, [f.ids.B, f.ids.C])]))).toEqual(
      keptBefore,
    );
    expect(f.query({ tags: ['keep-me'] }).total).toBe(0);
    // Experiments stay, even the one whose runs are almost all gone.
    expect((db.prepare('SELECT COUNT(*) AS n FROM experiments').get() as { n: number }).n).toBe(2);
    expect(existsSync(f.modelDir)).toBe(false);
    expect(existsSync(join(f.dir, 'models'))).toBe(true);
    db.close();
  });

  it('refuses, deleting nothing, when a run is missing, active, or the source of a run kept', () => {
    const f = fixture();
    const { db } = f;
    const before = snapshot(db);

    const missing = refusal(() => deleteRuns(db, f.dir, [f.ids.A, 998, 999]));
    expect(missing.code).toBe('not_found');
    expect(missing.message).toBe('No run #998 and #999: nothing was deleted.');

    // D is queued; make B running.
    db.prepare(`UPDATE runs SET status = 'running' WHERE id = ?`).run(f.ids.B);
    const active = refusal(() => deleteRuns(db, f.dir, [f.ids.A, f.ids.B, f.ids.D]));
    expect(active.code).toBe('conflict');
    expect(active.message).toContain(`#${f.ids.B} is running`);
    expect(active.message).toContain(`#${f.ids.D} is queued`);
    expect(active.message).toContain('cancel them first');

    const source = refusal(() => deleteRuns(db, f.dir, [f.source]));
    expect(source.code).toBe('conflict');
    expect(source.message).toBe(
      `Run #${f.source} is the source model of runs #${f.t1} and #${f.t2}: delete them too or keep it. Nothing was deleted.`,
    );
    const partial = refusal(() => deleteRuns(db, f.dir, [f.source, f.t1]));
    expect(partial.message).toContain(`Run #${f.source} is the source model of run #${f.t2}:`);

    db.prepare(`UPDATE runs SET status = 'completed' WHERE id = ?`).run(f.ids.B);
    expect(snapshot(db)).toEqual(before);
    expect(existsSync(join(f.modelDir, 'weights.bin'))).toBe(true);

    // Deleting only the dependants is fine and keeps the source model's folder.
    expect(deleteRuns(db, f.dir, [f.t1, f.t2])).toEqual({
      deleted: [f.t1, f.t2],
      artifactsRemoved: 0,
    });
    expect(existsSync(join(f.modelDir, 'weights.bin'))).toBe(true);
    db.close();
  });

  it('keeps a model folder another source run still points to', () => {
    const f = fixture();
    const { db } = f;
    // A second source run that trained to the same weights (content-addressed folder).
    const twin = insertRun(db, {
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
      epochs: 2,
    });
    recordSourceModel(db, twin, 1, 'abc123', f.modelDir);
    finishRun(db, twin, 'completed');

    expect(deleteRuns(db, f.dir, [f.source, f.t1, f.t2]).artifactsRemoved).toBe(0);
    expect(existsSync(join(f.modelDir, 'weights.bin'))).toBe(true);
    expect(deleteRuns(db, f.dir, [twin])).toEqual({ deleted: [twin], artifactsRemoved: 1 });
    expect(existsSync(f.modelDir)).toBe(false);
    db.close();
  });

  it('never removes a folder outside <workspace>/models, whatever the database says', () => {
    const f = fixture();
    const { db } = f;
    const outside = tempDir();
    const precious = join(outside, 'precious');
    mkdirSync(precious);
    writeFileSync(join(precious, 'thesis.tex'), 'years of work');
    // A link inside models/ that leads outside, and a folder beside models/ in the workspace.
    symlinkSync(outside, join(f.dir, 'models', 'link'));
    mkdirSync(join(f.dir, 'uploads'));

    const hostile = [
      precious,
      join(f.dir, 'models', '..', 'uploads'),
      '../uploads',
      join(f.dir, 'models'),
      join(f.dir, 'models', 'link', 'precious'),
      join(f.dir, 'models', 'link'),
      'models/../../',
    ];
    const sources = hostile.map((dir, i) => {
      const id = insertRun(db, {
        experimentId: 2,
        kind: 'source',
        strategy: 'source',
        variant: 'source',
        domainId: 1,
        sourceDomainId: null,
        budget: 'all',
        seed: i,
        config: runConfig(),
        configHash: `h${i}`,
        dependsOn: null,
        epochs: 1,
      });
      recordSourceModel(db, id, 1, `hash${i}`, dir);
      finishRun(db, id, 'completed');
      return id;
    });

    expect(deleteRuns(db, f.dir, sources)).toEqual({ deleted: sources, artifactsRemoved: 0 });
    expect(existsSync(join(precious, 'thesis.tex'))).toBe(true);
    expect(existsSync(join(f.dir, 'uploads'))).toBe(true);
    expect(existsSync(join(f.dir, 'models', 'link'))).toBe(true);
    expect(existsSync(join(f.modelDir, 'weights.bin'))).toBe(true);
    expect(existsSync(join(f.dir, 'w.sqlite'))).toBe(true);
    db.close();
  });
});
