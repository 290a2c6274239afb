import {
  ResolvedRunConfigSchema,
  SplitSizesSchema,
  type ResolvedRunConfig,
  type SplitSizes,
} from '../../src-shared/domain/runs';
import type { RunSummary } from '../../src-shared/domain/runs';
import type { CompareSelection } from '../../src-shared/rpc/compare';
import { AppFailure } from '../../src-shared/result';
import type { Db } from './db';
import { readJson } from './json';
import { readTagsOf } from './runAnnotations';
import { SUMMARY_COLUMNS, SUMMARY_FROM, summaryFromRow, type RunRow } from './runs';

export interface StoredCompareRun extends RunSummary {
  config: ResolvedRunConfig;
  notes: string | null;
  tags: string[];
  /** Chosen by id rather than through its experiment. */
  explicit: boolean;
  splitSizes: SplitSizes | null;
}

/**
 * The runs a comparison covers: every run of the selected experiments and every selected run,
 * in one query (plus one for their tags). Unknown ids are refused by name rather than ignored,
 * so a report never silently compares less than it says.
 */
export function readCompareRuns(db: Db, selection: CompareSelection): StoredCompareRun[] {
  const experiments = JSON.stringify(selection.experimentIds);
  const runIds = JSON.stringify(selection.runIds);
  const knownExperiments = new Set(
    (
      db
        .prepare('SELECT id FROM experiments WHERE id IN (SELECT value FROM json_each(?))')
        .all(experiments) as { id: number }[]
    ).map((r) => r.id),
  );
  const missingExperiments = selection.experimentIds.filter((id) => !knownExperiments.has(id));
  if (missingExperiments.length > 0) {
    throw new AppFailure(
      'not_found',
      `No experiment ${missingExperiments.map((id) => `#${id}`).join(', ')}.`,
    );
  }
  const rows = db
    .prepare(
      `SELECT ${SUMMARY_COLUMNS}, r.config, r.notes, r.split_sizes,
              r.id IN (SELECT value FROM json_each(?)) AS explicit
       ${SUMMARY_FROM}
       WHERE r.experiment_id IN (SELECT value FROM json_each(?))
          OR r.id IN (SELECT value FROM json_each(?))
       ORDER BY r.id`,
    )
    .all(runIds, experiments, runIds) as (RunRow & {
    config: string;
    notes: string | null;
    split_sizes: string | null;
    explicit: number;
  })[];
  const found = new Set(rows.map((r) => r.id));
  const missingRuns = selection.runIds.filter((id) => !found.has(id));
  if (missingRuns.length > 0) {
    throw new AppFailure('not_found', `No run ${missingRuns.map((id) => `#${id}`).join(', ')}.`);
  }
  const tags = readTagsOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((row) => ({
    ...summaryFromRow(row),
    config: readJson(ResolvedRunConfigSchema, row.config, `config of run #${row.id}`),
    notes: row.notes,
    tags: tags.get(row.id) ?? [],
    explicit: row.explicit === 1,
    splitSizes:
      row.split_sizes === null
        ? null
        : readJson(SplitSizesSchema, row.split_sizes, `split sizes of run #${row.id}`),
  }));
}

/** One epoch's value of a run's metric, and the wall time since the run's start it was logged at. */
export interface MetricSeriesPoint {
  epoch: number;
  value: number | null;
  elapsedS: number;
}

/**
 * One per-epoch metric of many runs, in one query: run id → epochs ascending with their value
 * (null where the stored value was not finite) and elapsed wall time (Compare's wall-time axis).
 */
export function readMetricSeries(
  db: Db,
  runIds: readonly number[],
  name: string,
): Map<number, MetricSeriesPoint[]> {
  const series = new Map<number, MetricSeriesPoint[]>();
  if (runIds.length === 0) return series;
  const rows = db
    .prepare(
      `SELECT run_id, epoch, value, elapsed_s FROM metrics
       WHERE name = ? AND run_id IN (SELECT value FROM json_each(?))
       ORDER BY run_id, epoch`,
    )
    .all(name, JSON.stringify(runIds)) as {
    run_id: number;
    epoch: number;
    value: number | null;
    elapsed_s: number;
  }[];
  for (const row of rows) {
    const list = series.get(row.run_id);
    const point = { epoch: row.epoch, value: row.value, elapsedS: row.elapsed_s };
    if (list) list.push(point);
    else series.set(row.run_id, [point]);
  }
  return series;
}

/** The reads a comparison needs (analysis/comparison.ts ComparisonData), from one workspace. */
export function comparisonData(db: Db): {
  runs(selection: CompareSelection): StoredCompareRun[];
  series(runIds: readonly number[], metric: string): Map<number, MetricSeriesPoint[]>;
} {
  return {
    runs: (selection) => readCompareRuns(db, selection),
    series: (runIds, metric) => readMetricSeries(db, runIds, metric),
  };
}
