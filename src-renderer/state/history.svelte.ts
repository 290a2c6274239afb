import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import type { Api } from '../../src-shared/rpc/api';
import type { AppEvent } from '../../src-shared/rpc/events';
import type { HistoryRow, RunAnnotations, SavedView } from '../../src-shared/rpc/history';
import { parseRunQuery, type ParsedQuery } from '../../src-shared/query/runQueryText';
import type { AppError, Result } from '../../src-shared/result';
import { Coalescer } from '../lib/coalesce';
import {
  DEFAULT_METRIC,
  DEFAULT_SORT,
  buildQuery,
  emptyFilters,
  type HistoryFilters,
  type HistorySort,
  type MetricChoice,
} from '../lib/historyQuery';
import { anchorShift, pagesOf } from '../lib/historyWindow';
import {
  clampWidth,
  emptyGridColumns,
  loadGrid,
  saveGrid,
  type GridColumns,
  type LayoutStorage,
} from '../lib/historyGrid';

/** Rows per `runs.query` request (the server allows up to 500). */
export const PAGE_SIZE = 200;
/** Search keystrokes are applied this long after the last one. */
export const SEARCH_DEBOUNCE_MS = 250;
/** Live refreshes of the loaded pages happen at most this often while runs train. */
const LIVE_REFRESH_MS = 700;
/** runs.update calls in flight at once when archiving a selection. */
const UPDATE_CONCURRENCY = 4;

export interface BatchOutcome {
  done: number;
  failed: { id: number; error: AppError }[];
}

/**
 * The History table (issue 5): filters, metric and sort as the user set them; the rows, fetched
 * from `runs.query` one page at a time as the view scrolls, never all at once; the selection,
 * the focused row and the edits. One instance per API lives for the session, so leaving for a
 * run's page and coming back finds the table as it was.
 */
export class HistoryState {
  filters: HistoryFilters = $state(emptyFilters());
  /** What the search box shows; copied to `filters.search` after a pause in typing. */
  searchText = $state('');
  metric: MetricChoice = $state({ ...DEFAULT_METRIC });
  sort: HistorySort = $state({ ...DEFAULT_SORT });
  /** The search box read as a structured query, as typed (its problems show under the box). */
  readonly typed: ParsedQuery = $derived(parseRunQuery(this.searchText));
  /** Extra metric and parameter columns (issue 14), and the widths columns were dragged to. */
  gridColumns: GridColumns = $state(emptyGridColumns());
  widths: Record<string, number> = $state({});
  /** The workspace's saved views; null until listed. */
  views = $state.raw<SavedView[] | null>(null);

  /** Rows matching the filters; null until the first page arrives. */
  total = $state<number | null>(null);
  error = $state.raw<AppError | null>(null);
  /** Bumped whenever the query changes: the view goes back to the top. */
  generation = $state(0);
  /** Rows the view should scroll by to keep its first row in place after a live refresh. */
  shift = $state.raw<{ rows: number; seq: number }>({ rows: 0, seq: 0 });

  readonly selected = new SvelteSet<number>();
  /** Index of the row the keyboard is on. */
  focusedIndex = $state<number | null>(null);
  /** The run whose notes and tags the side panel edits. */
  panelRow = $state.raw<HistoryRow | null>(null);
  /** Where the table was scrolled, restored when the view comes back. */
  scrollTop = 0;

  readonly #api: Api;
  readonly #pages = new SvelteMap<number, readonly HistoryRow[]>();
  /** Pages being fetched for the current query (replaced, not cleared, by a new query). */
  #inflight: number[] = [];
  #gen = 0;
  #range = { start: 0, end: 0 };
  #searchTimer: ReturnType<typeof setTimeout> | null = null;
  #appliedKey: string | null = null;
  readonly #live: Coalescer;
  #storage: LayoutStorage | null = null;
  #workspace: string | null = null;

  constructor(api: Api) {
    this.#api = api;
    this.#live = new Coalescer(() => this.refresh(), LIVE_REFRESH_MS);
  }

  rowAt(index: number): HistoryRow | undefined {
    return this.#pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
  }

  /** The loaded rows, in table order (for "select the loaded rows"). */
  loadedRows(): HistoryRow[] {
    return [...this.#pages.entries()].sort(([a], [b]) => a - b).flatMap(([, rows]) => rows);
  }

  indexOf(id: number): number | undefined {
    for (const [page, rows] of this.#pages) {
      const i = rows.findIndex((r) => r.id === id);
      if (i >= 0) return page * PAGE_SIZE + i;
    }
    return undefined;
  }

  /** The request that `reload` and page loads send, without paging: the view watches it. */
  get queryKey(): string {
    return JSON.stringify(
      buildQuery(this.filters, this.metric, this.sort, { offset: 0, limit: 1 }, this.gridColumns),
    );
  }

  /**
   * Called by the view with the current `queryKey`: a changed query starts again from the top;
   * the same one (the view shown again) refreshes what is loaded, since events were missed.
   */
  apply(key: string): void {
    if (key === this.#appliedKey) {
      this.requestRefresh();
      return;
    }
    this.#appliedKey = key;
    this.reload();
  }

  setSearchText(text: string): void {
    this.searchText = text;
    if (this.#searchTimer !== null) clearTimeout(this.#searchTimer);
    this.#searchTimer = setTimeout(() => {
      this.#searchTimer = null;
      this.filters.search = this.searchText;
    }, SEARCH_DEBOUNCE_MS);
  }

  /** Applies what is typed now, without waiting for the pause (Enter in the box). */
  applySearchNow(): void {
    if (this.#searchTimer !== null) clearTimeout(this.#searchTimer);
    this.#searchTimer = null;
    this.filters.search = this.searchText;
  }

  // ---- columns (kept per workspace in this window's storage) ----

  /** Restores the layout kept for this workspace; later changes are kept there. */
  attachLayout(storage: LayoutStorage | null, workspace: string): void {
    if (this.#workspace === workspace) return;
    this.#storage = storage;
    this.#workspace = workspace;
    const grid = loadGrid(storage, workspace);
    this.gridColumns = grid.columns;
    this.widths = grid.widths;
  }

  setGridColumns(columns: GridColumns): void {
    this.gridColumns = columns;
    this.#saveLayout();
  }

  setWidth(key: string, px: number): void {
    this.widths = { ...this.widths, [key]: clampWidth(px) };
    this.#saveLayout();
  }

  #saveLayout(): void {
    if (this.#workspace === null) return;
    saveGrid(this.#storage, this.#workspace, {
      columns: $state.snapshot(this.gridColumns),
      widths: { ...this.widths },
    });
  }

  // ---- saved views (kept in the workspace) ----

  async loadViews(): Promise<Result<SavedView[]>> {
    const result = await this.#api['runs.views.list']({});
    if (result.ok) this.views = result.value;
    return result;
  }

  /** The current query, columns, metric and sort, under a name (replacing one of that name). */
  async saveView(name: string): Promise<Result<SavedView>> {
    const view: SavedView = {
      name: name.trim(),
      query: this.searchText.trim(),
      columns: $state.snapshot(this.gridColumns),
      metric: { name: this.metric.name, mode: this.metric.mode },
      sort: { by: this.sort.by, dir: this.sort.dir },
    };
    const result = await this.#api['runs.views.save'](view);
    if (result.ok) await this.loadViews();
    return result;
  }

  /** Shows a view: its query replaces the search and the filter chips, its columns and sort apply. */
  applyView(view: SavedView): void {
    this.clearFilters();
    this.searchText = view.query;
    this.filters.search = view.query;
    this.setGridColumns({
      metrics: view.columns.metrics.map((m) => ({ ...m })),
      params: [...view.columns.params],
    });
    this.metric = { ...view.metric };
    this.sort = { ...view.sort };
  }

  async deleteView(name: string): Promise<Result<{ deleted: boolean }>> {
    const result = await this.#api['runs.views.delete']({ name });
    if (result.ok) await this.loadViews();
    return result;
  }

  clearFilters(): void {
    if (this.#searchTimer !== null) clearTimeout(this.#searchTimer);
    this.#searchTimer = null;
    this.searchText = '';
    this.filters = emptyFilters();
  }

  /** The rows the view shows (with its overscan): fetches the pages that hold them. */
  setRange(start: number, end: number): void {
    this.#range = { start, end };
    for (const page of pagesOf(start, Math.max(end, start + 1), PAGE_SIZE)) {
      if (this.total !== null && page > 0 && page * PAGE_SIZE >= this.total) continue;
      if (!this.#pages.has(page) && !this.#inflight.includes(page)) void this.#load(page);
    }
  }

  /** A new query: drop every page and start again from the top. */
  reload(): void {
    this.#gen += 1;
    this.generation += 1;
    this.#pages.clear();
    this.#inflight = [];
    this.focusedIndex = null;
    this.scrollTop = 0;
    const size = Math.max(1, this.#range.end - this.#range.start);
    this.setRange(0, size);
  }

  /**
   * Fetches the loaded pages again in place (a run changed status, finished an epoch, was edited
   * or deleted): rows keep their height and their place, so nothing jumps.
   */
  async refresh(): Promise<void> {
    const gen = this.#gen;
    const anchorIndex = this.#range.start;
    const anchor = this.rowAt(anchorIndex);
    const pages = [...this.#pages.keys()];
    for (const page of pagesOf(this.#range.start, this.#range.end, PAGE_SIZE)) {
      if (!pages.includes(page)) pages.push(page);
    }
    if (pages.length === 0) pages.push(0);
    await Promise.all(pages.map((page) => this.#load(page, true)));
    if (gen !== this.#gen || this.total === null) return;
    // Pages past the end (runs were deleted or archived) are dropped.
    for (const page of [...this.#pages.keys()]) {
      if (page > 0 && page * PAGE_SIZE >= this.total) this.#pages.delete(page);
    }
    if (this.panelRow !== null) {
      const index = this.indexOf(this.panelRow.id);
      const row = index === undefined ? undefined : this.rowAt(index);
      if (row) this.panelRow = row;
    }
    // Newest-first tables grow at the top while runs are created: keep the rows being read in
    // place. Under any other sort a run that moves changed its value, and is not followed.
    const newestFirst =
      (this.sort.by === 'id' || this.sort.by === 'createdAt') && this.sort.dir === 'desc';
    if (anchor !== undefined && anchorIndex > 0 && newestFirst) {
      const rows = anchorShift(anchorIndex, anchor.id, (id) => this.indexOf(id));
      if (rows !== 0) {
        this.shift = { rows, seq: this.shift.seq + 1 };
        if (this.focusedIndex !== null) this.focusedIndex += rows;
      }
    }
  }

  /** Refreshes soon; bursts of events (every epoch of every run) make one request per page. */
  requestRefresh(): void {
    this.#live.request();
  }

  /** Subscribes to core events while the view is shown; returns the unsubscribe function. */
  connect(): () => void {
    const off = this.#api.onEvent((event: AppEvent) => {
      if (
        event.type === 'run.status' ||
        event.type === 'run.epoch' ||
        event.type === 'experiment.created' ||
        event.type === 'experiment.changed'
      ) {
        this.requestRefresh();
      }
    });
    return () => {
      off();
      this.#live.cancel();
    };
  }

  async #load(page: number, replace = false): Promise<void> {
    const gen = this.#gen;
    const inflight = this.#inflight;
    if (inflight.includes(page)) return;
    if (!replace && this.#pages.has(page)) return;
    inflight.push(page);
    const result = await this.#api['runs.query'](
      buildQuery(
        this.filters,
        this.metric,
        this.sort,
        { offset: page * PAGE_SIZE, limit: PAGE_SIZE },
        this.gridColumns,
      ),
    );
    inflight.splice(inflight.indexOf(page), 1);
    if (gen !== this.#gen) return;
    if (!result.ok) {
      this.error = result.error;
      return;
    }
    this.error = null;
    this.total = result.value.total;
    if (result.value.rows.length > 0 || page === 0) this.#pages.set(page, result.value.rows);
    else this.#pages.delete(page);
  }

  // ---- selection and focus ----

  toggleSelected(id: number): void {
    if (this.selected.has(id)) this.selected.delete(id);
    else this.selected.add(id);
  }

  /** Selects every loaded row, or clears the selection when they are all selected already. */
  toggleLoaded(): void {
    const rows = this.loadedRows();
    if (rows.length > 0 && rows.every((r) => this.selected.has(r.id))) {
      for (const r of rows) this.selected.delete(r.id);
    } else {
      for (const r of rows) this.selected.add(r.id);
    }
  }

  get selectedIds(): number[] {
    return [...this.selected].sort((a, b) => a - b);
  }

  openPanel(row: HistoryRow): void {
    this.panelRow = row;
  }

  closePanel(): void {
    this.panelRow = null;
  }

  // ---- edits ----

  /** Saves notes and tags (or archiving) of one run and shows the result in its row at once. */
  async update(
    id: number,
    patch: { notes?: string; tags?: string[]; archived?: boolean },
  ): Promise<Result<RunAnnotations>> {
    const result = await this.#api['runs.update']({ id, ...patch });
    if (result.ok) {
      this.#patchRow(id, result.value);
      this.requestRefresh();
    }
    return result;
  }

  /** Archives or unarchives runs; each is its own `runs.update`, so some may fail. */
  async setArchived(ids: readonly number[], archived: boolean): Promise<BatchOutcome> {
    const outcome: BatchOutcome = { done: 0, failed: [] };
    const queue = [...ids];
    const worker = async (): Promise<void> => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        const result = await this.#api['runs.update']({ id, archived });
        if (result.ok) {
          outcome.done += 1;
          this.#patchRow(id, result.value);
        } else {
          outcome.failed.push({ id, error: result.error });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(UPDATE_CONCURRENCY, ids.length) }, worker));
    await this.refresh();
    return outcome;
  }

  /** Deletes runs for good; the server refuses (and deletes nothing) when it must. */
  async deleteRuns(
    ids: readonly number[],
  ): Promise<Result<{ deleted: number[]; artifactsRemoved: number }>> {
    const result = await this.#api['runs.delete']({ ids: [...ids] });
    if (result.ok) {
      for (const id of result.value.deleted) this.selected.delete(id);
      if (this.panelRow !== null && result.value.deleted.includes(this.panelRow.id)) {
        this.panelRow = null;
      }
      this.focusedIndex = null;
      await this.refresh();
    }
    return result;
  }

  #patchRow(id: number, annotations: RunAnnotations): void {
    for (const [page, rows] of this.#pages) {
      const i = rows.findIndex((r) => r.id === id);
      if (i < 0) continue;
      const row = rows[i];
      if (row === undefined) continue;
      const next = rows.slice();
      next[i] = { ...row, ...annotations };
      this.#pages.set(page, next);
      if (this.panelRow?.id === id) this.panelRow = next[i] ?? null;
      return;
    }
    if (this.panelRow?.id === id) this.panelRow = { ...this.panelRow, ...annotations };
  }
}

const instances = new WeakMap<Api, HistoryState>();

/** The session's History state for this API (kept across visits to the view). */
export function historyState(api: Api): HistoryState {
  let state = instances.get(api);
  if (!state) {
    state = new HistoryState(api);
    instances.set(api, state);
  }
  return state;
}
