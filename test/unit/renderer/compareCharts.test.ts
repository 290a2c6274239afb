import { describe, expect, it } from 'vitest';
import type { ResolvedRunConfig } from '../../../src-shared/domain/runs';
import {
  CompareInputSchema,
  type CellStat,
  type ComparedRun,
  type Comparison,
  type CurveGroup,
  type Gain,
  type LearningCurve,
  type SummaryTable,
} from '../../../src-shared/rpc/compare';

type SummaryRow = SummaryTable['rows'][number];
import { CHART_THEMES } from '../../../src-renderer/lib/chartTheme';
import {
  bandChartOption,
  bandSegments,
  HEATMAP_COLORS,
  heatmapOption,
} from '../../../src-renderer/lib/compareChartOptions';
import {
  baselineOf,
  cellBand,
  confusionHeatmap,
  curvesChart,
  gainBudgets,
  gainHeatmap,
  gainVariants,
  hasOracle,
  learningChart,
  learningPairs,
  pairKey,
  variantTones,
} from '../../../src-renderer/lib/compareCharts';
import { defaultSelectBy } from '../../../src-shared/rpc/compare';
import {
  baselineChoices,
  baselineValue,
  compareRequest,
  compareRoute,
  DEFAULT_OPTIONS,
  groupChoices,
  isEmptySelection,
  isOracle,
  makeSelection,
  optionsOf,
  rowRules,
  ruleText,
  sameSelection,
  SELECTION_CHOICES,
  selectByOf,
  selectByPatch,
  toggleGroup,
  variantsOf,
} from '../../../src-renderer/lib/compareInput';
import { href } from '../../../src-renderer/lib/routes';

/** A small, hand-checked comparison: scratch vs fine-tune on one pair, budgets 5/10/50. */
function stat(mean: number, std: number | null, n = 3): CellStat {
  const se = std === null ? null : std / Math.sqrt(n);
  return {
    n,
    mean,
    std,
    se,
    ci95: se === null ? null : [mean - 4.303 * se, mean + 4.303 * se],
    excluded: 0,
  };
}

function config(strategy: string, budget: number, seed: number, lr = 0.003): ResolvedRunConfig {
  return {
    kind: 'transfer',
    strategy: strategy as ResolvedRunConfig['strategy'],
    strategyParams: strategy === 'fine-tune' ? { freezeLayers: 0 } : {},
    domain: { name: 'digits 5–9', dataset: 'digits', classes: [5, 6, 7, 8, 9] },
    budget,
    seed,
    model: { type: 'mlp', hidden: [64, 32], activation: 'relu' },
    training: {
      epochs: 3,
      learningRate: lr,
      batchSize: 16,
      optimizer: 'adam',
      backend: 'auto',
    },
  } as ResolvedRunConfig;
}

function run(
  id: number,
  strategy: string,
  budget: number,
  seed: number,
  variant: string = strategy,
): ComparedRun {
  return {
    id,
    experimentId: 1,
    experimentName: 'digits',
    kind: 'transfer',
    strategy,
    variant,
    recordedVariant: variant,
    sourceName: strategy === 'scratch' ? null : 'digits 0–4',
    targetName: 'digits 5–9',
    budget,
    seed,
    status: 'completed',
    backend: 'wasm',
    device: null,
    value: 0.8,
    config: config(strategy, budget, seed, seed === 1 ? 0.01 : 0.003),
    tags: [],
    notes: null,
    splitSizes: { train: budget * 5, val: 500, test: 1000, validationFrom: 'split' },
    selectionValue: null,
  };
}

function gain(budget: number, meanDiff: number, verdict: Gain['verdict'], negative = false): Gain {
  return {
    sourceName: 'digits 0–4',
    targetName: 'digits 5–9',
    budget,
    variant: 'fine-tune',
    strategy: 'fine-tune',
    rule: 'as-run',
    baseline: 'scratch',
    baselineRule: 'as-run',
    n: 3,
    strategyMean: 0.8 + meanDiff,
    baselineMean: 0.8,
    meanDiff,
    diff: stat(meanDiff, 0.01),
    tTest: { ok: true, t: 3, df: 2, p: 0.02 },
    wilcoxon: { ok: true, v: 6, p: 0.25, method: 'exact' },
    pHolm: 0.04,
    verdict,
    negativeTransfer: negative,
    strategyOnlySeeds: [],
    baselineOnlySeeds: [],
    incompleteSeeds: [],
  };
}

function fixture(): Comparison {
  const curves: LearningCurve[] = [
    {
      sourceName: null,
      targetName: 'digits 5–9',
      variant: 'scratch',
      points: [
        { budget: 50, stat: stat(0.9, 0.01) },
        { budget: 5, stat: stat(0.5, 0.05) },
        { budget: 10, stat: stat(0.7, 0.03) },
      ],
    },
    {
      sourceName: 'digits 0–4',
      targetName: 'digits 5–9',
      variant: 'fine-tune',
      points: [
        { budget: 5, stat: stat(0.7, 0.02) },
        { budget: 10, stat: stat(0.8, null, 1) },
        { budget: 50, stat: stat(0.85, 0.02) },
      ],
    },
  ];
  return {
    request: {
      selection: { experimentIds: [1], runIds: [] },
      options: { ...DEFAULT_OPTIONS, band: 'std' },
    },
    generatedAt: '2026-01-01T00:00:00.000Z',
    higherIsBetter: true,
    runs: [run(11, 'scratch', 5, 0), run(12, 'fine-tune', 5, 0), run(13, 'fine-tune', 5, 1)],
    excluded: [],
    varyingFields: ['strategy', 'training.learningRate'],
    baseline: 'scratch',
    selection: null,
    notes: [],
    summary: {
      metric: 'test_acc',
      columnsBy: 'budget',
      columns: ['5/class', '10/class', '50/class'],
      rows: [
        {
          variant: 'scratch',
          strategy: 'scratch',
          rule: 'as-run',
          cells: [stat(0.5, 0.05), stat(0.7, 0.03), stat(0.9, 0.01)],
        },
        {
          variant: 'fine-tune',
          strategy: 'fine-tune',
          rule: 'as-run',
          cells: [stat(0.7, 0.02), null, stat(0.85, 0.02)],
        },
      ],
    },
    gains: [gain(5, 0.2, 'win'), gain(10, 0.1, 'tie'), gain(50, -0.05, 'loss', true)],
    winTieLoss: [{ variant: 'fine-tune', win: 1, tie: 1, loss: 1, untested: 0 }],
    learningCurves: curves,
    crossovers: [
      {
        sourceName: 'digits 0–4',
        targetName: 'digits 5–9',
        variant: 'fine-tune',
        from: 10,
        to: 50,
        at: 30,
        direction: 'gains-below',
      },
    ],
    curves: {
      metric: 'val_acc',
      groupBy: ['variant'],
      band: 'std',
      bandLabel: '± 1 standard deviation',
      groups: [
        {
          key: { variant: 'fine-tune' },
          label: 'fine-tune',
          runIds: [12, 13],
          epochs: [1, 2, 3],
          mean: [0.5, 0.6, 0.7],
          lower: [0.45, null, 0.65],
          upper: [0.55, null, 0.75],
          n: [2, 1, 2],
        },
        {
          key: { variant: 'scratch' },
          label: 'scratch',
          runIds: [11],
          epochs: [1, 2, 3],
          mean: [0.3, 0.4, 0.5],
          lower: [null, null, null],
          upper: [null, null, null],
          n: [1, 1, 1],
        },
      ],
      runs: [],
    },
  };
}

// ---------------------------------------------------------------------------------------------

const LIGHT = CHART_THEMES.light;

interface Polygon {
  type: 'polygon';
  shape: { points: number[][] };
}
interface Group {
  type: 'group';
  children: { shape: { x1: number; y1: number; x2: number; y2: number } }[];
}

/** Calls a custom series' renderItem for every item, with a coord() that scales by 10 and 100. */
function renderAll(series: Record<string, unknown>): (Polygon | Group | null)[] {
  const render = series.renderItem as (
    params: { dataIndex: number },
    api: { coord: (p: number[]) => number[] },
  ) => Polygon | Group | null;
  const data = series.data as unknown[];
  return data.map((_, i) =>
    render({ dataIndex: i }, { coord: ([x = 0, y = 0]) => [x * 10, y * 100] }),
  );
}

function seriesOf(option: Record<string, unknown>): Record<string, unknown>[] {
  return option.series as Record<string, unknown>[];
}

describe('compare charts: epoch curves', () => {
  it('draws one mean line and one band per group, names n, and keeps strategy colours', () => {
    const config = curvesChart(fixture());
    expect(config.type).toBe('band-lines');
    expect(config.subtitle).toContain('± 1 standard deviation');
    expect(config.series.map((s) => s.name)).toEqual(['fine-tune (n=2)', 'scratch (n=1)']);
    // Baseline first in the colour order: scratch 0, fine-tune 1, whatever the group order.
    expect(config.series.map((s) => s.tone)).toEqual([1, 0]);
    // Groups that split a strategy (two targets, say) are coloured by position instead.
    const split = fixture();
    const [a, b] = split.curves.groups;
    if (a === undefined || b === undefined) throw new Error('fixture');
    b.key = { variant: 'fine-tune', target: 'other' };
    expect(curvesChart(split).series.map((s) => s.tone)).toEqual([0, 1]);
    expect(config.series[0]?.points[1]).toEqual({
      x: 2,
      mean: 0.6,
      lower: null,
      upper: null,
      n: 1,
    });
    // The config is plain data: it survives JSON (saved setups, exports).
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
  });

  it('shades the band between lower and upper, split where the band is missing', () => {
    const option = bandChartOption(curvesChart(fixture()), LIGHT);
    const series = seriesOf(option);
    expect(series.map((s) => s.type)).toEqual(['custom', 'line', 'custom', 'line']);
    const band = series[0];
    if (band === undefined) throw new Error('no band');
    expect(band.name).toBe('fine-tune (n=2)');
    expect(band.encode).toEqual({ x: 0, y: [1, 2] });
    const drawn = renderAll(band);
    // Epochs 1 and 3 have a band, epoch 2 does not: two lone points, drawn as error bars.
    expect(drawn[1]).toBeNull();
    const bar = drawn[0] as Group;
    expect(bar.type).toBe('group');
    const stem = bar.children[0]?.shape;
    expect([stem?.x1, stem?.x2]).toEqual([10, 10]);
    expect(stem?.y1).toBeCloseTo(45);
    expect(stem?.y2).toBeCloseTo(55);
    // The scratch group has no band at all.
    const scratchBand = series[2];
    if (scratchBand === undefined) throw new Error('no band');
    expect(renderAll(scratchBand).every((d) => d === null)).toBe(true);
    const line = series[1];
    expect(line?.data).toEqual([
      [1, 0.5, 0.45, 0.55, 2],
      [2, 0.6, null, null, 1],
      [3, 0.7, 0.65, 0.75, 2],
    ]);
  });

  it('finds contiguous band segments', () => {
    const p = (lower: number | null) => ({ x: 0, mean: 0, lower, upper: lower, n: 1 });
    expect(bandSegments([p(1), p(1), p(null), p(1), p(null), p(null), p(1), p(1)])).toEqual([
      [0, 2],
      [3, 4],
      [6, 8],
    ]);
    expect(bandSegments([])).toEqual([]);
  });

  it('writes a tooltip with mean, band and n, escaping names', () => {
    const config = curvesChart(fixture());
    const first = config.series[0];
    if (first === undefined) throw new Error('no series');
    first.name = '<b>x</b>';
    const tooltip = (
      bandChartOption(config, LIGHT).tooltip as { formatter: (p: unknown) => string }
    ).formatter;
    const html = tooltip([
      { seriesType: 'line', seriesName: '<b>x</b>', marker: '', value: [3, 0.7, 0.65, 0.75, 2] },
    ]);
    expect(html).toContain('epoch 3');
    expect(html).toContain('70.0 %');
    expect(html).toContain('[65.0, 75.0]');
    expect(html).toContain('n=2');
    expect(html).not.toContain('<b>x</b>');
  });
});

describe('compare charts: learning curves over the budget', () => {
  it('sorts budgets, uses the chosen band, and marks crossovers', () => {
    const config = learningChart(fixture(), null);
    expect(config.xScale).toBe('log');
    expect(config.subtitle).toContain('± 1 standard deviation');
    const scratch = config.series.find((s) => s.name === 'scratch');
    expect(scratch?.points.map((p) => p.x)).toEqual([5, 10, 50]);
    const first = scratch?.points[0];
    expect(first?.lower).toBeCloseTo(0.45);
    expect(first?.upper).toBeCloseTo(0.55);
    // A single seed has no spread: no band at that budget.
    const fineTune = config.series.find((s) => s.name === 'fine-tune');
    expect(fineTune?.points[1]?.lower).toBeNull();
    expect(config.marks).toEqual([{ series: 'fine-tune', x: 30, label: 'crossover ≈ 30' }]);

    const option = bandChartOption(config, LIGHT);
    expect((option.xAxis as { type: string }).type).toBe('log');
    // Scratch has a band at every budget: one polygon, lower edge out and upper edge back.
    const scratchBand = seriesOf(option).find((s) => s.type === 'custom' && s.name === 'scratch');
    if (scratchBand === undefined) throw new Error('no band');
    const [polygon, ...rest] = renderAll(scratchBand);
    expect(rest).toEqual([null, null]);
    expect(polygon?.type).toBe('polygon');
    const xs = (polygon as Polygon).shape.points.map((pt) => pt[0]);
    expect(xs).toEqual([50, 100, 500, 500, 100, 50]);
    const marked = seriesOf(option).find((s) => s.type === 'line' && s.name === 'fine-tune');
    expect((marked?.markLine as { data: unknown[] }).data).toEqual([
      { name: 'crossover ≈ 30', xAxis: 30 },
    ]);
  });

  it('switches the band to the 95% CI when asked', () => {
    const c = fixture();
    c.request.options.band = 'ci95';
    const config = learningChart(c, null);
    expect(config.subtitle).toContain('95% confidence interval');
    const p = config.series.find((s) => s.name === 'scratch')?.points[0];
    expect(p?.lower).toBeCloseTo(0.5 - 4.303 * (0.05 / Math.sqrt(3)));
  });

  it('keeps an accuracy band within 0–100 % (issue 14)', () => {
    const c = fixture();
    c.request.options.band = 'ci95';
    const scratch = c.learningCurves[0]?.points.find((p) => p.budget === 50);
    if (!scratch) throw new Error('fixture changed');
    // n = 3, mean 0.97, std 0.05: the t interval reaches 0.97 + 4.303 · 0.0289 ≈ 1.094.
    scratch.stat = stat(0.97, 0.05);
    const config = learningChart(c, null);
    const p = config.series.find((s) => s.name === 'scratch')?.points.find((q) => q.x === 50);
    expect(p?.upper).toBe(1);
    expect(p?.lower).toBeCloseTo(0.97 - 4.303 * (0.05 / Math.sqrt(3)));
  });

  it('filters to one (source, target) pair and names lines by pair when several are shown', () => {
    const c = fixture();
    const other = c.learningCurves[1];
    if (other === undefined) throw new Error('fixture');
    c.learningCurves.push({ ...other, targetName: 'other' });
    const pairs = learningPairs(c);
    // Scratch has no source: it joins every pair on its target, and is no pair of its own.
    expect(pairs.map((p) => p.label)).toEqual(['digits 0–4 → digits 5–9', 'digits 0–4 → other']);
    const all = learningChart(c, null);
    expect(all.series.map((s) => s.name)).toEqual([
      'scratch · digits 5–9',
      'fine-tune · digits 0–4 → digits 5–9',
      'fine-tune · digits 0–4 → other',
    ]);
    expect(all.marks.map((m) => m.series)).toEqual(['fine-tune · digits 0–4 → digits 5–9']);
    const first = learningChart(c, pairKey('digits 0–4', 'digits 5–9'));
    expect(first.series.map((s) => s.name)).toEqual(['scratch', 'fine-tune']);
    expect(first.marks).toHaveLength(1);
    const second = learningChart(c, pairKey('digits 0–4', 'other'));
    expect(second.series.map((s) => s.name)).toEqual(['fine-tune']);
    expect(second.marks).toEqual([]);
  });

  it('cellBand gives mean ± std, ± SE, or the CI', () => {
    const s = stat(1, 0.3, 9);
    expect(cellBand(s, 'std')).toEqual([0.7, 1.3]);
    expect(cellBand(s, 'se')?.map((v) => Number(v.toFixed(6)))).toEqual([0.9, 1.1]);
    expect(cellBand(s, 'ci95')).toEqual(s.ci95);
    expect(cellBand(stat(1, null, 1), 'std')).toBeNull();
  });
});

describe('compare charts: heatmaps', () => {
  it('maps mean gains source × target with a scale centred at 0 and verdict marks', () => {
    const c = fixture();
    c.gains.push({ ...c.gains[0], targetName: 'other', meanDiff: 0.02 } as Gain);
    const config = gainHeatmap(c, 'fine-tune', '5');
    expect(config.yLabels).toEqual(['digits 0–4']);
    expect(config.xLabels).toEqual(['digits 5–9', 'other']);
    expect(config.cells.map((cell) => [cell.x, cell.y, cell.value])).toEqual([
      [0, 0, 0.2],
      [1, 0, 0.02],
    ]);
    expect(config.cells[0]?.text).toBe('+20.0 pp\n▲ win');
    // The scale spans the largest |gain| of the comparison, on both sides of 0.
    expect(config.scale).toMatchObject({ kind: 'diverging', max: 0.2, reversed: false });
    const option = heatmapOption(config, LIGHT, HEATMAP_COLORS.light);
    expect(option.visualMap).toMatchObject({ min: -0.2, max: 0.2 });
    expect((option.visualMap as { inRange: { color: string[] } }).inRange.color).toEqual(
      HEATMAP_COLORS.light.diverging,
    );
  });

  it('flags negative transfer in the cell, and swaps colours when lower is better', () => {
    const c = fixture();
    c.higherIsBetter = false;
    const config = gainHeatmap(c, 'fine-tune', '50');
    expect(config.cells[0]?.text).toBe('−5.0 pp\n⚠ negative');
    expect(config.cells[0]?.detail.join(' ')).toContain('negative transfer');
    const option = heatmapOption(config, LIGHT, HEATMAP_COLORS.light);
    expect((option.visualMap as { inRange: { color: string[] } }).inRange.color).toEqual(
      [...HEATMAP_COLORS.light.diverging].reverse(),
    );
  });

  it('lists the budgets of the gains in order', () => {
    const c = fixture();
    c.gains.push({ ...c.gains[0], budget: 'all' } as Gain);
    expect(gainBudgets(c.gains).map((b) => b.label)).toEqual([
      '5/class',
      '10/class',
      '50/class',
      'all',
    ]);
  });

  it('draws a confusion matrix with rows = true class, counts or row shares', () => {
    const cm = {
      runId: 7,
      labels: ['5', '6'],
      matrix: [
        [8, 2],
        [0, 0],
      ],
    };
    const counts = confusionHeatmap(cm, false);
    expect(counts.cells.map((c) => c.text)).toEqual(['8', '2', '0', '0']);
    expect(counts.scale.max).toBe(8);
    const shares = confusionHeatmap(cm, true);
    expect(shares.cells.map((c) => c.value)).toEqual([0.8, 0.2, null, null]);
    expect(shares.cells.map((c) => c.text)).toEqual(['80%', '20%', '', '']);
    expect(shares.cells[1]?.detail).toEqual([
      'true 5, predicted 6',
      '2 of 10 test samples (20.0 %)',
    ]);
    const option = heatmapOption(shares, LIGHT, HEATMAP_COLORS.light);
    const data = (option.series as { data: { value: unknown[]; label: { color: string } }[] }[])[0]
      ?.data;
    expect(data?.[0]).toEqual({
      value: [0, 0, 0.8],
      label: { color: HEATMAP_COLORS.light.strongText },
    });
    expect(data?.[1]?.label.color).toBe(LIGHT.text);
    expect(data?.[2]?.value).toEqual([0, 1, '-']);
  });
});

describe('compare input helpers', () => {
  it('offers the run columns, then the varying config fields, as group-by choices', () => {
    expect(groupChoices(['strategy', 'training.learningRate'], ['model.type'])).toEqual([
      'variant',
      'strategy',
      'source',
      'target',
      'experiment',
      'run',
      'training.learningRate',
      'model.type',
    ]);
  });

  it('keeps at most four group-by fields; none is automatic grouping', () => {
    expect(toggleGroup(['strategy'], 'strategy')).toEqual([]);
    expect(toggleGroup([], 'seed')).toEqual(['seed']);
    expect(toggleGroup(['strategy'], 'seed')).toEqual(['strategy', 'seed']);
    expect(toggleGroup(['a', 'b', 'c', 'd'], 'e')).toEqual(['a', 'b', 'c', 'd']);
    expect(toggleGroup(['a', 'b'], 'a')).toEqual(['b']);
  });

  it('lists the rows baseline first and keeps an absent baseline choosable', () => {
    const c = fixture();
    expect(variantsOf(c)).toEqual(['scratch', 'fine-tune']);
    expect(baselineChoices(c, 'scratch').map((b) => b.value)).toEqual(['scratch', 'fine-tune']);
    expect(baselineChoices(c, 'source-only').map((b) => [b.value, b.label])).toEqual([
      ['source-only', 'source-only (no single row)'],
      ['scratch', 'scratch'],
      ['fine-tune', 'fine-tune'],
    ]);
    expect(baselineChoices(null, 'scratch')).toEqual([
      { value: 'scratch', label: 'scratch', rule: 'as-run' },
    ]);
  });

  it('normalises selections and builds the route and the request', () => {
    const s = makeSelection([3, 1, 3], [9, 2]);
    expect(s).toEqual({ experimentIds: [1, 3], runIds: [2, 9] });
    expect(sameSelection(s, makeSelection([1, 3], [9, 2]))).toBe(true);
    expect(isEmptySelection(makeSelection([], []))).toBe(true);
    expect(href(compareRoute(s, 4))).toBe('#/compare?experiments=1,3&runs=2,9&setup=4');
    const request = compareRequest(s, DEFAULT_OPTIONS);
    expect(request.options.groupBy).not.toBe(DEFAULT_OPTIONS.groupBy);
    expect(CompareInputSchema.parse(request)).toEqual(request);
  });

  it('restores a saved setup over the defaults', () => {
    const request = CompareInputSchema.parse({
      selection: { experimentIds: [1] },
      options: { band: 'se', groupBy: ['strategy', 'training.learningRate'] },
    });
    expect(optionsOf(request)).toEqual({
      ...DEFAULT_OPTIONS,
      band: 'se',
      groupBy: ['strategy', 'training.learningRate'],
    });
  });
});

// ------------------------------------------------------------------ variants (issue 10)

const L2SP = 'fine-tune · l2sp λ=0.01';

/** The fixture with fine-tune run twice, plain and with L2-SP: two variants of one strategy. */
function variantFixture(): Comparison {
  const c = fixture();
  c.runs.push(run(14, 'fine-tune', 5, 0, L2SP), run(15, 'fine-tune', 5, 1, L2SP));
  const [scratch, plain] = c.summary.rows;
  if (scratch === undefined || plain === undefined) throw new Error('fixture');
  c.summary.rows.push({ ...plain, variant: L2SP, cells: [stat(0.75, 0.02), null, null] });
  const first = c.gains[0];
  if (first === undefined) throw new Error('fixture');
  c.gains.push({ ...first, variant: L2SP, meanDiff: 0.25 });
  c.winTieLoss.push({ variant: L2SP, win: 1, tie: 0, loss: 0, untested: 0 });
  const curve = c.learningCurves[1];
  if (curve === undefined) throw new Error('fixture');
  c.learningCurves.push({ ...curve, variant: L2SP });
  return c;
}

/** The same runs with the fine-tune variants selected into one row (on validation or test). */
function selectedFixture(mode: 'validation' | 'oracle'): Comparison {
  const c = variantFixture();
  const by = mode === 'validation' ? 'val_acc' : 'test_acc';
  const row =
    mode === 'validation'
      ? `fine-tune [selected on ${by}]`
      : `fine-tune [oracle: selected on ${by}]`;
  const rule = mode === 'validation' ? 'selected-validation' : 'selected-oracle';
  c.request.options = { ...c.request.options, selection: mode };
  const [scratch, plain] = c.summary.rows;
  if (scratch === undefined || plain === undefined) throw new Error('fixture');
  c.summary.rows = [scratch, { ...plain, variant: row, rule }];
  c.gains = c.gains
    .filter((g) => g.variant === 'fine-tune')
    .map((g) => ({ ...g, variant: row, rule }));
  c.winTieLoss = [{ variant: row, win: 1, tie: 1, loss: 1, untested: 0 }];
  c.learningCurves = c.learningCurves
    .filter((l) => l.variant !== L2SP)
    .map((l) => (l.variant === 'fine-tune' ? { ...l, variant: row } : l));
  c.crossovers = c.crossovers.map((x) => ({ ...x, variant: row }));
  c.selection = {
    mode,
    rule,
    selectBy: by,
    higherIsBetter: true,
    description: 'chosen',
    groups: [
      {
        strategy: 'fine-tune',
        row,
        variants: ['fine-tune', L2SP],
        picks: [
          { variant: 'fine-tune', count: 1 },
          { variant: L2SP, count: 1 },
        ],
        choices: 2,
        validationLabels: { from: 'split', min: 500, max: 500 },
        trainLabels: { from: 'split', min: 25, max: 25 },
      },
    ],
  };
  return c;
}

describe('compare: variants of one strategy', () => {
  it('keeps two variants of one strategy apart: rows, colours, curves and heatmap', () => {
    const c = variantFixture();
    expect(variantsOf(c)).toEqual(['scratch', 'fine-tune', L2SP]);
    const tones = variantTones(c);
    expect(new Set(tones.values()).size).toBe(3);
    expect(learningChart(c, null).series.map((s) => s.name)).toEqual([
      'scratch',
      'fine-tune',
      L2SP,
    ]);
    expect(gainVariants(c)).toEqual(['fine-tune', L2SP]);
    const heat = gainHeatmap(c, L2SP, '5');
    expect(heat.title).toBe(`Gain of ${L2SP} over scratch, test_acc, 5/class`);
    expect(heat.cells.map((cell) => cell.value)).toEqual([0.25]);
    expect(heat.subtitle).not.toContain('ORACLE');
    // Epoch curves grouped by variant are coloured by variant, as every other chart.
    c.curves.groups.push({ ...(c.curves.groups[0] as CurveGroup), key: { variant: L2SP } });
    expect(curvesChart(c).series.map((s) => s.tone)).toEqual([
      tones.get('fine-tune'),
      tones.get('scratch'),
      tones.get(L2SP),
    ]);
    expect(baselineChoices(c, 'scratch').map((b) => b.label)).toEqual([
      'scratch',
      'fine-tune',
      L2SP,
    ]);
  });

  it('keeps each variant its colour when selection folds the variants into one row', () => {
    const none = variantTones(variantFixture());
    const selected = selectedFixture('validation');
    const tones = variantTones(selected);
    for (const v of ['scratch', 'fine-tune', L2SP]) expect(tones.get(v)).toBe(none.get(v));
    expect(tones.has('fine-tune [selected on val_acc]')).toBe(true);
    expect(rowRules(selected).get('fine-tune [selected on val_acc]')).toBe('selected-validation');
    expect(hasOracle(selected)).toBe(false);
  });

  it('offers a selected row as the baseline by its strategy, and shows what is in effect', () => {
    const c = selectedFixture('validation');
    expect(baselineChoices(c, 'scratch')).toEqual([
      { value: 'scratch', label: 'scratch', rule: 'as-run' },
      { value: 'fine-tune', label: 'fine-tune [selected on val_acc]', rule: 'selected-validation' },
    ]);
    // A strategy id with one row resolves to that row (the server's `baseline`).
    const one = variantFixture();
    one.summary.rows[0] = { ...(one.summary.rows[0] as SummaryRow), variant: 'scratch · lr=0.01' };
    one.baseline = 'scratch · lr=0.01';
    expect(baselineValue(one, 'scratch')).toBe('scratch · lr=0.01');
    expect(baselineChoices(one, 'scratch').map((b) => b.value)).toEqual([
      'scratch · lr=0.01',
      'fine-tune',
      L2SP,
    ]);
    // An answer to an older request does not speak for the current option.
    expect(baselineValue(one, 'coral')).toBe('coral');
    expect(baselineChoices(one, 'coral')[0]?.label).toBe('coral (no single row)');
  });

  it('measures against the resolved baseline row in the charts', () => {
    const c = selectedFixture('validation');
    c.request.options.baseline = 'fine-tune';
    c.baseline = 'fine-tune [selected on val_acc]';
    expect(baselineOf(c)).toBe('fine-tune [selected on val_acc]');
    // Scratch is now a row measured against the selected fine-tune row, which has a source of
    // its own: each gets a panel.
    expect(learningPairs(c).map((p) => p.label)).toEqual([
      '(no source) → digits 5–9',
      'digits 0–4 → digits 5–9',
    ]);
    expect(learningChart(c, null).subtitle).toContain(
      'crossovers with fine-tune [selected on val_acc]',
    );
  });

  it('marks the oracle in the heatmap and says the comparison holds oracle numbers', () => {
    const c = selectedFixture('oracle');
    const row = 'fine-tune [oracle: selected on test_acc]';
    expect(hasOracle(c)).toBe(true);
    expect(isOracle(rowRules(c).get(row))).toBe(true);
    expect(gainHeatmap(c, row, '5').subtitle).toMatch(/^ORACLE \(variants chosen on test data/);
    expect(learningChart(c, null).series.map((s) => s.name)).toContain(row);
  });

  it('selects on the validation twin of the metric unless told otherwise', () => {
    expect(defaultSelectBy('test_acc')).toBe('val_acc');
    expect(defaultSelectBy('test_loss')).toBe('val_loss');
    expect(selectByOf({ metric: 'test_acc', selectBy: undefined })).toBe('val_acc');
    expect(selectByOf({ metric: 'test_acc', selectBy: 'val_loss' })).toBe('val_loss');
    // Choosing the default sends none, so it follows a change of metric.
    expect(selectByPatch('test_acc', 'val_acc')).toBeUndefined();
    expect(selectByPatch('test_acc', 'val_loss')).toBe('val_loss');
    expect(SELECTION_CHOICES.map((c) => c.label)).toEqual([
      'Every variant',
      'Selected on validation',
      'Oracle (selected on test)',
    ]);
    expect(ruleText('selected-oracle')).toBe('oracle: selected on test');
    expect(DEFAULT_OPTIONS.selection).toBe('none');
    const request = compareRequest(makeSelection([1], []), {
      ...DEFAULT_OPTIONS,
      selection: 'oracle',
    });
    expect(CompareInputSchema.parse(request).options.selection).toBe('oracle');
  });
});
