import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Api } from '../../src-shared/rpc/api';
import type { RpcInput } from '../../src-shared/rpc/contract';
import type { AppEvent } from '../../src-shared/rpc/events';
import type { HistoryRow, RunAnnotations, RunPage, SavedView } from '../../src-shared/rpc/history';
import type { AppError, Result } from '../../src-shared/result';
import { HistoryState, PAGE_SIZE, SEARCH_DEBOUNCE_MS, historyState } from './history.svelte';

/**
 * The History table: rows fetched a page at a time as the view scrolls; a new query starts
 * again from the top and drops the old query's late answers; bursts of core events cost one
 * refresh; a refresh keeps the rows being read in place; edits show in their row at once.
 */

/** Live refreshes wait this long (history.svelte.ts, LIVE_REFRESH_MS). */
const LIVE_MS = 700;

type Query = RpcInput<'runs.query'>;

function row(id: number, overrides: Partial<HistoryRow> = {}): HistoryRow {
  return {
    id,
    experimentId: 1,
    experimentName: id % 2 === 0 ? 'digits' : 'iris',
    kind: 'transfer',
    strategy: id % 3 === 0 ? 'fine-tune' : 'scratch',
    variant: 'scratch',
    sourceName: null,
    targetName: 'digits',
    budget: 10,
    seed: 0,
    status: 'completed',
    backend: 'wasm',
    device: null,
    createdAt: '2026-12-06T10:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    epochsDone: 5,
    epochs: 5,
    finalMetrics: null,
    error: null,
    dependsOn: null,
    inputAdapter: null,
    notes: null,
    tags: [],
    archivedAt: null,
    metricValue: null,
    columns: { metrics: [], params: [] },
    ...overrides,
  };
}

/**
 * The server's side of `runs.query`, `runs.update` and `runs.delete` over a list of runs. Each
 * query is answered from the runs as they were when it was asked; with `hold`, only when the
 * spec calls `release`.
 */
class FakeServer {
  runs: HistoryRow[];
  readonly queries: Query[] = [];
  /** Updates that fail, by run id. */
  readonly refuseUpdate = new Set<number>();
  failQueries: AppError | null = null;
  hold = false;
  readonly held: { query: Query; release: () => void }[] = [];
  updatesInFlight = 0;
  maxUpdatesInFlight = 0;
  readonly #listeners = new Set<(event: AppEvent) => void>();
  /** The workspace's saved views, as the server keeps them. */
  views: SavedView[] = [];

  constructor(count: number) {
    this.runs = Array.from({ length: count }, (_, i) => row(i + 1));
  }

  readonly api: Api = this.#methods() as Api;

  emit(event: AppEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  get listeners(): number {
    return this.#listeners.size;
  }

  /** Releases the held query at `index` (in the order they were asked). */
  release(index: number): void {
    const entry = this.held[index];
    if (!entry) throw new Error(`no held query #${index} (${this.held.length} held)`);
    entry.release();
  }

  /** The offsets asked for, in order, then forgotten. */
  takeOffsets(): number[] {
    const offsets = this.queries.map((q) => q.offset ?? 0);
    this.queries.length = 0;
    return offsets;
  }

  #page(query: Query): Result<RunPage> {
    if (this.failQueries) return { ok: false, error: this.failQueries };
    const search = query.search?.toLowerCase();
    const archived = query.archived ?? 'exclude';
    const matching = this.runs.filter(
      (r) =>
        (search === undefined || r.experimentName.includes(search)) &&
        (query.status === undefined || query.status.includes(r.status)) &&
        (archived === 'include' || (archived === 'only') === (r.archivedAt !== null)),
    );
    const by = query.sort?.by ?? 'id';
    const sign = query.sort?.dir === 'asc' ? 1 : -1;
    const key = (r: HistoryRow): string | number => {
      if (by === 'id') return r.id;
      if (by === 'strategy') return `${r.strategy}:${String(r.id).padStart(6, '0')}`;
      throw new Error(`the fake server does not sort by ${by}`);
    };
    matching.sort((a, b) => (key(a) < key(b) ? -sign : key(a) > key(b) ? sign : 0));
    const offset = query.offset ?? 0;
    const rows = matching.slice(offset, offset + (query.limit ?? 100));
    return { ok: true, value: { rows: structuredClone(rows), total: matching.length } };
  }

  #methods(): Partial<Api> {
    return {
      'runs.query': (query) => {
        this.queries.push(query);
        const answer = this.#page(query);
        if (!this.hold) return Promise.resolve(answer);
        return new Promise((resolve) => {
          this.held.push({
            query,
            release: () => {
              resolve(answer);
            },
          });
        });
      },
      'runs.update': async ({ id, notes, tags, archived }) => {
        this.updatesInFlight += 1;
        this.maxUpdatesInFlight = Math.max(this.maxUpdatesInFlight, this.updatesInFlight);
        await new Promise((resolve) => setTimeout(resolve, 10));
        this.updatesInFlight -= 1;
        const run = this.runs.find((r) => r.id === id);
        if (!run || this.refuseUpdate.has(id))
          return { ok: false, error: { code: 'not_found', message: `No run #${id}.` } };
        if (notes !== undefined) run.notes = notes === '' ? null : notes;
        if (tags !== undefined) run.tags = tags;
        if (archived !== undefined) run.archivedAt = archived ? '2026-12-07T00:00:00.000Z' : null;
        const annotations: RunAnnotations = {
          notes: run.notes,
          tags: [...run.tags],
          archivedAt: run.archivedAt,
        };
        return { ok: true, value: annotations };
      },
      'runs.delete': ({ ids }) => {
        const running = this.runs.filter((r) => ids.includes(r.id) && r.status === 'running');
        if (running.length > 0)
          return Promise.resolve({
            ok: false,
            error: { code: 'conflict', message: `Run #${running[0]?.id} is running.` },
          });
        const deleted = this.runs.filter((r) => ids.includes(r.id)).map((r) => r.id);
        this.runs = this.runs.filter((r) => !ids.includes(r.id));
        return Promise.resolve({ ok: true, value: { deleted, artifactsRemoved: deleted.length } });
      },
      'runs.views.list': () => Promise.resolve({ ok: true, value: structuredClone(this.views) }),
      'runs.views.save': (view) => {
        const saved: SavedView = structuredClone(view);
        this.views = [...this.views.filter((v) => v.name !== saved.name), saved];
        return Promise.resolve({ ok: true, value: saved });
      },
      'runs.views.delete': ({ name }) => {
        const before = this.views.length;
        this.views = this.views.filter((v) => v.name !== name);
        return Promise.resolve({ ok: true, value: { deleted: this.views.length < before } });
      },
      onEvent: (listener) => {
        this.#listeners.add(listener);
        return () => {
          this.#listeners.delete(listener);
        };
      },
    };
  }
}

/** A table shown and scrolled to the top, its first page loaded. */
async function shown(server: FakeServer): Promise<HistoryState> {
  const history = new HistoryState(server.api);
  history.apply(history.queryKey);
  history.setRange(0, 30);
  await vi.advanceTimersByTimeAsync(0);
  return history;
}

function ids(history: HistoryState, from: number, to: number): (number | undefined)[] {
  return Array.from({ length: to - from }, (_, i) => history.rowAt(from + i)?.id);
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('HistoryState', () => {
  it('fetches only the pages the view shows, each once, and none past the end', async () => {
    const server = new FakeServer(450);
    const history = await shown(server);
    expect(server.queries.map((q) => [q.offset, q.limit])).toEqual([[0, PAGE_SIZE]]);
    expect(history.total).toBe(450);
    expect(history.rowAt(0)?.id).toBe(450);
    server.takeOffsets();

    server.hold = true;
    history.setRange(150, 260);
    // Scrolled on while the page is on its way: no second request for it.
    history.setRange(180, 300);
    expect(server.takeOffsets()).toEqual([PAGE_SIZE]);
    server.release(0);
    await vi.advanceTimersByTimeAsync(0);
    server.hold = false;
    expect(ids(history, 198, 202)).toEqual([252, 251, 250, 249]);

    history.setRange(0, 1000);
    await vi.advanceTimersByTimeAsync(0);
    expect(server.takeOffsets()).toEqual([2 * PAGE_SIZE]);
    expect(history.rowAt(449)?.id).toBe(1);
    expect(history.rowAt(450)).toBeUndefined();
    expect(history.loadedRows()).toHaveLength(450);
    expect(history.indexOf(1)).toBe(449);
  });

  it('applies the search a pause after the last keystroke, as one new query', async () => {
    const server = new FakeServer(10);
    const history = await shown(server);
    const before = history.queryKey;
    const generation = history.generation;
    history.setSearchText('d');
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS - 1);
    history.setSearchText('di');
    history.setSearchText('dig');
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS - 1);
    expect(history.searchText).toBe('dig');
    expect(history.filters.search).toBe('');
    expect(history.queryKey).toBe(before);
    await vi.advanceTimersByTimeAsync(1);
    expect(history.filters.search).toBe('dig');
    expect(history.queryKey).not.toBe(before);

    server.takeOffsets();
    history.focusedIndex = 3;
    history.apply(history.queryKey);
    await vi.advanceTimersByTimeAsync(0);
    expect(server.queries.map((q) => q.search)).toEqual(['dig']);
    expect(history.generation).toBe(generation + 1);
    expect(history.focusedIndex).toBeNull();
    expect(history.total).toBe(5);
    expect(history.loadedRows().every((r) => r.experimentName === 'digits')).toBe(true);
  });

  it('clearing the filters drops a search still waiting to be applied', async () => {
    const server = new FakeServer(10);
    const history = await shown(server);
    history.filters.status = ['failed'];
    history.setSearchText('iris');
    history.clearFilters();
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS * 2);
    expect(history.searchText).toBe('');
    expect(history.filters.search).toBe('');
    expect(history.filters.status).toEqual([]);
  });

  it('drops the answers of a query the filters have left', async () => {
    const server = new FakeServer(10);
    const history = await shown(server);
    server.takeOffsets();
    server.hold = true;
    history.filters.status = ['failed'];
    history.apply(history.queryKey);
    history.filters.status = [];
    history.filters.archived = 'include';
    history.apply(history.queryKey);
    expect(server.held.map((h) => h.query.status)).toEqual([['failed'], undefined]);
    // The newer query answers first; the older one's answer (no rows) arrives after it.
    server.release(1);
    await vi.advanceTimersByTimeAsync(0);
    server.release(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(history.total).toBe(10);
    expect(history.loadedRows()).toHaveLength(10);

    // And when the older one answers first, nothing of it shows either.
    history.filters.status = ['failed'];
    history.apply(history.queryKey);
    history.filters.status = ['completed'];
    history.apply(history.queryKey);
    server.release(2);
    await vi.advanceTimersByTimeAsync(0);
    expect(history.loadedRows()).toEqual([]);
    server.release(3);
    await vi.advanceTimersByTimeAsync(0);
    expect(history.loadedRows()).toHaveLength(10);
  });

  it('shows a failed query’s error until a query works again', async () => {
    const server = new FakeServer(3);
    server.failQueries = { code: 'internal', message: 'database is locked' };
    const history = await shown(server);
    expect(history.error).toEqual({ code: 'internal', message: 'database is locked' });
    expect(history.total).toBeNull();
    server.failQueries = null;
    await history.refresh();
    expect(history.error).toBeNull();
    expect(ids(history, 0, 3)).toEqual([3, 2, 1]);
  });

  it('refreshes in place when shown again with the same query, and on bursts of events', async () => {
    const server = new FakeServer(450);
    const history = await shown(server);
    history.setRange(190, 230);
    await vi.advanceTimersByTimeAsync(0);
    server.takeOffsets();

    const generation = history.generation;
    history.apply(history.queryKey);
    expect(history.generation).toBe(generation);
    await vi.advanceTimersByTimeAsync(LIVE_MS);
    expect(server.takeOffsets().sort((a, b) => a - b)).toEqual([0, PAGE_SIZE]);

    const off = history.connect();
    for (let epoch = 1; epoch <= 20; epoch += 1)
      server.emit({
        type: 'run.epoch',
        runId: 450,
        experimentId: 1,
        epoch,
        epochs: 20,
        values: { loss: 1 / epoch },
        elapsedS: epoch,
      });
    server.emit({ type: 'experiment.created', experimentId: 2 });
    server.emit({
      type: 'run.status',
      runId: 449,
      experimentId: 1,
      status: 'completed',
      backend: 'wasm',
      error: null,
    });
    await vi.advanceTimersByTimeAsync(LIVE_MS - 1);
    expect(server.queries).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    // One request per loaded page, however many events.
    expect(server.takeOffsets().sort((a, b) => a - b)).toEqual([0, PAGE_SIZE]);

    // Events that change no row ask nothing.
    server.emit({
      type: 'run.progress',
      runId: 450,
      experimentId: 1,
      epoch: 1,
      epochs: 20,
      batch: 3,
      batches: 10,
    });
    server.emit({
      type: 'run.log',
      runId: 450,
      experimentId: 1,
      entry: { seq: 1, attempt: 1, level: 'info', message: 'x', at: '2026-12-06T10:00:00Z' },
    });
    await vi.advanceTimersByTimeAsync(LIVE_MS * 2);
    expect(server.queries).toEqual([]);

    // Leaving the view: no more refreshes, and the pending one is called off.
    server.emit({ type: 'experiment.created', experimentId: 3 });
    off();
    expect(server.listeners).toBe(0);
    await vi.advanceTimersByTimeAsync(LIVE_MS * 2);
    expect(server.queries).toEqual([]);
  });

  it('keeps the rows being read in place when new runs appear above them', async () => {
    const server = new FakeServer(100);
    const history = await shown(server);
    history.setRange(10, 40);
    history.focusedIndex = 12;
    expect(history.rowAt(10)?.id).toBe(90);
    server.runs.push(row(101), row(102), row(103));
    await history.refresh();
    expect(history.rowAt(13)?.id).toBe(90);
    expect(history.shift).toEqual({ rows: 3, seq: 1 });
    expect(history.focusedIndex).toBe(15);

    // Under another sort a run that moves changed its value: it is not followed.
    history.sort = { by: 'strategy', dir: 'asc' };
    history.apply(history.queryKey);
    await vi.advanceTimersByTimeAsync(0);
    history.setRange(10, 40);
    server.runs.push(row(104, { strategy: 'a-first' }));
    await history.refresh();
    expect(history.shift.seq).toBe(1);
  });

  it('drops pages past the end after runs went, and shows the panel’s run as refreshed', async () => {
    const server = new FakeServer(450);
    const history = await shown(server);
    history.setRange(0, 450);
    await vi.advanceTimersByTimeAsync(0);
    const panel = history.rowAt(5);
    if (!panel) throw new Error('row 5 is not loaded');
    history.openPanel(panel);
    // Another window deleted the oldest 300 runs and wrote notes on the panel's run.
    server.runs = server.runs.filter((r) => r.id > 300);
    const edited = server.runs.find((r) => r.id === panel.id);
    if (edited) edited.notes = 'from another window';
    await history.refresh();
    expect(history.total).toBe(150);
    expect(history.loadedRows()).toHaveLength(150);
    expect(history.rowAt(200)).toBeUndefined();
    expect(history.panelRow?.notes).toBe('from another window');
  });

  it('shows an edit in its row and panel at once; a refused edit changes nothing', async () => {
    const server = new FakeServer(5);
    const history = await shown(server);
    const target = history.rowAt(1);
    if (!target) throw new Error('row 1 is not loaded');
    history.openPanel(target);
    server.takeOffsets();

    const saving = history.update(target.id, { notes: 'baseline', tags: ['paper'] });
    await vi.advanceTimersByTimeAsync(10);
    const saved = await saving;
    expect(saved).toEqual({
      ok: true,
      value: { notes: 'baseline', tags: ['paper'], archivedAt: null },
    });
    expect(history.rowAt(1)).toMatchObject({ id: target.id, notes: 'baseline', tags: ['paper'] });
    expect(history.panelRow).toMatchObject({ id: target.id, notes: 'baseline' });
    // The rest of the table follows soon (the edit may move rows under a filter).
    await vi.advanceTimersByTimeAsync(LIVE_MS);
    expect(server.takeOffsets()).toEqual([0]);

    server.refuseUpdate.add(target.id);
    const refusing = history.update(target.id, { notes: 'lost' });
    await vi.advanceTimersByTimeAsync(10);
    expect(await refusing).toEqual({
      ok: false,
      error: { code: 'not_found', message: `No run #${target.id}.` },
    });
    expect(history.rowAt(1)?.notes).toBe('baseline');
    await vi.advanceTimersByTimeAsync(LIVE_MS);
    expect(server.queries).toEqual([]);
  });

  it('archives a selection a few at a time, counting what failed, then refreshes', async () => {
    const server = new FakeServer(10);
    const history = await shown(server);
    server.refuseUpdate.add(4);
    const archiving = history.setArchived([1, 2, 3, 4, 5, 6, 7], true);
    await vi.advanceTimersByTimeAsync(100);
    const outcome = await archiving;
    expect(outcome.done).toBe(6);
    expect(outcome.failed).toEqual([
      { id: 4, error: { code: 'not_found', message: 'No run #4.' } },
    ]);
    expect(server.maxUpdatesInFlight).toBe(4);
    // Archived runs are left out by default: the refreshed table has the four others.
    expect(history.total).toBe(4);
    expect(history.loadedRows().map((r) => r.id)).toEqual([10, 9, 8, 4]);
  });

  it('deletes runs: deselected, the panel closed when its run went, the table refreshed', async () => {
    const server = new FakeServer(6);
    const history = await shown(server);
    history.toggleSelected(2);
    history.toggleSelected(5);
    history.toggleSelected(3);
    const panel = history.rowAt(1);
    if (!panel) throw new Error('row 1 is not loaded');
    history.openPanel(panel);
    history.focusedIndex = 1;

    const deleted = await history.deleteRuns([5, 2]);
    expect(deleted).toEqual({ ok: true, value: { deleted: [2, 5], artifactsRemoved: 2 } });
    expect(history.selectedIds).toEqual([3]);
    expect(history.panelRow).toBeNull();
    expect(history.focusedIndex).toBeNull();
    expect(history.loadedRows().map((r) => r.id)).toEqual([6, 4, 3, 1]);

    // The server refuses (a run is running): nothing changes here.
    const running = server.runs.find((r) => r.id === 3);
    if (running) running.status = 'running';
    history.focusedIndex = 2;
    const refused = await history.deleteRuns([3]);
    expect(refused.ok).toBe(false);
    expect(history.selectedIds).toEqual([3]);
    expect(history.focusedIndex).toBe(2);
  });

  it('selects every loaded row, or clears them when they all are', async () => {
    const server = new FakeServer(4);
    const history = await shown(server);
    history.toggleSelected(3);
    history.toggleLoaded();
    expect(history.selectedIds).toEqual([1, 2, 3, 4]);
    history.toggleLoaded();
    expect(history.selectedIds).toEqual([]);
    history.toggleSelected(2);
    history.toggleSelected(2);
    expect(history.selectedIds).toEqual([]);
    history.closePanel();
    expect(history.panelRow).toBeNull();
  });

  it('keeps one state per API for the session', () => {
    const first = new FakeServer(1).api;
    const second = new FakeServer(1).api;
    expect(historyState(first)).toBe(historyState(first));
    expect(historyState(second)).not.toBe(historyState(first));
  });

  it('sends the typed query as structured filters, accuracies as fractions, with the columns', async () => {
    const server = new FakeServer(3);
    const history = await shown(server);
    history.setGridColumns({
      metrics: [{ name: 'val_loss', mode: 'min' }],
      params: ['training.learningRate'],
    });
    history.filters.status = ['completed', 'failed'];
    history.setSearchText('digits strategy:fine-tune test_acc>=90 lr<1e-3 status:completed nope:x');
    expect(history.typed.problems.map((p) => p.term)).toEqual(['nope:x']);
    history.applySearchNow();
    server.takeOffsets();
    history.apply(history.queryKey);
    await vi.advanceTimersByTimeAsync(0);
    const q = server.queries.at(-1);
    expect(q?.search).toBe('digits');
    expect(q?.textFilters).toEqual([{ field: 'strategy', values: ['fine-tune'], exact: false }]);
    expect(q?.metricFilters).toEqual([{ name: 'test_acc', mode: 'last', op: '>=', value: 0.9 }]);
    expect(q?.paramFilters).toEqual([{ path: 'training.learningRate', op: '<', value: 0.001 }]);
    // The chips allow completed or failed, the query completed: both must hold.
    expect(q?.status).toEqual(['completed']);
    expect(q?.columns).toEqual({
      metrics: [{ name: 'val_loss', mode: 'min' }],
      params: ['training.learningRate'],
    });
  });

  it('keeps columns and widths per workspace in storage, clamped, and ignores bad entries', () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => {
        store.set(k, v);
      },
    };
    const a = new HistoryState(new FakeServer(1).api);
    a.attachLayout(storage, '/ws/one');
    a.setGridColumns({ metrics: [{ name: 'test_acc', mode: 'last' }], params: ['seed'] });
    a.setWidth('source', 9999);
    a.setWidth('p:seed', 10);
    const b = new HistoryState(new FakeServer(1).api);
    b.attachLayout(storage, '/ws/one');
    expect(b.gridColumns).toEqual({
      metrics: [{ name: 'test_acc', mode: 'last' }],
      params: ['seed'],
    });
    expect(b.widths).toEqual({ source: 480, 'p:seed': 48 });
    const other = new HistoryState(new FakeServer(1).api);
    other.attachLayout(storage, '/ws/two');
    expect(other.gridColumns).toEqual({ metrics: [], params: [] });
    store.set('transferlab.runsGrid:/ws/three', '{"columns": {"params": ["$.x"]}}');
    const bad = new HistoryState(new FakeServer(1).api);
    bad.attachLayout(storage, '/ws/three');
    expect(bad.gridColumns).toEqual({ metrics: [], params: [] });
  });

  it('saves the query, columns, metric and sort as a view, applies it back and deletes it', async () => {
    const server = new FakeServer(3);
    const history = await shown(server);
    history.setSearchText('budget:10 test_acc>90');
    history.setGridColumns({ metrics: [{ name: 'val_acc', mode: 'max' }], params: [] });
    history.metric = { name: 'val_acc', mode: 'best' };
    history.sort = { by: 'metric', dir: 'asc' };
    const saved = await history.saveView('  Budget 10  ');
    expect(saved.ok).toBe(true);
    expect(server.views).toEqual([
      {
        name: 'Budget 10',
        query: 'budget:10 test_acc>90',
        columns: { metrics: [{ name: 'val_acc', mode: 'max' }], params: [] },
        metric: { name: 'val_acc', mode: 'best' },
        sort: { by: 'metric', dir: 'asc' },
      },
    ]);
    expect(history.views?.map((v) => v.name)).toEqual(['Budget 10']);

    history.clearFilters();
    history.filters.status = ['failed'];
    history.setGridColumns({ metrics: [], params: [] });
    history.sort = { by: 'id', dir: 'desc' };
    const view = history.views?.[0];
    if (view === undefined) throw new Error('no view');
    history.applyView(view);
    // Applied at once (no debounce), with the chips cleared so the view shows what it saved.
    expect(history.filters.search).toBe('budget:10 test_acc>90');
    expect(history.searchText).toBe('budget:10 test_acc>90');
    expect(history.filters.status).toEqual([]);
    expect(history.gridColumns.metrics).toEqual([{ name: 'val_acc', mode: 'max' }]);
    expect(history.sort).toEqual({ by: 'metric', dir: 'asc' });

    await history.deleteView('Budget 10');
    expect(history.views).toEqual([]);
  });
});
