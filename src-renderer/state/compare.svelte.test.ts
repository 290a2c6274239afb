import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Api } from '../../src-shared/rpc/api';
import {
  CompareInputSchema,
  type ChartSetup,
  type CompareInput,
  type CompareRequest,
  type Comparison,
} from '../../src-shared/rpc/compare';
import type { AppError, Result } from '../../src-shared/result';
import { DEFAULT_OPTIONS, makeSelection } from '../lib/compareInput';
import { CompareState } from './compare.svelte';

/**
 * The Compare view's state: every change of what is compared, or how, runs `compare.run` again
 * after a pause (a burst of clicks costs one request); a superseded answer is dropped; the last
 * comparison stays on screen while the next is computed; an empty selection clears it.
 */

const DELAY = 250;

interface Asked {
  request: CompareRequest;
  answer: (result: Result<Comparison>) => void;
}

/** What the server answers for a request: no runs, but the request it answers (as it does). */
function comparisonFor(request: CompareRequest): Comparison {
  return {
    request,
    generatedAt: '2026-12-06T10:00:00.000Z',
    higherIsBetter: true,
    runs: [],
    excluded: [],
    varyingFields: [],
    baseline: null,
    selection: null,
    notes: [],
    summary: { metric: request.options.metric, columnsBy: 'target', columns: [], rows: [] },
    gains: [],
    winTieLoss: [],
    learningCurves: [],
    crossovers: [],
    curves: {
      metric: request.options.curveMetric,
      groupBy: [],
      band: request.options.band,
      bandLabel: '',
      groups: [],
      runs: [],
    },
  };
}

function setup(id: number, name: string, input: CompareInput): ChartSetup {
  return { id, name, input: CompareInputSchema.parse(input), updatedAt: '2026-12-06T10:00:00Z' };
}

/**
 * An Api whose `compare.run` answers when the spec says so (`answer(i)`: the comparison of that
 * request), and whose setups live in a list.
 */
function fakeApi(): {
  api: Api;
  asked: Asked[];
  answer: (index: number, result?: Result<Comparison>) => void;
  setups: ChartSetup[];
  calls: string[];
} {
  const asked: Asked[] = [];
  const setups: ChartSetup[] = [];
  const calls: string[] = [];
  const methods: Partial<Api> = {
    'compare.run': (input) =>
      new Promise((answer) => {
        asked.push({ request: CompareInputSchema.parse(input), answer });
      }),
    'compare.setups.list': () => {
      calls.push('compare.setups.list');
      return Promise.resolve({ ok: true, value: [...setups] });
    },
    'compare.setups.save': ({ name, input }) => {
      calls.push(`compare.setups.save ${name}`);
      if (name === 'taken')
        return Promise.resolve({ ok: false, error: { code: 'conflict', message: 'Taken.' } });
      const saved = setup(setups.length + 1, name, input);
      setups.push(saved);
      return Promise.resolve({ ok: true, value: saved });
    },
    'compare.setups.delete': ({ id }) => {
      calls.push(`compare.setups.delete ${id}`);
      const index = setups.findIndex((s) => s.id === id);
      if (index >= 0) setups.splice(index, 1);
      return Promise.resolve({ ok: true, value: { deleted: index >= 0 } });
    },
  };
  const answer = (index: number, result?: Result<Comparison>): void => {
    const entry = asked[index];
    if (!entry) throw new Error(`no request #${index} was made (${asked.length} were)`);
    entry.answer(result ?? { ok: true, value: comparisonFor(entry.request) });
  };
  return { api: methods as Api, asked, answer, setups, calls };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('CompareState', () => {
  it('compares a new selection at once, and a burst of option changes in one request', async () => {
    const { api, asked, answer } = fakeApi();
    const compare = new CompareState(api, DELAY);
    expect(compare.empty).toBe(true);
    compare.select(makeSelection([2, 1, 2], []));
    expect(compare.empty).toBe(false);
    expect(compare.pending).toBe(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(asked.map((a) => a.request.selection)).toEqual([{ experimentIds: [1, 2], runIds: [] }]);
    answer(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(compare.pending).toBe(false);
    expect(compare.comparison?.request.selection.experimentIds).toEqual([1, 2]);

    compare.setOptions({ metric: 'test_loss' });
    await vi.advanceTimersByTimeAsync(DELAY - 10);
    compare.setOptions({ band: 'std' });
    compare.setOptions({ alpha: 0.01 });
    await vi.advanceTimersByTimeAsync(DELAY - 1);
    expect(asked).toHaveLength(1);
    expect(compare.pending).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(asked).toHaveLength(2);
    expect(asked[1]?.request.options).toMatchObject({
      metric: 'test_loss',
      band: 'std',
      alpha: 0.01,
    });
    // The last comparison stays on screen while the next one is computed.
    expect(compare.comparison?.request.options.metric).toBe('test_acc');
    answer(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(compare.comparison?.request.options.metric).toBe('test_loss');
    expect(compare.pending).toBe(false);
  });

  it('asks nothing when the same selection is chosen again', async () => {
    const { api, asked } = fakeApi();
    const compare = new CompareState(api, DELAY);
    compare.select(makeSelection([1], [7, 8]));
    await vi.advanceTimersByTimeAsync(DELAY);
    compare.select(makeSelection([1, 1], [8, 7]));
    await vi.advanceTimersByTimeAsync(DELAY);
    expect(asked).toHaveLength(1);
  });

  it('drops the answer to a superseded request, whenever it arrives', async () => {
    const { api, asked, answer } = fakeApi();
    const compare = new CompareState(api, DELAY);
    compare.select(makeSelection([1], []));
    await vi.advanceTimersByTimeAsync(0);
    compare.select(makeSelection([1, 2], []));
    await vi.advanceTimersByTimeAsync(0);
    expect(asked).toHaveLength(2);
    // The later request answers first; the earlier one's answer, arriving after, is stale.
    answer(1);
    await vi.advanceTimersByTimeAsync(0);
    answer(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(compare.comparison?.request.selection.experimentIds).toEqual([1, 2]);
    expect(compare.pending).toBe(false);

    // Still stale when it arrives before the later one: the view waits for that one.
    compare.select(makeSelection([3], []));
    await vi.advanceTimersByTimeAsync(0);
    compare.select(makeSelection([4], []));
    await vi.advanceTimersByTimeAsync(0);
    answer(2);
    await vi.advanceTimersByTimeAsync(0);
    expect(compare.comparison?.request.selection.experimentIds).toEqual([1, 2]);
    expect(compare.pending).toBe(true);
    answer(3);
    await vi.advanceTimersByTimeAsync(0);
    expect(compare.comparison?.request.selection.experimentIds).toEqual([4]);
  });

  it('keeps the last comparison beside an error, and clears the error on success', async () => {
    const { api, answer } = fakeApi();
    const compare = new CompareState(api, DELAY);
    compare.select(makeSelection([], [5]));
    await vi.advanceTimersByTimeAsync(0);
    answer(0);
    compare.refresh();
    await vi.advanceTimersByTimeAsync(DELAY);
    const refused: AppError = {
      code: 'invalid_input',
      message: 'Unknown metric.',
      issues: [{ path: 'options.metric', message: 'not a final metric' }],
    };
    answer(1, { ok: false, error: refused });
    await vi.advanceTimersByTimeAsync(0);
    expect(compare.error).toEqual(refused);
    expect(compare.comparison?.request.selection.runIds).toEqual([5]);
    expect(compare.pending).toBe(false);

    compare.refresh();
    await vi.advanceTimersByTimeAsync(DELAY);
    answer(2);
    await vi.advanceTimersByTimeAsync(0);
    expect(compare.error).toBeNull();
  });

  it('clears everything for an empty selection, and drops what was on its way', async () => {
    const { api, asked, answer } = fakeApi();
    const compare = new CompareState(api, DELAY);
    compare.select(makeSelection([1], []));
    await vi.advanceTimersByTimeAsync(0);
    answer(0);
    await vi.advanceTimersByTimeAsync(0);
    compare.refresh();
    await vi.advanceTimersByTimeAsync(DELAY);
    answer(1, { ok: false, error: { code: 'internal', message: 'down' } });
    await vi.advanceTimersByTimeAsync(0);
    compare.refresh();
    await vi.advanceTimersByTimeAsync(DELAY);
    expect(asked).toHaveLength(3);
    compare.setOptions({ band: 'se' });

    compare.select(makeSelection([], []));
    expect(compare.comparison).toBeNull();
    expect(compare.error).toBeNull();
    expect(compare.pending).toBe(false);
    answer(2);
    await vi.advanceTimersByTimeAsync(DELAY * 2);
    expect(compare.comparison).toBeNull();
    expect(asked).toHaveLength(3);
    // Options and refreshes ask nothing while nothing is selected.
    compare.setOptions({ band: 'std' });
    compare.refresh();
    await compare.run();
    await vi.advanceTimersByTimeAsync(DELAY * 2);
    expect(asked).toHaveLength(3);
    expect(compare.pending).toBe(false);
  });

  it('opens a saved setup with its options and selection, or another selection', async () => {
    const { api, asked } = fakeApi();
    const compare = new CompareState(api, DELAY);
    const saved = setup(7, 'paper', {
      selection: { experimentIds: [3], runIds: [] },
      options: { metric: 'test_loss', groupBy: ['strategy'] },
    });
    compare.applySetup(saved);
    expect(compare.appliedSetup).toBe(7);
    expect(compare.options).toEqual({
      ...DEFAULT_OPTIONS,
      metric: 'test_loss',
      groupBy: ['strategy'],
    });
    expect(compare.selection).toEqual({ experimentIds: [3], runIds: [] });
    await vi.advanceTimersByTimeAsync(0);

    // The URL's selection wins over the setup's, an empty one does not.
    compare.applySetup(saved, makeSelection([], [9]));
    expect(compare.selection).toEqual({ experimentIds: [], runIds: [9] });
    await vi.advanceTimersByTimeAsync(0);
    compare.applySetup(saved, makeSelection([], []));
    expect(compare.selection).toEqual({ experimentIds: [3], runIds: [] });
    await vi.advanceTimersByTimeAsync(0);
    expect(asked.map((a) => a.request.selection)).toEqual([
      { experimentIds: [3], runIds: [] },
      { experimentIds: [], runIds: [9] },
      { experimentIds: [3], runIds: [] },
    ]);
    expect(asked.every((a) => a.request.options.metric === 'test_loss')).toBe(true);
  });

  it('saves and removes setups, listing them again after each change that worked', async () => {
    const { api, calls } = fakeApi();
    const compare = new CompareState(api, DELAY);
    compare.select(makeSelection([1], []));
    const saved = await compare.save('first look');
    expect(saved.ok).toBe(true);
    expect(compare.appliedSetup).toBe(1);
    expect(compare.setups.value?.map((s) => s.name)).toEqual(['first look']);
    expect(compare.setups.value?.[0]?.input.selection).toEqual({ experimentIds: [1], runIds: [] });

    const refused = await compare.save('taken');
    expect(refused).toEqual({ ok: false, error: { code: 'conflict', message: 'Taken.' } });
    expect(compare.appliedSetup).toBe(1);

    await compare.save('second look');
    expect(compare.appliedSetup).toBe(2);
    // Removing another setup leaves the applied one; removing it forgets it.
    await compare.remove(1);
    expect(compare.appliedSetup).toBe(2);
    await compare.remove(2);
    expect(compare.appliedSetup).toBeNull();
    expect(compare.setups.value).toEqual([]);
    expect(calls).toEqual([
      'compare.setups.save first look',
      'compare.setups.list',
      'compare.setups.save taken',
      'compare.setups.save second look',
      'compare.setups.list',
      'compare.setups.delete 1',
      'compare.setups.list',
      'compare.setups.delete 2',
      'compare.setups.list',
    ]);
    compare.dispose();
  });
});
