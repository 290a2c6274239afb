import Table from 'cli-table3';
import { runDomainsLabel } from '../../src-shared/domain/runs';
import type { ExperimentDetail } from '../../src-shared/domain/experiments';
import { formatSeconds } from '../../src-shared/duration';
import type { PlanEstimate } from '../../src-shared/rpc/plan';
import { describeInputAdapter, type RunSummary } from '../../src-shared/domain/runs';
import {
  adapterInfoFacts,
  adapterLimitsLine,
  deviceKey,
  distinctDevices,
} from '../../src-shared/domain/runDeviceText';

/**
 * Formatting shared by `run`'s summary and `runs`: one row per run, labelled by its variant
 * (issue 10: two variants of one strategy are different things), and `run`'s summary per
 * variant with the time the experiment took beside the time its plan estimated.
 */

export function formatMetric(value: number | null | undefined): string {
  if (value === undefined) return '';
  // The store keeps a non-finite value as null (see the event contract).
  if (value === null || !Number.isFinite(value)) return 'NaN';
  return value.toFixed(4);
}

/**
 * An accuracy in the tables in percent, as the UI and the reports show it (issue 14: one unit
 * everywhere; the column header says `%`). `--json` keeps the stored fraction.
 */
export function formatAccuracy(value: number | null | undefined): string {
  if (value === undefined) return '';
  if (value === null || !Number.isFinite(value)) return 'NaN';
  return (value * 100).toFixed(2);
}

/** Seconds between two ISO timestamps, as `42.1s` or `3m 05s`; empty when unknown. */
export function formatDuration(startedAt: string | null, finishedAt: string | null): string {
  if (startedAt === null || finishedAt === null) return '';
  const seconds = (Date.parse(finishedAt) - Date.parse(startedAt)) / 1000;
  if (!Number.isFinite(seconds) || seconds < 0) return '';
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds - minutes * 60);
  if (minutes < 60) return `${minutes}m ${String(rest).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** `source → target` for a transfer run; a source run says it trains the source model. */
export function transferLabel(run: Pick<RunSummary, 'kind' | 'sourceName' | 'targetName'>): string {
  return runDomainsLabel(run);
}

/**
 * A cli-table3 table's head and style: heads in red when `color` (useColor(io), io.ts: a
 * terminal unless NO_COLOR, or FORCE_COLOR), plain otherwise. The escape codes are ours rather
 * than the library's own style colours, which follow its supports-color guess (off whenever
 * CI is set) instead of this decision.
 */
export function tableHead(
  head: readonly string[],
  color: boolean,
): { head: string[]; style: { head: string[]; border: string[] } } {
  return {
    head: color ? head.map((h) => `\u001b[31m${h}\u001b[39m`) : [...head],
    style: { head: [], border: [] },
  };
}

export const RUN_COLUMNS = [
  'run',
  'kind',
  'strategy',
  'variant',
  'source → target',
  'budget',
  'seed',
  'status',
  'backend',
  'device',
  'test_acc %',
  'test_loss',
  'duration',
] as const;

export function runRow(run: RunSummary): string[] {
  return [
    String(run.id),
    run.kind,
    run.strategy,
    run.variant,
    transferLabel(run),
    String(run.budget),
    String(run.seed),
    run.error !== null && run.status !== 'completed'
      ? `${run.status}*`
      : run.status === 'queued' && run.executor === 'slurm'
        ? 'waiting in Slurm'
        : run.status,
    run.backend ?? '',
    run.device?.label ?? '',
    formatAccuracy(run.finalMetrics?.test_acc),
    formatMetric(run.finalMetrics?.test_loss),
    formatDuration(run.startedAt, run.finishedAt),
  ];
}

/**
 * The GPU adapters the runs computed on, each once (issue 15): its label, what GPUAdapterInfo
 * said of it and the limits that bound training. The table's device column names it per run.
 */
export function adapterLines(runs: readonly Pick<RunSummary, 'id' | 'device'>[]): string[] {
  const lines: string[] = [];
  for (const { device } of distinctDevices(runs.map((r) => r.device))) {
    const adapter = device.adapter;
    if (!adapter) continue;
    const key = deviceKey(device);
    const ids = runs.filter((r) => r.device && deviceKey(r.device) === key).map((r) => r.id);
    lines.push(
      `device ${device.label} (run${ids.length === 1 ? '' : 's'} ${compactIds(ids)}):`,
      ...adapterInfoFacts(adapter).map((f) => `  ${f.label}: ${f.value}`),
      `  limits: ${adapterLimitsLine(adapter)}`,
    );
  }
  return lines;
}

/** `1-3, 7` for ids 1, 2, 3, 7. */
function compactIds(ids: readonly number[]): string {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] ?? 0) + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}

/**
 * The runs as a table; colours only on a terminal. Errors are listed below it (marked `*`), then
 * the input adapters of runs whose target rows were fitted to the source's shape, then the GPU
 * adapters the runs used.
 */
export function runsTable(runs: readonly RunSummary[], color: boolean): string {
  const table = new Table({
    ...tableHead([...RUN_COLUMNS], color),
  });
  for (const run of runs) table.push(runRow(run));
  const errors = runs
    .filter((run) => run.error !== null && run.status !== 'completed')
    .map((run) => `* run ${run.id}: ${run.error ?? ''}`);
  const adapters = runs.flatMap((run) =>
    run.inputAdapter
      ? [`run ${run.id} input adapter: ${describeInputAdapter(run.inputAdapter)}`]
      : [],
  );
  return [table.toString(), ...errors, ...adapters, ...adapterLines(runs)].join('\n') + '\n';
}

export const VARIANT_COLUMNS = [
  'variant',
  'strategy',
  'source → target',
  'budget',
  'completed',
  'test_acc %',
  'test_loss',
] as const;

/** `mean ± std (n=k)` of the finite values, `mean (n=1)` for one; empty for none. */
function meanOf(
  values: readonly (number | null | undefined)[],
  format: (value: number) => string = formatMetric,
): string {
  const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (finite.length === 0) return '';
  const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
  if (finite.length === 1) return `${format(mean)} (n=1)`;
  const variance = finite.reduce((a, v) => a + (v - mean) ** 2, 0) / (finite.length - 1);
  return `${format(mean)} ± ${format(Math.sqrt(variance))} (n=${finite.length})`;
}

/**
 * The transfer runs grouped by variant, (source, target) and budget, in the order they first
 * appear: how many completed, and their mean test metrics over seeds. Each variant is its own
 * group, so plain fine-tuning and L2-SP are never averaged together. Empty without transfer runs.
 */
export function variantsTable(runs: readonly RunSummary[], color: boolean): string {
  const groups = new Map<string, RunSummary[]>();
  for (const run of runs) {
    if (run.kind === 'source') continue;
    const key = JSON.stringify([run.variant, transferLabel(run), run.budget]);
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  if (groups.size === 0) return '';
  const table = new Table({
    ...tableHead([...VARIANT_COLUMNS], color),
  });
  for (const members of groups.values()) {
    const first = members[0];
    if (!first) continue;
    const done = members.filter((r) => r.status === 'completed');
    table.push([
      first.variant,
      first.strategy,
      transferLabel(first),
      String(first.budget),
      `${done.length}/${members.length}`,
      meanOf(
        done.map((r) => r.finalMetrics?.test_acc),
        formatAccuracy,
      ),
      meanOf(done.map((r) => r.finalMetrics?.test_loss)),
    ]);
  }
  return `${table.toString()}\n`;
}

/** What `run --json` says about time: the real wall time beside the plan's estimate. */
export interface RunTiming {
  /** First start to last end of the experiment's runs; null while a run has not ended. */
  wallSeconds: number | null;
  /**
   * The estimate recorded with the plan when the experiment was created; null when none was, or
   * when it estimated no run (nothing comparable had been measured).
   */
  estimatedWallSeconds: number | null;
  /** Whether the estimate is an upper bound (early stopping may end runs sooner). */
  estimateUpperBound: boolean | null;
  /** Planned runs the estimate left out (nothing comparable was measured). */
  unestimatedRuns: number | null;
}

/** The plan's estimate, unless it estimated no run at all (nothing comparable was measured). */
function estimateOf(detail: Pick<ExperimentDetail, 'plan'>): PlanEstimate | null {
  const estimate = detail.plan?.estimate ?? null;
  if (estimate === null) return null;
  return estimate.basis.measured + estimate.basis.calibrated > 0 ? estimate : null;
}

export function runTiming(detail: Pick<ExperimentDetail, 'plan' | 'timing'>): RunTiming {
  const estimate = estimateOf(detail);
  return {
    wallSeconds: detail.timing.wallSeconds,
    estimatedWallSeconds: estimate?.wallSeconds ?? null,
    estimateUpperBound: estimate?.upperBound ?? null,
    unestimatedRuns: estimate?.basis.unknown ?? null,
  };
}

/** One line: `Wall time: 3m 05s; the plan estimated 2m 40s.`, or why there is no estimate. */
export function timingLine(detail: Pick<ExperimentDetail, 'plan' | 'timing'>): string {
  const t = runTiming(detail);
  const real =
    t.wallSeconds === null
      ? `Wall time: not final (${detail.timing.unfinished} run${detail.timing.unfinished === 1 ? '' : 's'} not ended)`
      : `Wall time: ${formatSeconds(t.wallSeconds)}`;
  if (t.estimatedWallSeconds === null) {
    const nothingMeasured = detail.plan?.estimate != null;
    return `${real}; no estimate recorded${nothingMeasured ? ' (nothing comparable had been measured in this workspace)' : ''}.\n`;
  }
  const left =
    t.unestimatedRuns !== null && t.unestimatedRuns > 0
      ? `, leaving out ${t.unestimatedRuns} run${t.unestimatedRuns === 1 ? '' : 's'} with nothing comparable measured`
      : '';
  const bound =
    t.estimateUpperBound === true ? ' (an upper bound: early stopping may end runs sooner)' : '';
  return `${real}; the plan estimated ${formatSeconds(t.estimatedWallSeconds)}${bound}${left}.\n`;
}
