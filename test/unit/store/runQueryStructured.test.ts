import { describe, expect, it } from 'vitest';
import { historySql } from '../../../src-main/store/runQuery';
import { RunQueryInputSchema } from '../../../src-shared/rpc/history';
import { parseRunQuery, toRunQueryFilters } from '../../../src-shared/query/runQueryText';
import { historyWorkspace, type HistoryWorkspace } from '../../helpers/historyWorkspace';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();
const asc = { sort: { by: 'id', dir: 'asc' } } as const;

/** The workspace of historyWorkspace.ts with distinct learning rates and a λ on C. */
function workspace(): HistoryWorkspace {
  const ws = historyWorkspace(tempDir());
  const set = ws.db.prepare('UPDATE runs SET config = json_set(config, ?, json(?)) WHERE id = ?');
  set.run('$.training.learningRate', '0.0005', ws.ids.A);
  set.run('$.training.learningRate', '0.01', ws.ids.B);
  set.run('$.training.learningRate', '0.002', ws.ids.C);
  set.run('$.strategyParams.lambda', '0.1', ws.ids.C);
  set.run('$.strategyParams.keepSourceHead', 'true', ws.ids.A);
  return ws;
}

/** The runs a typed query finds, as letters, through the same path the UI takes. */
const typed = (ws: HistoryWorkspace, text: string): string[] => {
  const parsed = parseRunQuery(text);
  expect(parsed.problems).toEqual([]);
  return ws.letters({ ...asc, ...toRunQueryFilters(parsed) });
};

describe('structured queries against a workspace', () => {
  it('reads accuracies in percent: val_acc>77 is 77 %, not 0.77 %', () => {
    const ws = workspace();
    // Last val_acc: A 0.8, B 0.75, C none (NaN), D none.
    expect(typed(ws, 'val_acc>77')).toEqual(['A']);
    expect(typed(ws, 'val_acc>=75')).toEqual(['A', 'B']);
    expect(typed(ws, 'val_acc.max>=90')).toEqual(['A']);
    // As typed, 0.77 means 0.77 %: both finished runs are above it.
    expect(typed(ws, 'val_acc>0.77')).toEqual(['A', 'B']);
  });

  it('compares losses in their own unit, with a summary mode', () => {
    const ws = workspace();
    // val_loss: A [1, 0.3, 0.4], B [0.9, 0.6, 0.5].
    expect(typed(ws, 'val_loss.min<0.35')).toEqual(['A']);
    expect(typed(ws, 'val_loss<0.45')).toEqual(['A']);
    // C diverged: its val_loss reached 2 before it became infinite.
    expect(typed(ws, 'val_loss.max>=0.9')).toEqual(['A', 'B', 'C']);
  });

  it('filters on parameters of the resolved config, numbers and booleans', () => {
    const ws = workspace();
    expect(typed(ws, 'lr<1e-3')).toEqual(['A']);
    // D keeps the fixture's 0.01.
    expect(typed(ws, 'lr>=0.002')).toEqual(['B', 'C', 'D']);
    expect(typed(ws, 'λ=0.1')).toEqual(['C']);
    // A run without λ is no match for λ!=0.1 either: it has no λ at all.
    expect(typed(ws, 'λ!=0.1')).toEqual([]);
    expect(typed(ws, 'keepSourceHead=true')).toEqual(['A']);
    expect(typed(ws, 'epochs=3')).toEqual(['A', 'B', 'C', 'D']);
  });

  it('matches source and target by containment or exactly, and alternatives', () => {
    const ws = workspace();
    expect(typed(ws, 'source:0-4')).toEqual(['A', 'C', 'D']);
    expect(typed(ws, 'target=USPS')).toEqual(['C', 'D']);
    expect(typed(ws, 'target=usp')).toEqual([]);
    expect(typed(ws, 'strategy:scratch,l2-sp')).toEqual(['B', 'C']);
    expect(typed(ws, 'strategy:fine-tune budget:10 target:5-9')).toEqual(['A']);
  });

  it('lets free words find source and target names too', () => {
    const ws = workspace();
    expect(typed(ws, 'usps')).toEqual(['C', 'D']);
    // C is l2-sp, but in the experiment "Fine-tune study".
    expect(typed(ws, 'mnist-0-4 fine')).toEqual(['A', 'C', 'D']);
    expect(typed(ws, 'mnist-0-4 fine 5-9')).toEqual(['A']);
  });

  it('returns extra metric and parameter columns per row from one query', () => {
    const ws = workspace();
    const page = ws.query({
      ...asc,
      columns: {
        metrics: [
          { name: 'val_acc', mode: 'last' },
          { name: 'val_loss', mode: 'min' },
          { name: 'val_acc', mode: 'max' },
        ],
        params: ['training.learningRate', 'strategyParams.lambda', 'strategyParams.keepSourceHead'],
      },
      metric: { name: 'val_acc', mode: 'best', min: 0.7 },
    });
    expect(page.total).toBe(2);
    expect(page.rows.map((r) => r.columns)).toEqual([
      { metrics: [0.8, 0.3, 0.9], params: [0.0005, null, true] },
      { metrics: [0.75, 0.5, 0.75], params: [0.01, null, null] },
    ]);
    const all = ws.query({ ...asc, columns: { metrics: [{ name: 'test_acc', mode: 'last' }] } });
    expect(all.rows.map((r) => r.columns)).toEqual(
      Array.from({ length: 4 }, () => ({ metrics: [null], params: [] })),
    );
  });

  it('costs one statement per page whatever the columns, and binds every value', () => {
    const q = RunQueryInputSchema.parse({
      columns: {
        metrics: [
          { name: "x'); DROP TABLE runs; --", mode: 'last' },
          { name: 'val_loss', mode: 'min' },
        ],
        params: ['training.learningRate'],
      },
      paramFilters: [{ path: 'training.optimizer', op: '=', value: "'; --" }],
    });
    const { page } = historySql(q);
    expect(page.sql).not.toContain('DROP');
    expect(page.sql).not.toContain("'; --");
    expect(page.params).toContain("x'); DROP TABLE runs; --");
    const ws = workspace();
    expect(() => ws.db.prepare(page.sql).all(...page.params)).not.toThrow();
    const plan = ws.db.prepare(`EXPLAIN QUERY PLAN ${page.sql}`).all(...page.params) as {
      detail: string;
    }[];
    // Each metric column is a keyed lookup, never a scan of run_metric_summary.
    const summaryScans = plan.filter((p) => /SCAN (run_metric_summary|mc\d)/.test(p.detail));
    expect(summaryScans).toEqual([]);
  });

  it('refuses parameter paths outside the config sections', () => {
    expect(
      RunQueryInputSchema.safeParse({ columns: { params: ['$.training'], metrics: [] } }).success,
    ).toBe(false);
    expect(
      RunQueryInputSchema.safeParse({
        paramFilters: [{ path: 'training.x) OR 1=1 --', op: '=', value: 1 }],
      }).success,
    ).toBe(false);
  });
});
