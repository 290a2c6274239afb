import type { RunSummary } from '../../src-shared/domain/runs';
import type { BatchProgress } from '../state/runs.svelte';
import { formatBudget } from './format';

/** A run's progress as a fraction and a label, from epochs done and the latest batch progress. */
export function runProgress(
  run: RunSummary,
  batch: BatchProgress | undefined,
): { value: number; label: string; tone: 'running' | 'done' | 'idle' | 'bad' } {
  const epochs = run.epochs > 0 ? run.epochs : 1;
  let value = run.epochsDone / epochs;
  if (run.status === 'running' && batch && batch.batches > 0) {
    value += Math.min(1, batch.batch / batch.batches) / epochs;
  }
  if (run.status === 'completed') value = 1;
  const tone =
    run.status === 'completed'
      ? 'done'
      : run.status === 'running'
        ? 'running'
        : run.status === 'queued' || run.status === 'cancelled'
          ? 'idle'
          : 'bad';
  return { value: Math.min(1, value), label: `epoch ${run.epochsDone}/${run.epochs}`, tone };
}

/**
 * A compact, unique label for a run in legends and tooltips. Domains are named only when the
 * experiment has several (the legend is narrow).
 */
export function runLabel(run: RunSummary, withDomains = true): string {
  const budget = formatBudget(run.budget);
  if (run.kind === 'source') {
    return withDomains
      ? `#${run.id} source ${domainsLabel(run)} · s${run.seed}`
      : `#${run.id} source · s${run.seed}`;
  }
  return withDomains
    ? `#${run.id} ${run.strategy} → ${run.targetName} · ${budget} · s${run.seed}`
    : `#${run.id} ${run.strategy} · ${budget} · s${run.seed}`;
}

export function domainsLabel(run: RunSummary): string {
  // A source run trains on one domain: name it once, whichever field the core fills in.
  if (run.kind === 'source') return run.sourceName ?? run.targetName;
  return run.sourceName === null ? run.targetName : `${run.sourceName} → ${run.targetName}`;
}
