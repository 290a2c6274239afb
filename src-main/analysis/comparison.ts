import { varyingFields } from '../../src-shared/domain/configFields';
import type { Comparison, CompareRequest, ComparedRun } from '../../src-shared/rpc/compare';
import { readCompareRuns, readMetricSeries, type StoredCompareRun } from '../store/compareRuns';
import type { Db } from '../store/db';
import { nowIso } from '../store/json';
import { epochCurves } from './epochCurves';
import { transferGains, winTieLoss } from './gains';
import { crossovers, learningCurves } from './learningCurves';
import { summaryTable } from './summaryTable';

function toCompared(run: StoredCompareRun, metric: string): ComparedRun {
  const raw = run.status === 'completed' ? run.finalMetrics?.[metric] : undefined;
  return {
    id: run.id,
    experimentId: run.experimentId,
    experimentName: run.experimentName,
    kind: run.kind,
    strategy: run.strategy,
    sourceName: run.sourceName,
    targetName: run.targetName,
    budget: run.budget,
    seed: run.seed,
    status: run.status,
    value: typeof raw === 'number' && Number.isFinite(raw) ? raw : null,
    config: run.config,
    tags: run.tags,
    notes: run.notes,
  };
}

/**
 * Which runs enter the statistics, and why the others do not. Source runs train the source
 * model on the source domain, so they are no cell of a transfer table; the curves show them
 * only when chosen by id. Two runs of one (source, target, budget, strategy, seed) — a re-run,
 * or two experiments selected together — would make the seed pairing ambiguous: the newer is
 * compared and the older reported.
 */
function partition(
  stored: readonly StoredCompareRun[],
  runs: readonly ComparedRun[],
  metric: string,
): { statistics: ComparedRun[]; curves: ComparedRun[]; excluded: Comparison['excluded'] } {
  const excluded: Comparison['excluded'] = [];
  const newest = new Map<string, ComparedRun>();
  const curves: ComparedRun[] = [];
  runs.forEach((run, i) => {
    const explicit = stored[i]?.explicit ?? false;
    if (run.kind === 'source') {
      if (explicit) curves.push(run);
      excluded.push({ runId: run.id, reason: 'source run (trains the source model): curves only' });
      return;
    }
    curves.push(run);
    const key = JSON.stringify([
      run.sourceName,
      run.targetName,
      run.budget,
      run.strategy,
      run.seed,
    ]);
    const older = newest.get(key);
    if (older) {
      excluded.push({
        runId: older.id,
        reason: `same strategy, source, target, budget and seed as run #${run.id}, the newer, which is compared`,
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

/** The curves' group-by fields: as asked, or the strategy plus whichever of target, source and budget vary. */
function groupFields(asked: readonly string[], runs: readonly ComparedRun[]): string[] {
  if (asked.length > 0) return [...asked];
  const varies = (f: (r: ComparedRun) => unknown): boolean =>
    new Set(runs.map((r) => JSON.stringify(f(r)))).size > 1;
  return [
    'strategy',
    ...(varies((r) => r.targetName) ? ['target'] : []),
    // Scratch has no source: only two real sources make the source worth a group of its own.
    ...(new Set(runs.flatMap((r) => (r.sourceName === null ? [] : [r.sourceName]))).size > 1
      ? ['source']
      : []),
    ...(varies((r) => r.budget) ? ['budget'] : []),
  ];
}

/**
 * Everything the Compare view and the reports show about a selection of runs, computed once
 * from the database: the summary table, transfer gains with paired tests and Holm-corrected
 * verdicts, learning curves over the label budget with crossovers, and grouped epoch curves.
 */
export function buildComparison(db: Db, request: CompareRequest): Comparison {
  const o = request.options;
  const stored = readCompareRuns(db, request.selection);
  const runs = stored.map((r) => toCompared(r, o.metric));
  const higherIsBetter = o.higherIsBetter ?? !o.metric.endsWith('loss');
  const { statistics, curves: curveRuns, excluded } = partition(stored, runs, o.metric);
  const gains = transferGains(statistics, {
    baseline: o.baseline,
    test: o.test,
    alpha: o.alpha,
    higherIsBetter,
  });
  const learning = learningCurves(statistics);
  const series = readMetricSeries(
    db,
    curveRuns.map((r) => r.id),
    o.curveMetric,
  );
  return {
    request,
    generatedAt: nowIso(),
    higherIsBetter,
    runs,
    excluded,
    varyingFields: varyingFields(statistics.map((r) => r.config)),
    summary: summaryTable(statistics, o.metric, o.baseline, o.summaryColumns),
    gains,
    winTieLoss: winTieLoss(gains),
    learningCurves: learning,
    crossovers: crossovers(learning, o.baseline, higherIsBetter),
    curves: epochCurves(
      curveRuns,
      series,
      o.curveMetric,
      groupFields(o.groupBy, statistics),
      o.band,
    ),
  };
}
