import type { RunStatus, RunSummary } from '../../src-shared/domain/runs';
import { isPercentMetric } from './historyColumns';
import type { RpcInput } from '../../src-shared/rpc/contract';
import type { MetricMode, RunSortKey } from '../../src-shared/rpc/history';
import { parseRunQuery, toRunQueryFilters } from '../../src-shared/query/runQueryText';
import { emptyGridColumns, type GridColumns } from './historyGrid';

/**
 * The History view's filter state, as the form holds it (text as typed), and its translation
 * into a `runs.query` request. Pure, so the translation is tested without a DOM or a server.
 */

export type ArchivedMode = 'exclude' | 'include' | 'only';

/**
 * Metrics the chooser offers: the test metrics a finished run records (what results are judged
 * by), then the per-epoch series the trainer records (summarised by the store as epochs arrive).
 */
export const METRIC_NAMES = [
  'test_acc',
  'test_loss',
  'val_acc',
  'val_loss',
  'acc',
  'loss',
] as const;
export const METRIC_MODES: readonly MetricMode[] = ['best', 'last', 'min', 'max'];

export interface MetricChoice {
  name: string;
  mode: MetricMode;
}

export interface HistorySort {
  by: RunSortKey;
  dir: 'asc' | 'desc';
}

export const DEFAULT_SORT: HistorySort = { by: 'id', dir: 'desc' };
export const DEFAULT_METRIC: MetricChoice = { name: 'test_acc', mode: 'last' };

export interface HistoryFilters {
  /** Applied (debounced) search text: a structured query (src-shared/query/runQueryText.ts). */
  search: string;
  strategy: string[];
  /** Variant labels (`fine-tune · l2sp λ=0.01`), issue 10. */
  variant: string[];
  sourceName: string[];
  targetName: string[];
  experimentId: number[];
  status: RunStatus[];
  /** Comma-separated, as typed; a run must carry every tag. */
  tags: string;
  /** `yyyy-mm-dd` from a date field, '' for no bound; whole local days, both inclusive. */
  createdFrom: string;
  createdTo: string;
  /** Bounds on the summary metric, as typed. */
  metricMin: string;
  metricMax: string;
  archived: ArchivedMode;
}

export function emptyFilters(): HistoryFilters {
  return {
    search: '',
    strategy: [],
    variant: [],
    sourceName: [],
    targetName: [],
    experimentId: [],
    status: [],
    tags: '',
    createdFrom: '',
    createdTo: '',
    metricMin: '',
    metricMax: '',
    archived: 'exclude',
  };
}

const MAX_TAG = 64;

/** Tags typed as `paper, seed 1, paper`: trimmed, empty ones dropped, each once. */
export function parseTags(text: string): string[] {
  const tags: string[] = [];
  for (const part of text.split(',')) {
    const tag = part.trim();
    if (tag !== '' && !tags.includes(tag)) tags.push(tag);
  }
  return tags;
}

/** A tag the server refuses (it trims and allows 1–64 characters). */
export function tagProblem(tag: string): string | null {
  const t = tag.trim();
  if (t === '') return 'A tag cannot be empty.';
  if (t.length > MAX_TAG) return `A tag has at most ${MAX_TAG} characters.`;
  return null;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function localDay(text: string, offsetDays: number): Date | undefined {
  const m = DAY.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(year, month - 1, day + offsetDays);
  // Refuse dates the Date constructor rolled over (2025-02-30).
  const check = new Date(year, month - 1, day);
  if (check.getFullYear() !== year || check.getMonth() !== month - 1 || check.getDate() !== day) {
    return undefined;
  }
  return d;
}

/** The first instant of a local calendar day, as an ISO time (the user means their own days). */
export function dayStart(text: string): string | undefined {
  return localDay(text, 0)?.toISOString();
}

/** The last millisecond of a local calendar day. */
export function dayEnd(text: string): string | undefined {
  const next = localDay(text, 1);
  return next === undefined ? undefined : new Date(next.getTime() - 1).toISOString();
}

/** A bound typed into a number field: undefined when empty, NaN when not a finite number. */
export function parseBound(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : NaN;
}

export interface FilterProblems {
  metricMin?: string;
  metricMax?: string;
  tags?: string;
  created?: string;
}

/** What is wrong with the typed filters; a field with a problem is left out of the query. */
export function filterProblems(f: HistoryFilters): FilterProblems {
  const problems: FilterProblems = {};
  const min = parseBound(f.metricMin);
  const max = parseBound(f.metricMax);
  if (Number.isNaN(min)) problems.metricMin = 'Not a number.';
  if (Number.isNaN(max)) problems.metricMax = 'Not a number.';
  if (min !== undefined && max !== undefined && min > max) {
    problems.metricMax = 'Below the minimum.';
  }
  const bad = parseTags(f.tags)
    .map(tagProblem)
    .find((p) => p !== null);
  if (bad) problems.tags = bad;
  if (f.createdFrom !== '' && f.createdTo !== '' && f.createdFrom > f.createdTo) {
    problems.created = 'The start is after the end.';
  }
  return problems;
}

export type RunQueryInput = RpcInput<'runs.query'>;

/**
 * Both the chips and the typed query may name statuses or budgets; a run must satisfy both, so
 * the request carries the values both allow (the typed ones where the two share none, so that
 * what was typed last is what the table shows).
 */
function both<T>(chips: readonly T[], typed: readonly T[] | undefined): T[] | undefined {
  if (typed === undefined || typed.length === 0) return chips.length > 0 ? [...chips] : undefined;
  if (chips.length === 0) return [...typed];
  const shared = typed.filter((v) => chips.includes(v));
  return shared.length > 0 ? shared : [...typed];
}

/** The request for one page of rows under the current filters, metric, columns and sort. */
export function buildQuery(
  f: HistoryFilters,
  metric: MetricChoice,
  sort: HistorySort,
  page: { offset: number; limit: number },
  columns: GridColumns = emptyGridColumns(),
): RunQueryInput {
  const q: RunQueryInput = {
    archived: f.archived,
    sort: { by: sort.by, dir: sort.dir },
    offset: page.offset,
    limit: page.limit,
  };
  // Terms with problems are left out (the box lists them); the rest apply at once.
  const typed = toRunQueryFilters(parseRunQuery(f.search));
  if (typed.search !== undefined) q.search = typed.search;
  if (typed.textFilters !== undefined) q.textFilters = typed.textFilters;
  if (typed.metricFilters !== undefined) q.metricFilters = typed.metricFilters;
  if (typed.paramFilters !== undefined) q.paramFilters = typed.paramFilters;
  if (columns.metrics.length > 0 || columns.params.length > 0) {
    q.columns = {
      metrics: columns.metrics.map((m) => ({ name: m.name, mode: m.mode })),
      params: [...columns.params],
    };
  }
  if (f.strategy.length > 0) q.strategy = [...f.strategy];
  if (f.variant.length > 0) q.variant = [...f.variant];
  if (f.sourceName.length > 0) q.sourceName = [...f.sourceName];
  if (f.targetName.length > 0) q.targetName = [...f.targetName];
  if (f.experimentId.length > 0) q.experimentId = [...f.experimentId];
  const status = both(f.status, typed.status);
  if (status !== undefined) q.status = status;
  const problems = filterProblems(f);
  const tags = [
    ...new Set([...(problems.tags === undefined ? parseTags(f.tags) : []), ...(typed.tags ?? [])]),
  ];
  if (tags.length > 0) q.tags = tags.slice(0, 20);
  const budget = both([], typed.budget);
  if (budget !== undefined) q.budget = budget;
  const from = dayStart(f.createdFrom);
  const to = dayEnd(f.createdTo);
  if (from !== undefined) q.createdFrom = from;
  if (to !== undefined) q.createdTo = to;
  // The metric always rides along: the column shows it whatever the sort.
  const m: NonNullable<RunQueryInput['metric']> = { name: metric.name, mode: metric.mode };
  // An accuracy is typed in percent, as the table shows it; the query speaks fractions.
  const scale = isPercentMetric(metric.name) ? 100 : 1;
  const min = parseBound(f.metricMin);
  const max = parseBound(f.metricMax);
  if (min !== undefined && problems.metricMin === undefined) m.min = min / scale;
  if (max !== undefined && problems.metricMax === undefined) m.max = max / scale;
  q.metric = m;
  return q;
}

/** The filters that narrow the table (the default "archived: exclude" is not one). */
export function activeFilterCount(f: HistoryFilters): number {
  return [
    f.search.trim() !== '',
    f.strategy.length > 0,
    f.variant.length > 0,
    f.sourceName.length > 0,
    f.targetName.length > 0,
    f.experimentId.length > 0,
    f.status.length > 0,
    parseTags(f.tags).length > 0,
    f.createdFrom !== '',
    f.createdTo !== '',
    f.metricMin.trim() !== '',
    f.metricMax.trim() !== '',
    f.archived !== 'exclude',
  ].filter(Boolean).length;
}

/** Columns that read best A→Z first; numbers and times start with the largest (newest). */
const ASCENDING_FIRST: ReadonlySet<RunSortKey> = new Set([
  'experimentName',
  'strategy',
  'variant',
  'sourceName',
  'targetName',
  'status',
  'backend',
  'device',
]);

/** Clicking a header: the same column flips direction, another starts in its natural one. */
export function nextSort(current: HistorySort, by: RunSortKey): HistorySort {
  if (current.by === by) return { by, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { by, dir: ASCENDING_FIRST.has(by) ? 'asc' : 'desc' };
}

export function ariaSort(sort: HistorySort, by: RunSortKey): 'ascending' | 'descending' | 'none' {
  if (sort.by !== by) return 'none';
  return sort.dir === 'asc' ? 'ascending' : 'descending';
}

export interface FilterChoices {
  strategies: string[];
  variants: string[];
  sources: string[];
  targets: string[];
}

/**
 * Choices for the strategy, variant, source and target filters: the values the workspace's runs
 * actually have (the app keeps a list of recent runs), so every choice matches something.
 */
export function choicesFrom(
  runs: readonly Pick<RunSummary, 'strategy' | 'variant' | 'sourceName' | 'targetName'>[],
): FilterChoices {
  const strategies = new Set<string>();
  const variants = new Set<string>();
  const sources = new Set<string>();
  const targets = new Set<string>();
  for (const r of runs) {
    strategies.add(r.strategy);
    // Runs written before labels existed carry none: nothing to filter them by.
    if (r.variant !== '') variants.add(r.variant);
    if (r.sourceName !== null) sources.add(r.sourceName);
    targets.add(r.targetName);
  }
  const sorted = (s: Set<string>): string[] => [...s].sort((a, b) => a.localeCompare(b));
  return {
    strategies: sorted(strategies),
    variants: sorted(variants),
    sources: sorted(sources),
    targets: sorted(targets),
  };
}

/** Adds or removes one value of a multi-choice filter, keeping the others in order. */
export function toggleValue<T>(list: readonly T[], value: T): T[] {
  return list.includes(value) ? list.filter((v) => v !== value) : [...list, value];
}
