import { describe, expect, it } from 'vitest';
import type { ResolvedRunConfig } from '../../../src-shared/domain/runs';
import {
  CompareInputSchema,
  type ComparedRun,
  type Comparison,
} from '../../../src-shared/rpc/compare';
import { CHART_THEMES } from '../../../src-renderer/lib/chartTheme';
import { parallelChart, parallelOption } from '../../../src-renderer/lib/compareParallel';
import { chartFileName, dataUrlBlob } from '../../../src-renderer/lib/chartExport';

function run(
  id: number,
  strategy: 'scratch' | 'fine-tune',
  params: Record<string, number>,
  learningRate: number,
  value: number | null,
  kind: ComparedRun['kind'] = 'transfer',
): ComparedRun {
  const config: ResolvedRunConfig = {
    kind,
    strategy,
    strategyParams: params,
    domain: { name: 'T', dataset: 'digits', classes: [5, 6], splitSeed: 0 },
    budget: 10,
    seed: id,
    model: { type: 'mlp', hidden: [8], activation: 'relu' },
    training: { epochs: 3, learningRate, batchSize: 16, optimizer: 'adam', backend: 'cpu' },
  };
  return {
    id,
    experimentId: 1,
    experimentName: 'e',
    kind,
    strategy,
    variant: strategy,
    recordedVariant: strategy,
    sourceName: null,
    targetName: 'T',
    budget: 10,
    seed: id,
    status: 'completed',
    backend: 'wasm',
    device: null,
    value,
    config,
    tags: [],
    notes: null,
    splitSizes: null,
    selectionValue: null,
  };
}

function comparison(runs: ComparedRun[]): Comparison {
  return {
    request: CompareInputSchema.parse({ selection: { experimentIds: [1] } }),
    generatedAt: '2026-12-06T10:00:00Z',
    higherIsBetter: true,
    runs,
    excluded: [],
    varyingFields: [],
    baseline: 'scratch',
    selection: null,
    notes: [],
    summary: { metric: 'test_acc', columnsBy: 'target', columns: [], rows: [] },
    gains: [],
    winTieLoss: [],
    learningCurves: [],
    crossovers: [],
    curves: { metric: 'val_acc', groupBy: [], band: 'ci95', bandLabel: '', groups: [], runs: [] },
  };
}

describe('parallelChart', () => {
  const c = parallelChart(
    comparison([
      run(1, 'scratch', {}, 0.01, 0.7),
      run(2, 'fine-tune', { l2sp: 0.1, freezeLayers: 0 }, 0.01, 0.85),
      run(3, 'fine-tune', { l2sp: 0.01, freezeLayers: 0 }, 0.001, 0.9),
      run(4, 'fine-tune', { l2sp: 0.01 }, 0.001, null), // no final metric: not a line
      run(5, 'scratch', {}, 0.01, 0.99, 'source'), // a source run: not compared
    ]),
  );

  it('has an axis per parameter that differs, then the metric, one line per compared run', () => {
    expect(c.axes.map((a) => [a.field, a.name, a.kind, a.categories])).toEqual([
      ['strategy', 'strategy', 'category', ['fine-tune', 'scratch']],
      // λ only fine-tune has, and it varies there: "—" marks the runs without it. freezeLayers
      // is the same for every fine-tune run: no axis.
      ['strategyParams.l2sp', 'l2sp', 'category', ['—', '0.01', '0.1']],
      ['training.learningRate', 'learningRate', 'category', ['0.001', '0.01']],
    ]);
    expect(c.rows.map((r) => r.runId)).toEqual([1, 2, 3]);
    expect(c.rows[0]?.values).toEqual(['scratch', '—', '0.01']);
  });

  it('writes an accuracy in percent and spans the colour scale over it', () => {
    expect(c.rows.map((r) => r.metric)).toEqual([70, 85, 90]);
    expect([c.min, c.max]).toEqual([70, 90]);
    const option = parallelOption(c, CHART_THEMES.light, 'light');
    const axes = option.parallelAxis as { dim: number; name: string; min?: number }[];
    expect(axes.map((a) => a.dim)).toEqual([0, 1, 2, 3]);
    expect(axes[3]).toMatchObject({ name: 'test_acc (%)', min: 70, max: 90 });
    expect(option.visualMap).toMatchObject({ dimension: 3, min: 70, max: 90 });
    const series = option.series as { data: unknown[][] }[];
    expect(series[0]?.data[1]).toEqual(['fine-tune', '0.1', '0.01', 85]);
  });

  it('has no axis when every run shares every parameter', () => {
    const same = parallelChart(
      comparison([run(1, 'scratch', {}, 0.01, 0.7), run(2, 'scratch', {}, 0.01, 0.8)]),
    );
    expect(same.axes).toEqual([]);
    expect(same.rows).toHaveLength(2);
  });
});

describe('chart export', () => {
  it('names files after the chart, without paths or odd characters', () => {
    expect(chartFileName('val_acc per epoch', 'png')).toBe('val_acc_per_epoch.png');
    expect(chartFileName('Parameters → test_acc', 'svg')).toBe('Parameters_test_acc.svg');
    expect(chartFileName('../../etc/passwd', 'svg')).toBe('passwd.svg');
    expect(chartFileName('  ', 'png')).toBe('chart.png');
  });

  it('turns a base64 data URL into bytes of its type', async () => {
    const blob = dataUrlBlob('data:image/png;base64,iVBORw0KGgo=');
    expect(blob.type).toBe('image/png');
    expect([...new Uint8Array(await blob.arrayBuffer())]).toEqual([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a,
    ]);
    expect(() => dataUrlBlob('data:image/png,raw')).toThrow('not a base64 data URL');
  });
});
