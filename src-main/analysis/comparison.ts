import { varyingFields } from '../../src-shared/domain/configFields';
import {
  defaultSelectBy,
  type Comparison,
  type CompareRequest,
  type ComparedRun,
  type RowRule,
  type SelectionSummary,
} from '../../src-shared/rpc/compare';
import type { MetricSeriesPoint, StoredCompareRun } from '../store/compareRuns';
import { epochCurves } from './epochCurves';
import { transferGains, winTieLoss } from './gains';
import { crossovers, learningCurves } from './learningCurves';
import { selectVariants } from './selection';
import { summaryTable } from './summaryTable';
import { assignVariantRows } from './variantRows';

function finite(run: StoredCompareRun, metric: string | undefined): number | null {
  const raw = run.status === 'completed' && metric ? run.finalMetrics?.[metric] : undefined;
  return typeof raw === 'number' && Number.isFinite(raw) ? raw : null;
}

function toCompared(run: StoredCompareRun, metric: string, selectBy?: string): ComparedRun {
  return {
    id: run.id,
    experimentId: run.experimentId,
    experimentName: run.experimentName,
    kind: run.kind,
    strategy: run.strategy,
    variant: run.variant,
    recordedVariant: run.variant,
    sourceName: run.sourceName,
    targetName: run.targetName,
    budget: run.budget,
    seed: run.seed,
    status: run.status,
    backend: run.backend,
    device: run.device,
    value: finite(run, metric),
    config: run.config,
    tags: run.tags,
    notes: run.notes,
    splitSizes: run.splitSizes,
    selectionValue: finite(run, selectBy),
  };
}

/**
 * Which runs enter the statistics, and why the others do not. Source runs train the source
 * model on the source domain, so they are no cell of a transfer table; the curves show them
 * only when chosen by id. Two runs of one (source, target, budget, variant, seed) — a re-run,
 * or two experiments with the same settings selected together — would make the seed pairing
 * ambiguous: the newer is compared and the older reported. Variants of one strategy are
 * different rows (variantRows.ts) and never replace one another.
 */
function partition(
  explicitIds: ReadonlySet<number>,
  runs: readonly ComparedRun[],
  metric: string,
): { statistics: ComparedRun[]; curves: ComparedRun[]; excluded: Comparison['excluded'] } {
  const excluded: Comparison['excluded'] = [];
  const newest = new Map<string, ComparedRun>();
  const curves: ComparedRun[] = [];
  runs.forEach((run) => {
    const explicit = explicitIds.has(run.id);
    if (run.kind === 'source') {
      if (explicit) curves.push(run);
      excluded.push({ runId: run.id, reason: 'source run (trains the source model): curves only' });
      return;
    }
    curves.push(run);
    const key = JSON.stringify([run.sourceName, run.targetName, run.budget, run.variant, run.seed]);
    const older = newest.get(key);
    if (older) {
      excluded.push({
        runId: older.id,
        reason: `same variant ("${run.variant}"), source, target, budget and seed as run #${run.id}, the newer, which is compared`,
      });
    }
    newest.set(key, run);
  });
  const statistics = [...newest.values()].sort((a, b) => a.id - b.id);
  for (const run of statistics) {
    if (run.value !== null) continue;
    excluded.push({
      runId: run.id,
      reason:
        run.status === 'completed'
          ? `no finite ${metric}`
          : `${run.status}: counted as missing in its cell`,
    });
  }
  excluded.sort((a, b) => a.runId - b.runId);
  return { statistics, curves, excluded };
}

/** The curves' group-by fields: as asked, or the variant plus whichever of target, source and budget vary. */
function groupFields(asked: readonly string[], runs: readonly ComparedRun[]): string[] {
  if (asked.length > 0) return [...asked];
  const varies = (f: (r: ComparedRun) => unknown): boolean =>
    new Set(runs.map((r) => JSON.stringify(f(r)))).size > 1;
  return [
    'variant',
    ...(varies((r) => r.targetName) ? ['target'] : []),
    // Scratch has no source: only two real sources make the source worth a group of its own.
    ...(new Set(runs.flatMap((r) => (r.sourceName === null ? [] : [r.sourceName]))).size > 1
      ? ['source']
      : []),
    ...(varies((r) => r.budget) ? ['budget'] : []),
  ];
}

/**
 * The row gains are measured against: a row's label, else a strategy id whose runs form one row
 * (a single variant, or its selected row). Null, with a note, when nothing matches.
 */
function resolveBaseline(
  asked: string,
  runs: readonly ComparedRun[],
): { baseline: string | null; note: string | null } {
  const rows = new Map<string, string>();
  for (const r of runs) rows.set(r.variant, r.strategy);
  if (rows.has(asked)) return { baseline: asked, note: null };
  const ofStrategy = [...rows.entries()].filter(([, strategy]) => strategy === asked);
  const only = ofStrategy[0];
  if (ofStrategy.length === 1 && only) return { baseline: only[0], note: null };
  if (ofStrategy.length > 1) {
    return {
      baseline: null,
      note: `The baseline "${asked}" has ${ofStrategy.length} variants here (${ofStrategy.map(([v]) => `"${v}"`).join(', ')}): choose one, or select among them on validation; no gains are computed.`,
    };
  }
  return {
    baseline: null,
    note: rows.size ? `No compared row is "${asked}": no gains are computed against it.` : null,
  };
}

/** The rule each row's numbers come from. */
function rulesOf(
  runs: readonly ComparedRun[],
  selection: SelectionSummary | null,
): Map<string, RowRule> {
  const selected = new Set(selection?.groups.map((g) => g.row) ?? []);
  return new Map(
    runs.map((r) => [r.variant, selected.has(r.variant) && selection ? selection.rule : 'as-run']),
  );
}

/**
 * What a comparison reads (store/compareRuns.ts comparisonData gives it from a workspace): the
 * selected runs, then the per-epoch series of those it draws. Analysis only computes.
 */
export interface ComparisonData {
  runs(selection: CompareRequest['selection']): StoredCompareRun[];
  series(runIds: readonly number[], metric: string): Map<number, MetricSeriesPoint[]>;
}

/**
 * Everything the Compare view and the reports show about a selection of runs, computed once
 * from the workspace's records: the summary table, transfer gains with paired tests and Holm-corrected
 * verdicts, learning curves over the label budget with crossovers, and grouped epoch curves.
 * Rows are variants (issue 10); with model selection, a strategy's variants become one row per
 * the rule, named so in every table.
 */
export function buildComparison(data: ComparisonData, request: CompareRequest): Comparison {
  const o = request.options;
  const stored = data.runs(request.selection);
  const higherIsBetter = o.higherIsBetter ?? !o.metric.endsWith('loss');
  const selectBy = o.selection === 'oracle' ? o.metric : (o.selectBy ?? defaultSelectBy(o.metric));
  const rows = assignVariantRows(
    stored.map((r) => toCompared(r, o.metric, o.selection === 'none' ? undefined : selectBy)),
  );
  const runs = rows.runs;
  const explicitIds = new Set(stored.filter((r) => r.explicit).map((r) => r.id));
  const { statistics: asRun, curves: curveRuns, excluded } = partition(explicitIds, runs, o.metric);
  let statistics = asRun;
  let selection: SelectionSummary | null = null;
  if (o.selection !== 'none') {
    const selected = selectVariants(asRun, {
      mode: o.selection,
      selectBy,
      higherIsBetter: o.selection === 'oracle' ? higherIsBetter : !selectBy.endsWith('loss'),
    });
    statistics = selected.runs;
    selection = selected.summary;
    excluded.push(...selected.notChosen);
    excluded.sort((a, b) => a.runId - b.runId);
  }
  const rules = rulesOf(statistics, selection);
  const { baseline, note } = resolveBaseline(o.baseline, statistics);
  const gains =
    baseline === null
      ? []
      : transferGains(statistics, {
          baseline,
          test: o.test,
          alpha: o.alpha,
          higherIsBetter,
          rules,
        });
  const learning = learningCurves(statistics);
  const series = data.series(
    curveRuns.map((r) => r.id),
    o.curveMetric,
  );
  return {
    request,
    generatedAt: new Date().toISOString(),
    higherIsBetter,
    runs,
    excluded,
    varyingFields: varyingFields(statistics.map((r) => r.config)),
    baseline,
    selection,
    notes: [...rows.notes, ...(note === null ? [] : [note])],
    summary: summaryTable(statistics, o.metric, baseline ?? o.baseline, o.summaryColumns, rules),
    gains,
    winTieLoss: winTieLoss(gains),
    learningCurves: learning,
    crossovers: baseline === null ? [] : crossovers(learning, baseline, higherIsBetter),
    curves: epochCurves(
      curveRuns,
      series,
      o.curveMetric,
      groupFields(o.groupBy, statistics),
      o.band,
    ),
  };
}
