import { describe, expect, it } from 'vitest';
import {
  DEFAULT_METRIC,
  DEFAULT_SORT,
  activeFilterCount,
  ariaSort,
  buildQuery,
  choicesFrom,
  dayEnd,
  dayStart,
  emptyFilters,
  filterProblems,
  nextSort,
  parseTags,
  toggleValue,
  type HistoryFilters,
} from '../../../src-renderer/lib/historyQuery';
import {
  formatBudgetCell,
  formatCreatedCell,
  formatMetricCell,
  HISTORY_COLUMNS,
  metricLabel,
  pinOffset,
  tableMinWidth,
  visibleColumns,
} from '../../../src-renderer/lib/historyColumns';
import { RunQueryInputSchema } from '../../../src-shared/rpc/history';

const page = { offset: 0, limit: 200 };
const filters = (patch: Partial<HistoryFilters>): HistoryFilters => ({
  ...emptyFilters(),
  ...patch,
});

describe('History query building', () => {
  it('sends only the default archive rule, the sort and the metric for empty filters', () => {
    const q = buildQuery(emptyFilters(), DEFAULT_METRIC, DEFAULT_SORT, { offset: 400, limit: 200 });
    expect(q).toEqual({
      archived: 'exclude',
      sort: { by: 'id', dir: 'desc' },
      offset: 400,
      limit: 200,
      metric: { name: 'test_acc', mode: 'last' },
    });
    expect(RunQueryInputSchema.safeParse(q).success).toBe(true);
    expect(activeFilterCount(emptyFilters())).toBe(0);
  });

  it('translates every filter into what the server accepts', () => {
    const f = filters({
      search: '  fine tune  ',
      strategy: ['fine-tune', 'l2-sp'],
      variant: ['fine-tune · l2sp λ=0.01'],
      sourceName: ['mnist-0-4'],
      targetName: ['usps'],
      experimentId: [3],
      status: ['completed', 'diverged'],
      tags: 'paper, seed-1 ,, paper',
      createdFrom: '2025-02-01',
      createdTo: '2025-02-28',
      metricMin: '0.5',
      metricMax: ' 0.9 ',
      archived: 'only',
    });
    const q = buildQuery(f, { name: 'val_loss', mode: 'min' }, { by: 'metric', dir: 'asc' }, page);
    expect(q).toMatchObject({
      search: 'fine tune',
      strategy: ['fine-tune', 'l2-sp'],
      variant: ['fine-tune · l2sp λ=0.01'],
      sourceName: ['mnist-0-4'],
      targetName: ['usps'],
      experimentId: [3],
      status: ['completed', 'diverged'],
      tags: ['paper', 'seed-1'],
      archived: 'only',
      metric: { name: 'val_loss', mode: 'min', min: 0.5, max: 0.9 },
      sort: { by: 'metric', dir: 'asc' },
    });
    // Dates are whole local days: from midnight to the last millisecond of the end day.
    expect(new Date(q.createdFrom ?? '').getTime()).toBe(new Date(2025, 1, 1).getTime());
    expect(new Date(q.createdTo ?? '').getTime()).toBe(new Date(2025, 2, 1).getTime() - 1);
    expect(RunQueryInputSchema.parse(q).createdTo).toBe(q.createdTo);
    expect(activeFilterCount(f)).toBe(13);
    // The variant filter alone narrows the table, and is sent alone.
    const byVariant = filters({ variant: ['mmd · λ=0.1, lr=1e-4'] });
    expect(activeFilterCount(byVariant)).toBe(1);
    const vq = buildQuery(byVariant, DEFAULT_METRIC, DEFAULT_SORT, page);
    expect(vq.variant).toEqual(['mmd · λ=0.1, lr=1e-4']);
    expect(vq.strategy).toBeUndefined();
    expect(RunQueryInputSchema.safeParse(vq).success).toBe(true);
  });

  it('leaves out fields with a problem instead of sending a request the server refuses', () => {
    const f = filters({ metricMin: 'abc', metricMax: '20', tags: `ok, ${'x'.repeat(65)}` });
    expect(filterProblems(f)).toEqual({
      metricMin: 'Not a number.',
      tags: 'A tag has at most 64 characters.',
    });
    const q = buildQuery(f, DEFAULT_METRIC, DEFAULT_SORT, page);
    // test_acc is typed in percent: 20 % is 0.2.
    expect(q.metric).toEqual({ name: 'test_acc', mode: 'last', max: 0.2 });
    expect(q.tags).toBeUndefined();
    expect(RunQueryInputSchema.safeParse(q).success).toBe(true);

    expect(filterProblems(filters({ metricMin: '0.9', metricMax: '0.1' })).metricMax).toBe(
      'Below the minimum.',
    );
    expect(filterProblems(filters({ createdFrom: '2025-03-02', createdTo: '2025-03-01' }))).toEqual(
      { created: 'The start is after the end.' },
    );
  });

  it('parses tags and calendar days strictly', () => {
    expect(parseTags(' a, b ,a,, c d ')).toEqual(['a', 'b', 'c d']);
    expect(parseTags('')).toEqual([]);
    expect(dayStart('2025-02-30')).toBeUndefined();
    expect(dayStart('2025-2-3')).toBeUndefined();
    expect(dayEnd('')).toBeUndefined();
    // The last day of a year rolls into the next one correctly.
    expect(new Date(dayEnd('2024-12-31') ?? '').getFullYear()).toBe(2024);
  });
});

describe('History sorting', () => {
  it('flips the direction on the same column and starts text columns A→Z', () => {
    expect(nextSort({ by: 'id', dir: 'desc' }, 'id')).toEqual({ by: 'id', dir: 'asc' });
    expect(nextSort({ by: 'id', dir: 'asc' }, 'id')).toEqual({ by: 'id', dir: 'desc' });
    expect(nextSort({ by: 'id', dir: 'desc' }, 'strategy')).toEqual({ by: 'strategy', dir: 'asc' });
    expect(nextSort({ by: 'strategy', dir: 'asc' }, 'metric')).toEqual({
      by: 'metric',
      dir: 'desc',
    });
    expect(ariaSort({ by: 'metric', dir: 'desc' }, 'metric')).toBe('descending');
    expect(ariaSort({ by: 'metric', dir: 'asc' }, 'metric')).toBe('ascending');
    expect(ariaSort({ by: 'metric', dir: 'asc' }, 'id')).toBe('none');
    // Variant labels read A→Z first, like the strategy.
    expect(nextSort({ by: 'id', dir: 'desc' }, 'variant')).toEqual({ by: 'variant', dir: 'asc' });
    expect(RunQueryInputSchema.safeParse({ sort: { by: 'variant', dir: 'asc' } }).success).toBe(
      true,
    );
  });
});

describe('History helpers', () => {
  it('offers the strategies, variants, sources and targets the runs have, sorted, once each', () => {
    expect(
      choicesFrom([
        { strategy: 'scratch', variant: 'scratch', sourceName: null, targetName: 'usps' },
        { strategy: 'fine-tune', variant: 'fine-tune', sourceName: 'mnist', targetName: 'usps' },
        {
          strategy: 'fine-tune',
          variant: 'fine-tune · l2sp λ=0.01',
          sourceName: 'emnist',
          targetName: 'mnist',
        },
        // A run from before variants existed has no label: no choice for it.
        { strategy: 'fine-tune', variant: '', sourceName: 'mnist', targetName: 'usps' },
      ]),
    ).toEqual({
      strategies: ['fine-tune', 'scratch'],
      variants: ['fine-tune', 'fine-tune · l2sp λ=0.01', 'scratch'],
      sources: ['emnist', 'mnist'],
      targets: ['mnist', 'usps'],
    });
    expect(toggleValue(['a', 'b'], 'a')).toEqual(['b']);
    expect(toggleValue(['a', 'b'], 'c')).toEqual(['a', 'b', 'c']);
    expect(metricLabel({ name: 'test_acc', mode: 'last' })).toBe('test_acc %');
    expect(metricLabel({ name: 'test_acc', mode: 'best' })).toBe('test_acc best %');
    expect(metricLabel({ name: 'val_loss', mode: 'min' })).toBe('val_loss min');
    expect(tableMinWidth()).toBeGreaterThan(900);
  });
});

describe('one unit for accuracies (issue 14)', () => {
  it('shows an accuracy in percent and takes its range in percent, a loss as it is', () => {
    expect(formatMetricCell(0.8212, 'test_acc')).toBe('82.12');
    expect(formatMetricCell(0.8212, 'val_loss')).toBe('0.8212');
    expect(formatMetricCell(null, 'test_acc')).toBe('—');
    const acc = buildQuery(
      filters({ metricMin: '90', metricMax: '99.5' }),
      { name: 'test_acc', mode: 'last' },
      { by: 'metric', dir: 'desc' },
      page,
    );
    expect(acc.metric).toEqual({ name: 'test_acc', mode: 'last', min: 0.9, max: 0.995 });
    const loss = buildQuery(
      filters({ metricMin: '0.2' }),
      { name: 'val_loss', mode: 'min' },
      { by: 'metric', dir: 'asc' },
      page,
    );
    expect(loss.metric).toEqual({ name: 'val_loss', mode: 'min', min: 0.2 });
  });
});

describe('History columns', () => {
  const keys = (columns: readonly { key: string }[]): string[] => columns.map((c) => c.key);

  it('shows a variant column wide enough for typical labels, where the strategy stood', () => {
    const variant = HISTORY_COLUMNS.find((c) => c.key === 'variant');
    expect(variant).toMatchObject({ label: 'Variant', sort: 'variant', secondary: false });
    expect(variant?.width).toBeGreaterThanOrEqual(170);
    expect(keys(HISTORY_COLUMNS).slice(0, 5)).toEqual([
      'select',
      'id',
      'experiment',
      'variant',
      'source',
    ]);
  });

  it('gives up secondary columns, times first, before the table scrolls sideways', () => {
    expect(visibleColumns(false)).toBe(HISTORY_COLUMNS);
    expect(visibleColumns(false, tableMinWidth())).toBe(HISTORY_COLUMNS);
    // A 1280 px window leaves the table about 1000 px: the seed, epochs, device and creation
    // time go, the budget stays.
    const at1280 = visibleColumns(false, 1000);
    expect(keys(HISTORY_COLUMNS).filter((k) => !keys(at1280).includes(k))).toEqual([
      'seed',
      'epochs',
      'device',
      'created',
    ]);
    expect(keys(at1280)).toContain('budget');
    expect(tableMinWidth(at1280)).toBeLessThanOrEqual(1000);
    expect(keys(at1280)).toContain('variant');
    // Never more than the secondary ones; the primary ones scroll when even they do not fit.
    const narrow = visibleColumns(false, 300);
    expect(keys(narrow)).toEqual(keys(visibleColumns(true)));
    expect(keys(visibleColumns(true))).not.toContain('budget');
  });

  it('beside the panel gives up the experiment, then the status, which it shows (issue 14)', () => {
    expect(keys(visibleColumns(true))).toContain('experiment');
    // 1440 px with the notes panel leaves about 900 px: the experiment goes.
    expect(keys(visibleColumns(true, 900))).toEqual([
      'select',
      'id',
      'variant',
      'source',
      'target',
      'status',
      'metric',
      'tags',
    ]);
    // 1280 px leaves about 744 px: the status goes too, the metric stays.
    const at1280 = visibleColumns(true, 744);
    expect(keys(at1280)).toEqual(['select', 'id', 'variant', 'source', 'target', 'metric', 'tags']);
    expect(tableMinWidth(at1280)).toBeLessThanOrEqual(744);
  });

  it('pins the select box and the run id left and the tags right (issue 14)', () => {
    const all = visibleColumns(false);
    expect(pinOffset(all, 'select')).toBe(0);
    expect(pinOffset(all, 'id')).toBe(32);
    expect(pinOffset(all, 'tags')).toBe(0);
    expect(pinOffset(all, 'variant')).toBeNull();
    expect(all.filter((c) => c.pin !== null).map((c) => c.key)).toEqual(['select', 'id', 'tags']);
  });

  it('sizes the run column for six-digit ids and source and target for common names', () => {
    const width = (key: string): number => HISTORY_COLUMNS.find((c) => c.key === key)?.width ?? 0;
    // "#123456" is 61 px in DejaVu Sans 13 px (the widest of the fonts the app lists), plus
    // 2 × 8 px of padding; "fashion-mnist 0–4" is 116 px.
    expect(width('id')).toBeGreaterThanOrEqual(61 + 16);
    expect(width('source')).toBeGreaterThanOrEqual(116 + 16);
    expect(width('target')).toBe(width('source'));
  });
});

describe('History cells', () => {
  it('writes creation times densely, with the year only when it is not this one', () => {
    const now = new Date(2026, 10, 23, 12, 0);
    expect(formatCreatedCell(new Date(2026, 10, 23, 7, 8).toISOString(), now)).toBe('11-23 07:08');
    expect(formatCreatedCell(new Date(2025, 0, 2, 7, 8).toISOString(), now)).toBe('2025-01-02');
    expect(formatBudgetCell('all')).toBe('all');
    expect(formatBudgetCell(10)).toBe('10');
  });
});
