import Table from 'cli-table3';
import { describeInputAdapter, type RunSummary } from '../../src-shared/domain/runs';

/** Formatting shared by `run`'s summary and `runs`: one row per run. */

export function formatMetric(value: number | null | undefined): string {
  if (value === undefined) return '';
  // The store keeps a non-finite value as null (see the event contract).
  if (value === null || !Number.isFinite(value)) return 'NaN';
  return value.toFixed(4);
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

/** `source → target` for a transfer run; a source run (or scratch) names its one domain. */
export function transferLabel(run: Pick<RunSummary, 'kind' | 'sourceName' | 'targetName'>): string {
  return run.kind === 'source' || run.sourceName === null
    ? run.targetName
    : `${run.sourceName} → ${run.targetName}`;
}

export const RUN_COLUMNS = [
  'run',
  'kind',
  'strategy',
  'source → target',
  'budget',
  'seed',
  'status',
  'backend',
  'test_acc',
  'test_loss',
  'duration',
] as const;

export function runRow(run: RunSummary): string[] {
  return [
    String(run.id),
    run.kind,
    run.strategy,
    transferLabel(run),
    String(run.budget),
    String(run.seed),
    run.error !== null && run.status !== 'completed' ? `${run.status}*` : run.status,
    run.backend ?? '',
    formatMetric(run.finalMetrics?.test_acc),
    formatMetric(run.finalMetrics?.test_loss),
    formatDuration(run.startedAt, run.finishedAt),
  ];
}

/**
 * The runs as a table; colours only on a terminal. Errors are listed below it (marked `*`), then
 * the input adapters of runs whose target rows were fitted to the source's shape.
 */
export function runsTable(runs: readonly RunSummary[], color: boolean): string {
  const table = new Table({
    head: [...RUN_COLUMNS],
    style: color ? {} : { head: [], border: [] },
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
  return [table.toString(), ...errors, ...adapters].join('\n') + '\n';
}
