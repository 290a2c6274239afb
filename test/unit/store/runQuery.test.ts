import { describe, expect, it } from 'vitest';
import { insertEpoch } from '../../../src-main/store/metrics';
import { historySql, queryRuns } from '../../../src-main/store/runQuery';
import { finishRun, insertRun } from '../../../src-main/store/runs';
import { runConfig } from '../engine/fixtures';
import { dispatch } from '../../../src-main/transports/dispatch';
import { RunQueryInputSchema, type RunQuery } from '../../../src-shared/rpc/history';
import { historyWorkspace } from '../../helpers/historyWorkspace';
import { useTempDirs } from '../../helpers/tempDir';
import { fakeBackend } from '../transports/fakeBackend';

const tempDir = useTempDirs();

describe('runs.query filters', () => {
  it('filters by strategy, source, target, status, experiment, budget and creation date', () => {
    const { letters, query, db } = historyWorkspace(tempDir());
    const asc = { sort: { by: 'id', dir: 'asc' } };
    expect(letters({ ...asc, strategy: ['fine-tune'] })).toEqual(['A', 'D']);
    expect(letters({ ...asc, sourceName: ['mnist-0-4'] })).toEqual(['A', 'C', 'D']);
    expect(letters({ ...asc, targetName: ['usps'] })).toEqual(['C', 'D']);
    expect(letters({ ...asc, status: ['completed', 'queued'] })).toEqual(['A', 'B', 'D']);
    expect(letters({ ...asc, experimentId: [2] })).toEqual(['C', 'D']);
    expect(letters({ ...asc, budget: [10] })).toEqual(['A', 'D']);
    expect(letters({ ...asc, budget: ['all', 100] })).toEqual(['B', 'C']);
    expect(
      letters({
        ...asc,
        createdFrom: '2025-02-01T10:00:00Z',
        createdTo: '2025-03-01T11:00:00+01:00',
      }),
    ).toEqual(['B', 'C']);
    expect(letters({ ...asc, strategy: ['fine-tune'], targetName: ['usps'] })).toEqual(['D']);
    expect(query({ strategy: ['none-such'] })).toEqual({ rows: [], total: 0 });
    db.close();
  });

  it('filters by variant label, so two variants of one strategy are told apart', () => {
    const { letters, query, db } = historyWorkspace(tempDir());
    const asc = { sort: { by: 'id', dir: 'asc' } };
    // A and D are both fine-tune; only D ran the L2-SP variant.
    expect(letters({ ...asc, variant: ['fine-tune · l2sp λ=0.01'] })).toEqual(['D']);
    expect(letters({ ...asc, variant: ['fine-tune'] })).toEqual(['A']);
    expect(letters({ ...asc, variant: ['fine-tune', 'scratch'] })).toEqual(['A', 'B']);
    expect(letters({ ...asc, strategy: ['fine-tune'], variant: ['scratch'] })).toEqual([]);
    expect(query({ variant: ['fine-tune · l2sp λ=0.01'] }).rows[0]?.variant).toBe(
      'fine-tune · l2sp λ=0.01',
    );
    expect(RunQueryInputSchema.safeParse({ variant: [] }).success).toBe(false);
    db.close();
  });

  it('filters on a range of the summary metric, leaving out runs without it', () => {
    const { letters, db } = historyWorkspace(tempDir());
    const best = (min?: number, max?: number): string[] =>
      letters({
        sort: { by: 'id', dir: 'asc' },
        metric: { name: 'val_acc', mode: 'best', min, max },
      });
    expect(best(0.8)).toEqual(['A']);
    expect(best(0.1, 0.8)).toEqual(['B', 'C']);
    // C's last val_acc was NaN: it has no finite last value, so no range admits it.
    expect(
      letters({
        sort: { by: 'id', dir: 'asc' },
        metric: { name: 'val_acc', mode: 'last', max: 1 },
      }),
    ).toEqual(['A', 'B']);
    db.close();
  });
});

describe('runs.query sorting', () => {
  it('sorts by the summary metric in each mode, runs without a value last', () => {
    const { query, letters, db } = historyWorkspace(tempDir());
    const by = (name: string, mode: string, dir: string): unknown => ({
      metric: { name, mode },
      sort: { by: 'metric', dir },
    });
    // last: A 0.8, B 0.75, C NaN → null, D none (ties by id, in the same direction).
    expect(letters(by('val_acc', 'last', 'desc'))).toEqual(['A', 'B', 'D', 'C']);
    expect(query(by('val_acc', 'last', 'desc')).rows.map((r) => r.metricValue)).toEqual([
      0.8,
      0.75,
      null,
      null,
    ]);
    // max: A 0.9, B 0.75, C 0.2 (its NaN left out).
    expect(letters(by('val_acc', 'max', 'desc'))).toEqual(['A', 'B', 'C', 'D']);
    // min, ascending: C 0.2, A 0.5, B 0.6; D still last.
    expect(letters(by('val_acc', 'min', 'asc'))).toEqual(['C', 'A', 'B', 'D']);
    // best of a loss is its minimum: A 0.3, B 0.5, C 2 (∞ left out).
    const bestLoss = query(by('val_loss', 'best', 'asc')).rows.map((r) => r.metricValue);
    expect(bestLoss).toEqual([0.3, 0.5, 2, null]);
    // best of an accuracy is its maximum.
    expect(query(by('val_acc', 'best', 'desc')).rows.map((r) => r.metricValue)).toEqual([
      0.9,
      0.75,
      0.2,
      null,
    ]);
    db.close();
  });

  it('ranks transfer runs by a metric, and a source run (its source task) after them', () => {
    const { query, letters, db, ids } = historyWorkspace(tempDir());
    // A source run on mnist-0-4 whose val_acc (0.99, on every source label) beats every target.
    const source = insertRun(db, {
      experimentId: 1,
      kind: 'source',
      strategy: 'source',
      variant: 'source',
      domainId: 1,
      sourceDomainId: 1,
      budget: 'all',
      seed: 1,
      config: runConfig({ kind: 'source', strategy: 'source' }),
      configHash: 'csource',
      dependsOn: null,
      epochs: 1,
    });
    insertEpoch(db, source, 1, { val_acc: 0.99 }, 0);
    finishRun(db, source, 'completed');
    const ranked = query({
      metric: { name: 'val_acc', mode: 'last' },
      sort: { by: 'metric', dir: 'desc' },
    });
    expect(ranked.rows.map((r) => r.id)).toEqual([ids.A, ids.B, ids.D, ids.C, source]);
    expect(
      letters({ metric: { name: 'val_acc', mode: 'last' }, sort: { by: 'metric', dir: 'asc' } }),
    ).toEqual(['B', 'A', 'C', 'D', `?${source}`]);
    db.close();
  });

  it('sorts by whitelisted columns', () => {
    const { letters, db } = historyWorkspace(tempDir());
    // Budgets as numbers, "all" after every number; ties by id.
    expect(letters({ sort: { by: 'budget', dir: 'asc' } })).toEqual(['A', 'D', 'B', 'C']);
    // B has no source: last in both directions.
    expect(letters({ sort: { by: 'sourceName', dir: 'asc' } })).toEqual(['A', 'C', 'D', 'B']);
    expect(letters({ sort: { by: 'createdAt', dir: 'desc' } })).toEqual(['D', 'C', 'B', 'A']);
    expect(letters({ sort: { by: 'experimentName', dir: 'asc' } })).toEqual(['A', 'B', 'C', 'D']);
    expect(letters({ sort: { by: 'status', dir: 'asc' } })).toEqual(['A', 'B', 'C', 'D']);
    // The default: newest id first.
    expect(letters({})).toEqual(['D', 'C', 'B', 'A']);
    db.close();
  });

  it('sorts by variant label, ties by id', () => {
    const { letters, db } = historyWorkspace(tempDir());
    // fine-tune (A) < fine-tune · l2sp… (D) < l2-sp (C) < scratch (B).
    expect(letters({ sort: { by: 'variant', dir: 'asc' } })).toEqual(['A', 'D', 'C', 'B']);
    expect(letters({ sort: { by: 'variant', dir: 'desc' } })).toEqual(['B', 'C', 'D', 'A']);
    db.close();
  });

  it('refuses an unknown sort key with a clear error, at the boundary and in the store', async () => {
    const result = await dispatch(fakeBackend().handlers, 'runs.query', {
      sort: { by: 'config; DROP TABLE runs', dir: 'asc' },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid_input');
    expect(JSON.stringify(result.error)).toMatch(/sort\.by/);
    expect(JSON.stringify(result.error)).toContain('createdAt');

    const missingMetric = RunQueryInputSchema.safeParse({ sort: { by: 'metric' } });
    expect(missingMetric.error?.issues[0]?.message).toBe(
      'Sorting by "metric" needs `metric` (a name and a mode).',
    );

    const { db } = historyWorkspace(tempDir());
    const forged = { ...RunQueryInputSchema.parse({}), sort: { by: 'nope', dir: 'asc' } };
    expect(() => queryRuns(db, forged as unknown as RunQuery)).toThrow(
      /Cannot sort runs by "nope": sort by one of id, createdAt/,
    );
    db.close();
  });
});

describe('runs.query pages and search', () => {
  it('pages with a total that counts every match', () => {
    const { query, db } = historyWorkspace(tempDir());
    const pages = [0, 2, 4].map((offset) => query({ limit: 2, offset }));
    expect(pages.map((p) => p.total)).toEqual([4, 4, 4]);
    expect(pages.map((p) => p.rows.length)).toEqual([2, 2, 0]);
    const ids = pages.flatMap((p) => p.rows.map((r) => r.id));
    expect(new Set(ids).size).toBe(4);
    expect(query({ limit: 1, strategy: ['fine-tune'] }).total).toBe(2);
    expect(RunQueryInputSchema.safeParse({ limit: 501 }).success).toBe(false);
    db.close();
  });

  it('searches experiment names, strategies, variants, notes and tags, every word', () => {
    const { letters, query, ids, db } = historyWorkspace(tempDir());
    const asc = { sort: { by: 'id', dir: 'asc' } };
    expect(letters({ ...asc, search: 'SWEEP' })).toEqual(['A', 'B']);
    expect(letters({ ...asc, search: 'l2-sp' })).toEqual(['C']);
    db.prepare('UPDATE runs SET notes = ? WHERE id = ?').run('Diverged at lr 0.1, 50%', ids.C);
    db.prepare('INSERT INTO run_tags VALUES (?, ?)').run(ids.B, 'paper-figure');
    expect(letters({ ...asc, search: 'lr 0.1' })).toEqual(['C']);
    // % and _ are text, not patterns.
    expect(letters({ ...asc, search: '50%' })).toEqual(['C']);
    expect(letters({ ...asc, search: '%' })).toEqual(['C']);
    expect(letters({ ...asc, search: 'paper' })).toEqual(['B']);
    expect(letters({ ...asc, search: 'study fine' })).toEqual(['C', 'D']);
    expect(query({ search: 'sweep nothing' }).total).toBe(0);
    // The variant's label is searched too: its parameters are only there.
    expect(letters({ ...asc, search: 'l2sp' })).toEqual(['D']);
    // Every word must match: D's target is usps, not mnist-5-9 (issue 14: targets are searched).
    expect(letters({ ...asc, search: 'λ=0.01 usps' })).toEqual(['D']);
    expect(letters({ ...asc, search: 'λ=0.01 mnist-5-9' })).toEqual([]);
    expect(letters({ ...asc, search: 'λ=0.01 study' })).toEqual(['D']);
    db.close();
  });
});

describe('runs.query plan', () => {
  it('reads summary metrics by index from run_metric_summary, never from metrics', () => {
    const { db } = historyWorkspace(tempDir());
    const plan = (input: unknown): string => {
      const { page, count } = historySql(RunQueryInputSchema.parse(input));
      return [page, count]
        .flatMap((s) => db.prepare(`EXPLAIN QUERY PLAN ${s.sql}`).all(...s.params))
        .map((row) => (row as { detail: string }).detail)
        .join('\n');
    };
    const sorted = plan({
      metric: { name: 'val_loss', mode: 'best', max: 1 },
      sort: { by: 'metric', dir: 'asc' },
      tags: ['x'],
      strategy: ['fine-tune'],
    });
    expect(sorted).not.toMatch(/\bmetrics\b/);
    // The range on the chosen mode's column walks its index (name, min); no full scan anywhere.
    expect(sorted).toMatch(
      /SEARCH ms USING COVERING INDEX run_metric_summary_min \(name=\? AND min<\?\)/,
    );
    expect(sorted).not.toMatch(/\bSCAN\b/);
    expect(sorted).toMatch(/SEARCH t (EXISTS )?USING PRIMARY KEY \(run_id=\? AND tag=\?\)/);
    // Experiments and domains are looked up by key, once per run.
    expect(sorted).toMatch(/SEARCH e USING INTEGER PRIMARY KEY/);
    expect(plan({ createdFrom: '2025-02-01T00:00:00Z' })).toMatch(/runs_created_at/);
    db.close();
  });
});
