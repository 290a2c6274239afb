import { describe, expect, it } from 'vitest';
import { buildComparison } from '../../../src-main/analysis/comparison';
import { comparisonData } from '../../../src-main/store/compareRuns';
import { CompareInputSchema, type CompareInput, type Gain } from '../../../src-shared/rpc/compare';
import { compareWorkspace } from '../../helpers/compareWorkspace';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

const compare = (
  ws: ReturnType<typeof compareWorkspace>,
  input: CompareInput,
): ReturnType<typeof buildComparison> =>
  buildComparison(comparisonData(ws.db), CompareInputSchema.parse(input));

const gainOf = (gains: Gain[], variant: string, budget: number): Gain => {
  const g = gains.find((x) => x.variant === variant && x.budget === budget);
  if (!g) throw new Error(`no gain for ${variant} at ${budget}`);
  return g;
};

/*
 * Expected values computed independently with SciPy 1.17 (scipy.stats.ttest_rel,
 * wilcoxon(method='exact'), t.interval; Holm by hand), over compareWorkspace's SWEEP:
 *   fine-tune@10   t 12.347898  p 2.4718640e-4  V 0 p .0579 (ties: approx) Δ 0.072   CI [.0558107, .0881893]  Holm 4.943728e-4
 *   fine-tune@100  t −19        p 4.520213e-5   V 0 p .0625  Δ −0.019  CI [−.0217764, −.0162236] Holm 1.356064e-4
 *   feat-ext@10    t 0.458831   p 0.6701800     V 6 p .8125  Δ 0.004                               Holm 0.6701800
 *   feat-ext@100   t −26        p 1.3001306e-5  V 0 p .0625  Δ −0.052                              Holm 5.200522e-5
 *   scratch@10 mean 0.71 sd 0.0158114 CI [0.6903676, 0.7296324]
 */
describe('buildComparison', () => {
  it('computes gains against the baseline with paired tests, Holm and verdicts', () => {
    const ws = compareWorkspace(tempDir());
    const c = compare(ws, { selection: { experimentIds: [ws.experimentId] } });
    expect(c.gains).toHaveLength(4);
    const ft10 = gainOf(c.gains, 'fine-tune', 10);
    expect(ft10.baseline).toBe('scratch');
    expect(ft10.sourceName).toBe('S');
    expect(ft10.n).toBe(5);
    expect(ft10.meanDiff).toBeCloseTo(0.072, 10);
    expect(ft10.diff?.ci95?.[0]).toBeCloseTo(0.0558107, 6);
    expect(ft10.diff?.ci95?.[1]).toBeCloseTo(0.0881893, 6);
    expect(ft10.tTest).toMatchObject({ ok: true, df: 4 });
    if (!ft10.tTest.ok || !ft10.wilcoxon.ok) throw new Error('untested');
    expect(ft10.tTest.t).toBeCloseTo(12.347898, 5);
    expect(ft10.tTest.p).toBeCloseTo(2.471864e-4, 9);
    expect(ft10.wilcoxon.v).toBe(15); // R's V sums positive ranks (SciPy reports the smaller sum, 0).
    // Tied differences (0.06 twice): the normal approximation with continuity correction, as R
    // does; SciPy wilcoxon(method='approx', correction=True) gives p 0.0579073.
    expect(ft10.wilcoxon).toMatchObject({ method: 'normal' });
    expect(ft10.wilcoxon.p).toBeCloseTo(0.0579073, 6);
    expect(ft10.pHolm).toBeCloseTo(4.943728e-4, 9);
    expect(ft10).toMatchObject({ verdict: 'win', negativeTransfer: false });

    const ft100 = gainOf(c.gains, 'fine-tune', 100);
    expect(ft100.pHolm).toBeCloseTo(1.356064e-4, 9);
    expect(ft100).toMatchObject({ verdict: 'loss', negativeTransfer: true });
    const fe10 = gainOf(c.gains, 'feature-extraction', 10);
    expect(fe10.pHolm).toBeCloseTo(0.67018, 5);
    expect(fe10).toMatchObject({ verdict: 'tie', negativeTransfer: false });
    // Seed 5 failed and scratch never ran it: reported, not tested.
    expect(fe10.strategyOnlySeeds).toEqual([5]);
    expect(gainOf(c.gains, 'feature-extraction', 100).pHolm).toBeCloseTo(5.200522e-5, 10);

    expect(c.winTieLoss).toEqual(
      expect.arrayContaining([
        { variant: 'fine-tune', win: 1, tie: 0, loss: 1, untested: 0 },
        { variant: 'feature-extraction', win: 0, tie: 1, loss: 1, untested: 0 },
      ]),
    );
    ws.db.close();
  });

  it('judges by the Wilcoxon test when asked: five seeds cannot reach 0.05 exactly', () => {
    const ws = compareWorkspace(tempDir());
    const c = compare(ws, {
      selection: { experimentIds: [1] },
      options: { test: 'wilcoxon' },
    });
    expect(c.gains.every((g) => g.verdict === 'tie')).toBe(true);
    ws.db.close();
  });

  it('turns the verdict around for a loss metric', () => {
    const ws = compareWorkspace(tempDir());
    const c = compare(ws, {
      selection: { experimentIds: [1] },
      options: { higherIsBetter: false },
    });
    expect(gainOf(c.gains, 'fine-tune', 10).verdict).toBe('loss');
    expect(gainOf(c.gains, 'fine-tune', 100)).toMatchObject({
      verdict: 'win',
      negativeTransfer: false,
    });
    ws.db.close();
  });

  it('builds the summary table with mean ± std, n and the Student t interval', () => {
    const ws = compareWorkspace(tempDir());
    const c = compare(ws, { selection: { experimentIds: [1] } });
    expect(c.summary.columnsBy).toBe('budget');
    expect(c.summary.columns).toEqual(['10/class', '100/class']);
    expect(c.summary.rows.map((r) => r.variant)).toEqual([
      'scratch',
      'fine-tune',
      'feature-extraction',
    ]);
    const scratch10 = c.summary.rows[0]?.cells[0];
    expect(scratch10?.n).toBe(5);
    expect(scratch10?.mean).toBeCloseTo(0.71, 12);
    expect(scratch10?.std).toBeCloseTo(0.0158114, 6);
    expect(scratch10?.ci95?.[0]).toBeCloseTo(0.6903676, 6);
    // The failed seed is counted as excluded in its cell, not dropped silently.
    expect(c.summary.rows[2]?.cells[0]).toMatchObject({ n: 5, excluded: 1 });
    ws.db.close();
  });

  it('lists what it left out: the source run and the failed run', () => {
    const ws = compareWorkspace(tempDir());
    const c = compare(ws, { selection: { experimentIds: [1] } });
    expect(c.excluded.map((e) => e.runId)).toEqual([ws.sourceRunId, ws.failedRunId]);
    expect(c.excluded[1]?.reason).toMatch(/failed/);
    expect(c.runs).toHaveLength(32);
    ws.db.close();
  });

  it('draws learning curves over the budget and marks where transfer stops helping', () => {
    const ws = compareWorkspace(tempDir());
    const c = compare(ws, { selection: { experimentIds: [1] } });
    const ft = c.learningCurves.find((l) => l.variant === 'fine-tune');
    expect(ft?.points.map((p) => p.budget)).toEqual([10, 100]);
    expect(ft?.points[1]?.stat.mean).toBeCloseTo(0.885, 12);
    // d(10) = 0.072, d(100) = −0.019: crossing at 10 + 90 · 0.072 / 0.091.
    const crossing = c.crossovers.find((x) => x.variant === 'fine-tune');
    expect(crossing).toMatchObject({
      from: 10,
      to: 100,
      direction: 'gains-below',
      targetName: 'T',
    });
    expect(crossing?.at).toBeCloseTo(10 + (90 * 0.072) / 0.091, 9);
    expect(c.crossovers.find((x) => x.variant === 'feature-extraction')?.at).toBeCloseTo(
      10 + (90 * 0.004) / 0.056,
      9,
    );
    ws.db.close();
  });

  it('groups epoch curves by a config field with the chosen band, labelled', () => {
    const ws = compareWorkspace(tempDir());
    const c = compare(ws, {
      selection: { experimentIds: [1] },
      options: { groupBy: ['strategy', 'budget'], band: 'std' },
    });
    expect(c.curves.bandLabel).toBe('± 1 standard deviation');
    const g = c.curves.groups.find((x) => x.label === 'strategy=scratch, budget=10');
    expect(g?.epochs).toEqual([1, 2, 3]);
    expect(g?.n).toEqual([5, 5, 5]);
    expect(g?.mean[2]).toBeCloseTo(0.71, 12);
    expect(g?.upper[2]).toBeCloseTo(0.71 + 0.0158114, 6);
    // Epoch 1 is 0.5 for every run: no spread.
    expect(g?.lower[0]).toBeCloseTo(0.5, 12);
    expect(c.varyingFields).toEqual(expect.arrayContaining(['strategy', 'budget', 'seed']));
    ws.db.close();
  });

  it('compares the newer of two runs that share a cell and a seed, and says so', () => {
    const ws = compareWorkspace(tempDir());
    const rerun = ws.addRun({
      experimentId: 2,
      strategy: 'scratch',
      budget: 10,
      seed: 0,
      value: 0.99,
    });
    const c = compare(ws, { selection: { experimentIds: [1, 2] } });
    const older = c.excluded.find((e) => e.reason.includes(`#${rerun}`));
    expect(older).toBeDefined();
    expect(c.summary.rows[0]?.cells[0]?.mean).toBeCloseTo(
      (0.99 + 0.72 + 0.69 + 0.71 + 0.73) / 5,
      12,
    );
    ws.db.close();
  });

  it('refuses unknown experiments and runs by name', () => {
    const ws = compareWorkspace(tempDir());
    expect(() => compare(ws, { selection: { experimentIds: [9] } })).toThrow('No experiment #9.');
    expect(() => compare(ws, { selection: { runIds: [1, 999] } })).toThrow('No run #999.');
    expect(() => CompareInputSchema.parse({ selection: {} })).toThrow(/at least one/);
    ws.db.close();
  });

  it('shows a source run in the curves only when it is chosen by id', () => {
    const ws = compareWorkspace(tempDir());
    const c = compare(ws, {
      selection: { runIds: [ws.sourceRunId, 2] },
      options: { groupBy: ['run'] },
    });
    expect(c.curves.groups.map((g) => g.runIds)).toEqual([[ws.sourceRunId], [2]]);
    expect(c.curves.groups[0]?.label).toBe(`#${ws.sourceRunId} source · S · seed 0`);
    ws.db.close();
  });
});
