import {
  RUN_SORT_KEYS,
  type CompareOp,
  type HistoryRow,
  type ParamValue,
  type TextField,
  type MetricMode,
  type RunPage,
  type RunQuery,
  type RunSortKey,
} from '../../src-shared/rpc/history';
import { AppFailure } from '../../src-shared/result';
import type { Db } from './db';
import { SUMMARY_COLUMNS, SUMMARY_FROM, summaryFromRow, type RunRow } from './runs';
import { readTagsOf } from './runAnnotations';

/**
 * The History query (issue 5): every filter is a parameter, and the only SQL text that varies
 * comes from the fixed maps below, so no client string ever becomes SQL. A summary metric comes
 * from `run_metric_summary` (one row per run and metric, migration 005), never from aggregating
 * `metrics` per row.
 */

/** The device's label (issue 15); NULL for runs that recorded none, which sort last. */
const DEVICE_LABEL = `json_extract(r.environment, '$.device.label')`;

// "all" labels sort after every number.
const BUDGET_ORDER = `CASE WHEN r.budget = '"all"' THEN 9e18 ELSE CAST(r.budget AS INTEGER) END`;

const SORT_SQL: Record<Exclude<RunSortKey, 'metric'>, string> = {
  id: 'r.id',
  createdAt: 'r.created_at',
  finishedAt: 'r.finished_at',
  experimentName: 'e.name',
  strategy: 'r.strategy',
  variant: 'r.variant',
  sourceName: 's.name',
  targetName: 'd.name',
  status: 'r.status',
  budget: BUDGET_ORDER,
  seed: 'r.seed',
  epochsDone: 'r.epochs_done',
  backend: 'r.backend',
  // `llvmpipe…` among `Intel…` and `NVIDIA…`: labels start in either case.
  device: `${DEVICE_LABEL} COLLATE NOCASE`,
};

const SUMMARY_COLUMN: Record<Exclude<MetricMode, 'best'>, string> = {
  last: 'ms.last',
  min: 'ms.min',
  max: 'ms.max',
};

/** "Best" is the minimum of a loss and the maximum of anything else (accuracy, AUC, F1). */
export function resolveMode(name: string, mode: MetricMode): Exclude<MetricMode, 'best'> {
  if (mode !== 'best') return mode;
  return /loss$/i.test(name) ? 'min' : 'max';
}

/** Comparison operators as SQL, from a fixed map (the query's op is an enum, checked again here). */
const OP_SQL: Record<CompareOp, string> = {
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  '=': '=',
  '!=': '!=',
};

function opSql(op: CompareOp): string {
  if (!Object.hasOwn(OP_SQL, op)) {
    throw new AppFailure('invalid_input', `Unknown comparison "${op}".`);
  }
  return OP_SQL[op];
}

const TEXT_SQL: Record<TextField, string> = {
  experiment: 'e.name',
  strategy: 'r.strategy',
  variant: 'r.variant',
  source: 's.name',
  target: 'd.name',
  backend: 'r.backend',
  device: DEVICE_LABEL,
};

/** A config path as json_extract wants it: `training.learningRate` -> `$.training.learningRate`. */
const jsonPath = (path: string): string => `$.${path}`;

/** SQLite has no booleans: JSON true and false come out of json_extract as 1 and 0. */
const sqlValue = (value: number | string | boolean): number | string =>
  typeof value === 'boolean' ? (value ? 1 : 0) : value;

interface Sql {
  columns: string;
  columnParams: unknown[];
  columnJoin: string;
  columnJoinParams: unknown[];
  join: string;
  joinParams: unknown[];
  where: string;
  params: unknown[];
  metric: string;
}

function buildSql(q: RunQuery): Sql {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const oneOf = (column: string, values: readonly unknown[] | undefined): void => {
    if (values === undefined) return;
    clauses.push(`${column} IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  };
  oneOf('r.strategy', q.strategy);
  oneOf('r.variant', q.variant);
  oneOf('s.name', q.sourceName);
  oneOf('d.name', q.targetName);
  oneOf('r.status', q.status);
  oneOf('r.experiment_id', q.experimentId);
  // Budgets are stored as their JSON text (insertRun), so the same encoding matches them.
  oneOf(
    'r.budget',
    q.budget?.map((b) => JSON.stringify(b)),
  );
  for (const tag of q.tags ?? []) {
    clauses.push('EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = r.id AND t.tag = ?)');
    params.push(tag);
  }
  // Stored times are toISOString() output (UTC, 'Z'), so bounds are normalised to it and compared as text.
  if (q.createdFrom !== undefined) {
    clauses.push('r.created_at >= ?');
    params.push(new Date(q.createdFrom).toISOString());
  }
  if (q.createdTo !== undefined) {
    clauses.push('r.created_at <= ?');
    params.push(new Date(q.createdTo).toISOString());
  }
  if (q.archived === 'exclude') clauses.push('r.archived_at IS NULL');
  if (q.archived === 'only') clauses.push('r.archived_at IS NOT NULL');
  // A scan with instr() over 10,000 runs takes a few milliseconds (bench/history.ts); FTS5 would
  // need triggers on three tables for no gain at this size. SQLite's lower() folds ASCII only.
  for (const word of (q.search ?? '').toLowerCase().split(/\s+/).filter(Boolean).slice(0, 8)) {
    // The variant's label holds its parameters (`l2sp λ=0.01`), so those are searchable too.
    clauses.push(`(instr(lower(e.name), ?) > 0 OR instr(lower(r.strategy), ?) > 0
      OR instr(lower(r.variant), ?) > 0 OR instr(lower(COALESCE(r.notes, '')), ?) > 0
      OR instr(lower(COALESCE(s.name, '')), ?) > 0 OR instr(lower(d.name), ?) > 0
      OR EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = r.id AND instr(lower(t.tag), ?) > 0))`);
    params.push(word, word, word, word, word, word, word);
  }
  for (const f of q.textFilters ?? []) {
    if (!Object.hasOwn(TEXT_SQL, f.field)) {
      throw new AppFailure('invalid_input', `Unknown field "${f.field}".`);
    }
    const column = TEXT_SQL[f.field];
    // A source run has no source: `source:x` never matches it (COALESCE keeps NULL out of OR).
    const one = f.exact
      ? `lower(COALESCE(${column}, '')) = ?`
      : `instr(lower(COALESCE(${column}, '')), ?) > 0`;
    clauses.push(`(${f.values.map(() => one).join(' OR ')})`);
    params.push(...f.values.map((v) => v.toLowerCase()));
  }
  for (const f of q.metricFilters ?? []) {
    const value = SUMMARY_COLUMN[resolveMode(f.name, f.mode)].replace('ms.', 'mf.');
    clauses.push(`EXISTS (SELECT 1 FROM run_metric_summary mf
      WHERE mf.run_id = r.id AND mf.name = ? AND ${value} ${opSql(f.op)} ?)`);
    params.push(f.name, f.value);
  }
  for (const f of q.paramFilters ?? []) {
    // A run without the parameter (scratch has no λ) gives NULL, which no comparison holds for.
    clauses.push(`json_extract(r.config, ?) ${opSql(f.op)} ?`);
    params.push(jsonPath(f.path), sqlValue(f.value));
  }

  // Extra columns: one LEFT JOIN per metric on run_metric_summary's (run_id, name) key, and the
  // parameters read from the row's config, so a page costs one query whatever the columns.
  const extra: string[] = [];
  const columnParams: unknown[] = [];
  const extraJoins: string[] = [];
  const extraJoinParams: unknown[] = [];
  (q.columns?.metrics ?? []).forEach((m, i) => {
    const alias = `mc${i}`;
    extraJoins.push(
      `LEFT JOIN run_metric_summary ${alias} ON ${alias}.run_id = r.id AND ${alias}.name = ?`,
    );
    extraJoinParams.push(m.name);
    extra.push(
      `${SUMMARY_COLUMN[resolveMode(m.name, m.mode)].replace('ms.', `${alias}.`)} AS mcol${i}`,
    );
  });
  (q.columns?.params ?? []).forEach((path, i) => {
    // `->` returns JSON text, so true stays true (json_extract would give 1).
    extra.push(`r.config -> ? AS pcol${i}`);
    columnParams.push(jsonPath(path));
  });

  let join = '';
  const joinParams: unknown[] = [];
  let metric = 'NULL';
  if (q.metric !== undefined) {
    metric = SUMMARY_COLUMN[resolveMode(q.metric.name, q.metric.mode)];
    const ranged = q.metric.min !== undefined || q.metric.max !== undefined;
    // Without a range, runs lacking the metric (queued, failed early) stay in the table.
    join = `${ranged ? 'JOIN' : 'LEFT JOIN'} run_metric_summary ms ON ms.run_id = r.id AND ms.name = ?`;
    joinParams.push(q.metric.name);
    if (q.metric.min !== undefined) {
      clauses.push(`${metric} >= ?`);
      params.push(q.metric.min);
    }
    if (q.metric.max !== undefined) {
      clauses.push(`${metric} <= ?`);
      params.push(q.metric.max);
    }
  }
  const where = clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`;
  return {
    columns: extra.map((c) => `, ${c}`).join(''),
    columnParams,
    join,
    joinParams,
    columnJoin: extraJoins.join(' '),
    columnJoinParams: extraJoinParams,
    where,
    params,
    metric,
  };
}

/** The ORDER BY expression; refuses keys outside the whitelist even from callers that skip zod. */
function orderBy(q: RunQuery, metric: string): string {
  const { by, dir } = q.sort;
  if (!(RUN_SORT_KEYS as readonly string[]).includes(by)) {
    throw new AppFailure(
      'invalid_input',
      `Cannot sort runs by "${by}": sort by one of ${RUN_SORT_KEYS.join(', ')}.`,
    );
  }
  if (by === 'metric' && q.metric === undefined) {
    throw new AppFailure(
      'invalid_input',
      'Sorting by "metric" needs `metric` (a name and a mode).',
    );
  }
  const expr = by === 'metric' ? metric : SORT_SQL[by];
  const direction = dir === 'asc' ? 'ASC' : 'DESC';
  // Rows without a value go last either way; the id breaks ties so pages never overlap. A
  // metric ranks transfer runs among themselves: a source run's value is on its source task
  // (e.g. digits 0–4 with every label), so its runs come after them, never on top (issue 14).
  const kindFirst = by === 'metric' ? "r.kind = 'source', " : '';
  return `ORDER BY ${kindFirst}${expr} ${direction} NULLS LAST, r.id ${direction}`;
}

interface HistoryDbRow extends RunRow {
  notes: string | null;
  archived_at: string | null;
  metric_value: number | null;
  [extra: `mcol${number}` | `pcol${number}`]: unknown;
}

/** A config value read with `->` (JSON text), back to its JSON type; objects stay as text. */
function paramValue(text: unknown): ParamValue {
  if (typeof text !== 'string') return null;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') {
      return value;
    }
    return value === null ? null : text;
  } catch {
    return text;
  }
}

const finiteOrNull = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? v : null;

interface Statement {
  sql: string;
  params: unknown[];
}

/** The page's and the count's SQL and parameters (exported for the EXPLAIN QUERY PLAN test). */
export function historySql(q: RunQuery): { page: Statement; count: Statement } {
  const s = buildSql(q);
  return {
    page: {
      sql: `SELECT ${SUMMARY_COLUMNS}, r.notes, r.archived_at, ${s.metric} AS metric_value
            ${s.columns} ${SUMMARY_FROM} ${s.join} ${s.columnJoin} ${s.where}
            ${orderBy(q, s.metric)} LIMIT ? OFFSET ?`,
      params: [
        ...s.columnParams,
        ...s.joinParams,
        ...s.columnJoinParams,
        ...s.params,
        q.limit,
        q.offset,
      ],
    },
    count: {
      // The column joins are LEFT JOINs on a unique key: they change no count, so they are left out.
      sql: `SELECT COUNT(*) AS n ${SUMMARY_FROM} ${s.join} ${s.where}`,
      params: [...s.joinParams, ...s.params],
    },
  };
}

/** One page of runs and the number matching: two queries, plus one for the page's tags. */
export function queryRuns(db: Db, q: RunQuery): RunPage {
  const { page, count } = historySql(q);
  const rows = db.prepare(page.sql).all(...page.params) as HistoryDbRow[];
  const { n } = db.prepare(count.sql).get(...count.params) as { n: number };
  const tags = readTagsOf(
    db,
    rows.map((r) => r.id),
  );
  return {
    rows: rows.map((row): HistoryRow => ({
      ...summaryFromRow(row),
      notes: row.notes,
      tags: tags.get(row.id) ?? [],
      archivedAt: row.archived_at,
      metricValue: row.metric_value,
      columns: {
        metrics: (q.columns?.metrics ?? []).map((_, i) => finiteOrNull(row[`mcol${i}`])),
        params: (q.columns?.params ?? []).map((_, i) => paramValue(row[`pcol${i}`])),
      },
    })),
    total: n,
  };
}
