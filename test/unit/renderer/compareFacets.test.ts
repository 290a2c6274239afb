import { describe, expect, it } from 'vitest';
import type { ResolvedRunConfig, SplitSizes } from '../../../src-shared/domain/runs';
import {
  CompareInputSchema,
  type ComparedRun,
  type Comparison,
  type RunCurve,
} from '../../../src-shared/rpc/compare';
import { CHART_THEMES } from '../../../src-renderer/lib/chartTheme';
import { facetChartHeight, facetChartOption } from '../../../src-renderer/lib/compareFacetOptions';
import {
  DEFAULT_CURVE_VIEW,
  facetCurves,
  MAX_FACETS,
  type CurveView,
} from '../../../src-renderer/lib/compareFacets';

/**
 * Small multiples of epoch curves (issue 14): a comparison of scratch (no source) and two
 * fine-tune variants from two sources into one target, two seeds each, three epochs.
 */
function config(batchSize = 10): ResolvedRunConfig {
  return {
    kind: 'transfer',
    strategy: 'fine-tune',
    strategyParams: {},
    domain: { name: 'T', dataset: 'digits', classes: [5, 6], splitSeed: 0 },
    budget: 10,
    seed: 0,
    model: { type: 'mlp', hidden: [8], activation: 'relu' },
    training: { epochs: 3, learningRate: 0.01, batchSize, optimizer: 'adam', backend: 'cpu' },
  };
}

const SPLIT: SplitSizes = { train: 25, val: 10, test: 10, validationFrom: 'split' };

function run(
  id: number,
  variant: string,
  sourceName: string | null,
  seed: number,
  splitSizes: SplitSizes | null = SPLIT,
): ComparedRun {
  return {
    id,
    experimentId: 1,
    experimentName: 'e',
    kind: 'transfer',
    strategy: variant.startsWith('fine-tune') ? 'fine-tune' : variant,
    variant,
    recordedVariant: variant,
    sourceName,
    targetName: 'T',
    budget: 10,
    seed,
    status: 'completed',
    backend: 'wasm',
    device: null,
    value: 0.8,
    config: config(),
    tags: [],
    notes: null,
    splitSizes,
    selectionValue: null,
  };
}

function curve(runId: number, values: (number | null)[], elapsedS = [10, 20, 30]): RunCurve {
  return { runId, epochs: values.map((_, i) => i + 1), values, elapsedS };
}

function comparison(runs: ComparedRun[], curves: RunCurve[]): Comparison {
  return {
    request: CompareInputSchema.parse({
      selection: { experimentIds: [1] },
      options: { band: 'std' },
    }),
    generatedAt: '2026-12-06T10:00:00Z',
    higherIsBetter: true,
    runs,
    excluded: [],
    varyingFields: [],
    baseline: 'scratch',
    selection: null,
    notes: [],
    summary: { metric: 'test_acc', columnsBy: 'target', columns: ['T'], rows: [] },
    gains: [],
    winTieLoss: [],
    learningCurves: [],
    crossovers: [],
    curves: {
      metric: 'val_acc',
      groupBy: [],
      band: 'std',
      bandLabel: '± 1 standard deviation',
      groups: [],
      runs: curves,
    },
  };
}

function fixture(): Comparison {
  return comparison(
    [
      run(1, 'scratch', null, 0),
      run(2, 'scratch', null, 1),
      run(3, 'fine-tune', 'A', 0),
      run(4, 'fine-tune', 'A', 1),
      run(5, 'fine-tune · l2sp', 'B', 0),
      run(6, 'fine-tune · l2sp', 'B', 1),
    ],
    [
      curve(1, [0.2, 0.4, 0.6]),
      curve(2, [0.4, 0.6, 0.8]),
      curve(3, [0.5, 0.7, 0.9]),
      curve(4, [0.7, 0.9, 1]),
      curve(5, [0.6, 0.8, 0.9]),
      curve(6, [0.6, 0.8, 0.9]),
    ],
  );
}

const view = (patch: Partial<CurveView> = {}): CurveView => ({ ...DEFAULT_CURVE_VIEW, ...patch });

describe('facetCurves', () => {
  it('draws a panel per source × target, scratch in each panel of its target', () => {
    const c = facetCurves(fixture(), view());
    expect(c.facets.map((f) => f.title)).toEqual(['A → T', 'B → T']);
    expect(c.facets.map((f) => f.runs)).toEqual([4, 4]);
    // One legend entry per variant, never per run.
    expect(c.groups).toEqual([
      { name: 'scratch', tone: 0, runs: 2 },
      { name: 'fine-tune', tone: 1, runs: 2 },
      { name: 'fine-tune · l2sp', tone: 2, runs: 2 },
    ]);
    expect(c.facets[0]?.lines.map((l) => l.group)).toEqual(['scratch', 'fine-tune']);
    expect(c.columns).toBe(2);
  });

  it('gives each group its mean and a band of the chosen kind, clipped to 100 %', () => {
    const c = facetCurves(fixture(), view());
    const band = c.facets[0]?.bands.find((b) => b.group === 'fine-tune');
    const [first, , last] = band?.points ?? [];
    // Epoch 1: 0.5 and 0.7 → mean 0.6, sample std √0.02 ≈ 0.1414.
    expect(first?.mean).toBeCloseTo(0.6, 12);
    expect(first?.lower).toBeCloseTo(0.6 - Math.sqrt(0.02), 12);
    expect(first?.upper).toBeCloseTo(0.6 + Math.sqrt(0.02), 12);
    // Epoch 3: 0.9 and 1 → 0.95 + 0.0707 > 1, drawn at 1.
    expect(last?.mean).toBeCloseTo(0.95, 12);
    expect(last?.upper).toBe(1);
  });

  it('facets by budget, by variant, or not at all', () => {
    expect(facetCurves(fixture(), view({ facet: 'budget' })).facets.map((f) => f.title)).toEqual([
      '10/class',
    ]);
    expect(facetCurves(fixture(), view({ facet: 'none' })).facets).toHaveLength(1);
    const byVariant = facetCurves(fixture(), view({ facet: 'variant', group: 'strategy' }));
    expect(byVariant.facets.map((f) => f.title)).toEqual([
      'fine-tune',
      'fine-tune · l2sp',
      'scratch',
    ]);
    expect(byVariant.groups.map((g) => g.name)).toEqual(['fine-tune', 'scratch']);
  });

  it('draws every run as its own thin line, coloured by its group', () => {
    const c = facetCurves(fixture(), view({ show: 'runs' }));
    const lines = c.facets[0]?.lines ?? [];
    expect(lines.map((l) => [l.runId, l.group, l.role])).toEqual([
      [1, 'scratch', 'line'],
      [2, 'scratch', 'line'],
      [3, 'fine-tune', 'line'],
      [4, 'fine-tune', 'line'],
    ]);
    expect(lines[2]?.points).toEqual([
      [1, 0.5],
      [2, 0.7],
      [3, 0.9],
    ]);
    expect(c.facets[0]?.bands).toEqual([]);
  });

  it('smooths each run and keeps the raw line, drawn faint, behind it', () => {
    const c = facetCurves(fixture(), view({ show: 'runs', smoothing: 0.5 }));
    const mine = (c.facets[0]?.lines ?? []).filter((l) => l.runId === 3);
    expect(mine.map((l) => l.role)).toEqual(['raw', 'line']);
    expect(mine[0]?.points.map(([, y]) => y)).toEqual([0.5, 0.7, 0.9]);
    // Debiased EMA with weight 0.5: 0.5, (0.125 + 0.35)/0.75, …
    expect(mine[1]?.points[0]?.[1]).toBeCloseTo(0.5, 12);
    expect(mine[1]?.points[1]?.[1]).toBeCloseTo(0.475 / 0.75, 12);
    expect(c.subtitle).toContain('smoothed (EMA 0.50)');
  });

  it('puts steps, samples or wall time on x from what each run recorded', () => {
    const steps = facetCurves(fixture(), view({ x: 'step', show: 'runs' }));
    // 25 train rows in batches of 10: 3 steps per epoch.
    expect(steps.facets[0]?.lines[0]?.points.map(([x]) => x)).toEqual([3, 6, 9]);
    expect(steps.xIntegers).toBe(true);
    const samples = facetCurves(fixture(), view({ x: 'samples', show: 'runs' }));
    expect(samples.facets[0]?.lines[0]?.points.map(([x]) => x)).toEqual([25, 50, 75]);
    const wall = facetCurves(fixture(), view({ x: 'wall', show: 'runs' }));
    expect(wall.facets[0]?.lines[0]?.points.map(([x]) => x)).toEqual([10, 20, 30]);
    expect(wall.xLabel).toBe('wall time since start (s)');
    expect(wall.xIntegers).toBe(false);
  });

  it('writes wall time in minutes once runs take more than ten of them', () => {
    const c = comparison(
      [run(1, 'scratch', null, 0)],
      [curve(1, [0.2, 0.4, 0.6], [300, 600, 900])],
    );
    const wall = facetCurves(c, view({ x: 'wall', show: 'runs' }));
    expect(wall.facets[0]?.lines[0]?.points.map(([x]) => x)).toEqual([5, 10, 15]);
    expect(wall.xLabel).toContain('(min');
  });

  it('says which runs cannot be drawn on steps because they recorded no split sizes', () => {
    const c = comparison(
      [run(1, 'scratch', null, 0), run(2, 'scratch', null, 1, null)],
      [curve(1, [0.2, 0.4, 0.6]), curve(2, [0.3, 0.5, 0.7])],
    );
    const steps = facetCurves(c, view({ x: 'step', show: 'runs' }));
    expect(steps.facets[0]?.lines.map((l) => l.runId)).toEqual([1]);
    expect(steps.notes).toEqual([
      '1 run recorded no split sizes, so step cannot be derived for it: left out of this axis (epochs show every run).',
    ]);
    expect(facetCurves(c, view({ show: 'runs' })).notes).toEqual([]);
  });

  it('leaves values ≤ 0 out of a log axis and says how many', () => {
    const c = comparison([run(1, 'scratch', null, 0)], [curve(1, [0, 0.4, 0.6])]);
    const log = facetCurves(c, view({ logY: true, show: 'runs' }));
    expect(log.facets[0]?.lines[0]?.points).toEqual([
      [1, null],
      [2, 0.4],
      [3, 0.6],
    ]);
    expect(log.notes).toEqual(['1 value ≤ 0 left out: a log axis cannot show them.']);
  });

  it(`draws at most ${MAX_FACETS} panels and says so`, () => {
    const runs = Array.from({ length: MAX_FACETS + 2 }, (_, i) =>
      run(i + 1, 'fine-tune', `S${String(i).padStart(2, '0')}`, 0),
    );
    const c = facetCurves(
      comparison(
        runs,
        runs.map((r) => curve(r.id, [0.5, 0.6, 0.7])),
      ),
      view(),
    );
    expect(c.facets).toHaveLength(MAX_FACETS);
    expect(c.columns).toBe(3);
    expect(c.notes[0]).toContain(`the first ${MAX_FACETS} are drawn`);
  });
});

describe('facetChartOption', () => {
  it('lays out one grid per panel with shared zoom, a legend by group and a capped y axis', () => {
    const config = facetCurves(fixture(), view());
    const option = facetChartOption(config, CHART_THEMES.light);
    expect(option.grid).toHaveLength(2);
    expect(option.xAxis).toHaveLength(2);
    const dataZoom = option.dataZoom as { type: string; xAxisIndex: number[] }[];
    expect(dataZoom.map((d) => [d.type, d.xAxisIndex])).toEqual([
      ['inside', [0, 1]],
      ['slider', [0, 1]],
    ]);
    const legend = option.legend as { data: { name: string }[] };
    expect(legend.data.map((d) => d.name)).toEqual(['scratch', 'fine-tune', 'fine-tune · l2sp']);
    const yAxes = option.yAxis as { type: string; max?: number; min?: number }[];
    // Shared by both panels; an accuracy axis stops at 100 %.
    expect(yAxes.every((y) => y.type === 'value' && y.max === 1)).toBe(true);
    expect(new Set(yAxes.map((y) => y.min)).size).toBe(1);
    const series = option.series as { type: string; xAxisIndex: number; name: string }[];
    expect(series.filter((s) => s.type === 'custom')).toHaveLength(4);
    expect(series.filter((s) => s.type === 'line' && s.xAxisIndex === 1)).toHaveLength(2);
    expect(facetChartHeight(config)).toBe(30 + 200 + 46);
  });

  it('draws a log y axis within the metric range', () => {
    const option = facetChartOption(
      facetCurves(fixture(), view({ logY: true })),
      CHART_THEMES.dark,
    );
    const yAxes = option.yAxis as { type: string; max?: number }[];
    expect(yAxes.every((y) => y.type === 'log' && y.max === 1)).toBe(true);
  });
});
