import { describe, expect, it } from 'vitest';
import { buildComparison } from '../../../src-main/analysis/comparison';
import { comparisonData } from '../../../src-main/store/compareRuns';
import { CompareInputSchema, type CompareInput } from '../../../src-shared/rpc/compare';
import { compareWorkspace } from '../../helpers/compareWorkspace';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

type Workspace = ReturnType<typeof compareWorkspace>;

const compare = (ws: Workspace, input: CompareInput): ReturnType<typeof buildComparison> =>
  buildComparison(comparisonData(ws.db), CompareInputSchema.parse(input));

/**
 * Two MMD variants on compareWorkspace's target at budget 10, seeds 0–4. Validation favours
 * λ=0.1 on seeds 0–2 and λ=3 on seeds 3–4; test favours λ=3 everywhere, so the oracle and an
 * honest selection disagree.
 */
const MMD = {
  'mmd · λ=0.1': {
    lambda: 0.1,
    val: [0.8, 0.81, 0.79, 0.7, 0.71],
    test: [0.75, 0.76, 0.74, 0.73, 0.72],
  },
  'mmd · λ=3': {
    lambda: 3,
    val: [0.7, 0.72, 0.71, 0.8, 0.82],
    test: [0.8, 0.81, 0.79, 0.78, 0.77],
  },
} as const;

function withMmd(ws: Workspace): Map<string, number[]> {
  const ids = new Map<string, number[]>();
  for (const [variant, v] of Object.entries(MMD)) {
    ids.set(
      variant,
      v.val.map((val, seed) =>
        ws.addRun({
          experimentId: 1,
          strategy: 'mmd',
          variant,
          strategyParams: { lambda: v.lambda },
          budget: 10,
          seed,
          value: v.test[seed] ?? NaN,
          finalMetrics: { val_acc: val },
        }),
      ),
    );
  }
  return ids;
}

describe('variants in a comparison (issue 10)', () => {
  it('keeps two variants of one strategy as two rows: nothing merged, nothing dropped', () => {
    const ws = compareWorkspace(tempDir());
    withMmd(ws);
    const c = compare(ws, { selection: { experimentIds: [1] } });
    expect(c.summary.rows.map((r) => r.variant)).toEqual([
      'scratch',
      'fine-tune',
      'feature-extraction',
      'mmd · λ=0.1',
      'mmd · λ=3',
    ]);
    expect(c.summary.rows.every((r) => r.rule === 'as-run')).toBe(true);
    // Only the source run and the failed run are left out: no variant replaced another.
    expect(c.excluded.map((e) => e.runId)).toEqual([ws.sourceRunId, ws.failedRunId]);
    const mmd = c.gains.filter((g) => g.strategy === 'mmd');
    expect(mmd.map((g) => [g.variant, g.n])).toEqual([
      ['mmd · λ=0.1', 5],
      ['mmd · λ=3', 5],
    ]);
    expect(mmd[1]?.strategyMean).toBeCloseTo(0.79, 12);
    expect(c.curves.groupBy[0]).toBe('variant');
    ws.db.close();
  });

  it('selects on validation per (source, target, budget, seed), never looking at test values', () => {
    const ws = compareWorkspace(tempDir());
    const ids = withMmd(ws);
    const select = (): ReturnType<typeof compare> =>
      compare(ws, { selection: { experimentIds: [1] }, options: { selection: 'validation' } });
    const first = select();
    const row = 'mmd [selected on val_acc]';
    expect(first.summary.rows.map((r) => [r.variant, r.rule])).toContainEqual([
      row,
      'selected-validation',
    ]);
    expect(first.summary.rows.map((r) => r.variant)).not.toContain('mmd · λ=0.1');
    const group = first.selection?.groups.find((g) => g.strategy === 'mmd');
    expect(group?.picks).toEqual([
      { variant: 'mmd · λ=0.1', count: 3 },
      { variant: 'mmd · λ=3', count: 2 },
    ]);
    // Seeds 0–2 take λ=0.1's test values, seeds 3–4 λ=3's.
    const mean = (0.75 + 0.76 + 0.74 + 0.78 + 0.77) / 5;
    const cell = first.summary.rows.find((r) => r.variant === row)?.cells[0];
    expect(cell?.mean).toBeCloseTo(mean, 12);
    const gain = first.gains.find((g) => g.variant === row && g.budget === 10);
    expect(gain).toMatchObject({ rule: 'selected-validation', baseline: 'scratch', n: 5 });
    // The runs not chosen are listed with the reason.
    const lambda3 = ids.get('mmd · λ=3') ?? [];
    expect(first.excluded.filter((e) => lambda3.includes(e.runId))).toHaveLength(3);

    // Scramble every test value: the choices stay the same, only the reported values move.
    const chosen = (c: ReturnType<typeof compare>): number[] =>
      c.excluded.filter((e) => e.reason.startsWith('not selected')).map((e) => e.runId);
    ws.db
      .prepare(
        `UPDATE runs SET final_metrics = json_set(final_metrics, '$.test_acc', (id * 7919 % 97) / 100.0)
         WHERE strategy = 'mmd'`,
      )
      .run();
    const second = select();
    expect(chosen(second)).toEqual(chosen(first));
    expect(second.selection?.groups.find((g) => g.strategy === 'mmd')?.picks).toEqual(group?.picks);
    ws.db.close();
  });

  it('labels a selection on test data as the oracle, and it picks otherwise', () => {
    const ws = compareWorkspace(tempDir());
    withMmd(ws);
    const c = compare(ws, { selection: { experimentIds: [1] }, options: { selection: 'oracle' } });
    const row = 'mmd [oracle: selected on test_acc]';
    expect(c.selection).toMatchObject({
      mode: 'oracle',
      rule: 'selected-oracle',
      selectBy: 'test_acc',
    });
    expect(c.selection?.description).toMatch(/^Oracle/);
    expect(c.selection?.groups[0]?.picks).toEqual([
      { variant: 'mmd · λ=0.1', count: 0 },
      { variant: 'mmd · λ=3', count: 5 },
    ]);
    expect(c.summary.rows.find((r) => r.variant === row)?.rule).toBe('selected-oracle');
    ws.db.close();
  });

  it('says how many labels a selection looked at (unknown for runs before issue 10)', () => {
    const ws = compareWorkspace(tempDir());
    withMmd(ws);
    ws.db
      .prepare(
        `UPDATE runs SET split_sizes = '{"train":16,"val":4,"test":300,"validationFrom":"budget"}'
         WHERE strategy = 'mmd'`,
      )
      .run();
    const c = compare(ws, {
      selection: { experimentIds: [1] },
      options: { selection: 'validation' },
    });
    expect(c.selection?.groups[0]).toMatchObject({
      choices: 5,
      validationLabels: { from: 'budget', min: 4, max: 4 },
      trainLabels: { from: 'budget', min: 16, max: 16 },
    });
    ws.db.prepare(`UPDATE runs SET split_sizes = NULL WHERE id % 2 = 0`).run();
    const partly = compare(ws, {
      selection: { experimentIds: [1] },
      options: { selection: 'validation' },
    });
    expect(partly.selection?.groups[0]?.validationLabels.from).toBe('unknown');
    ws.db.close();
  });

  it('shows one label with different settings in two experiments per experiment, with a note', () => {
    const ws = compareWorkspace(tempDir());
    // Experiment 2 also calls its runs "fine-tune", but trained them with an L2 penalty.
    for (const seed of [0, 1, 2, 3, 4]) {
      ws.addRun({
        experimentId: 2,
        strategy: 'fine-tune',
        variant: 'fine-tune',
        strategyParams: { l2: 0.5 },
        budget: 10,
        seed,
        value: 0.5,
      });
    }
    const c = compare(ws, { selection: { experimentIds: [1, 2] } });
    const rows = c.summary.rows.map((r) => r.variant);
    expect(rows).toContain('fine-tune (Sweep #1)');
    expect(rows).toContain('fine-tune (Re-run #2)');
    expect(rows).not.toContain('fine-tune');
    expect(c.notes).toEqual([
      '"fine-tune" names different settings in "Sweep" (#1) and "Re-run" (#2) (strategyParams.l2): its runs are shown per experiment, never merged.',
    ]);
    // Nothing of either experiment was dropped as a duplicate of the other.
    expect(c.excluded.every((e) => !e.reason.startsWith('same variant'))).toBe(true);
    ws.db.close();
  });

  it('never merges two revisions of a strategy, whose parameters may read the same', () => {
    const ws = compareWorkspace(tempDir());
    // Experiment 2's fine-tune ran revision 2 of the procedure (issue 17's independent head).
    for (const seed of [0, 1, 2, 3, 4]) {
      ws.addRun({
        experimentId: 2,
        strategy: 'fine-tune',
        variant: 'fine-tune',
        strategyRevision: 2,
        budget: 10,
        seed,
        value: 0.9,
      });
    }
    const c = compare(ws, { selection: { experimentIds: [1, 2] } });
    const rows = c.summary.rows.map((r) => r.variant);
    expect(rows).toContain('fine-tune (Sweep #1)');
    expect(rows).toContain('fine-tune (Re-run #2)');
    expect(c.notes).toEqual([
      '"fine-tune" names different settings in "Sweep" (#1) and "Re-run" (#2) (strategyRevision): its runs are shown per experiment, never merged.',
    ]);
    ws.db.close();
  });

  it('merges runs that differ only in the rows their train metrics were measured on', () => {
    const ws = compareWorkspace(tempDir());
    // Experiment 2's fine-tune runs were planned with the cap on train-metric rows (issue 12),
    // experiment 1's before it: a measurement setting, so the same variant in one row.
    const capped = [5, 6, 7, 8, 9].map((seed) =>
      ws.addRun({
        experimentId: 2,
        strategy: 'fine-tune',
        variant: 'fine-tune',
        trainMetricRows: 10_000,
        budget: 10,
        seed,
        value: 0.9,
      }),
    );
    const c = compare(ws, { selection: { experimentIds: [1, 2] } });
    const rows = c.summary.rows.map((r) => r.variant);
    expect(rows.filter((r) => r.startsWith('fine-tune'))).toEqual(['fine-tune']);
    expect(c.notes).toEqual([]);
    const variantOf = new Map(c.runs.map((r) => [r.id, r.variant]));
    expect(capped.map((id) => variantOf.get(id))).toEqual(Array(5).fill('fine-tune'));
    expect(c.runs.find((r) => r.id === capped[0])?.config.trainMetricRows).toBe(10_000);
    ws.db.close();
  });

  it('measures against a baseline named by its strategy when it has one row, and says when not', () => {
    const ws = compareWorkspace(tempDir());
    withMmd(ws);
    const byStrategy = compare(ws, {
      selection: { experimentIds: [1] },
      options: { baseline: 'fine-tune' },
    });
    expect(byStrategy.baseline).toBe('fine-tune');
    const ambiguous = compare(ws, {
      selection: { experimentIds: [1] },
      options: { baseline: 'mmd' },
    });
    expect(ambiguous.baseline).toBeNull();
    expect(ambiguous.gains).toEqual([]);
    expect(ambiguous.notes[0]).toMatch(/"mmd" has 2 variants here/);
    // With selection, the strategy names its selected row.
    const selected = compare(ws, {
      selection: { experimentIds: [1] },
      options: { baseline: 'mmd', selection: 'validation' },
    });
    expect(selected.baseline).toBe('mmd [selected on val_acc]');
    expect(selected.gains.length).toBeGreaterThan(0);
    ws.db.close();
  });
});
