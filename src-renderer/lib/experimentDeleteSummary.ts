import type { ExperimentDeletePreview } from '../../src-shared/rpc/experiments';
import { formatBytes } from '../state/importProgress';
import { formatInt, plural } from './format';

/** "#4", "#4 and #5", "#4, #5 and #6" (at most `max` ids, then "and N more"). */
export function idList(ids: readonly number[], max = 6): string {
  const names = ids.slice(0, max).map((id) => `#${id}`);
  if (ids.length > max) return `${names.join(', ')} and ${formatInt(ids.length - max)} more`;
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`;
}

/**
 * What the delete dialog says (issue 14, point 5): what goes, what stays, what stops the delete
 * (it cannot be confirmed then) and what only warns. Pure, so the wording is tested once.
 */
export interface ExperimentDeleteSummary {
  goes: string[];
  stays: string[];
  blockers: string[];
  warnings: string[];
}

export function summariseExperimentDelete(p: ExperimentDeletePreview): ExperimentDeleteSummary {
  const goes = [
    p.runs === 0
      ? 'No runs'
      : `${plural(p.runs, 'run')}, with their ${plural(p.metricValues, 'metric value')} and ${plural(p.logLines, 'log line')}, tags and notes`,
    p.models.folders === 0
      ? 'No saved model files'
      : `${plural(p.models.folders, 'saved model folder')} (${formatBytes(p.models.bytes)} on disk)`,
    'Its design and plan',
  ];
  const stays = ['The datasets and domains it used'];
  if (p.sharedModelFolders > 0) {
    stays.push(`${plural(p.sharedModelFolders, 'model folder')} that other runs also use`);
  }
  const blockers: string[] = [];
  if (p.active.length > 0) {
    const queued = p.active.filter((r) => r.status === 'queued').map((r) => r.id);
    const running = p.active.filter((r) => r.status === 'running').map((r) => r.id);
    const parts = [
      running.length > 0 ? `${idList(running)} running` : null,
      queued.length > 0 ? `${idList(queued)} queued` : null,
    ].filter((x) => x !== null);
    blockers.push(`Runs ${parts.join(' and ')}: cancel the experiment first.`);
  }
  for (const d of p.dependants) {
    blockers.push(
      `Experiment #${d.experimentId} “${d.name}” has ${plural(d.runIds.length, 'run')} (${idList(d.runIds)}) that start${d.runIds.length === 1 ? 's' : ''} from this experiment's source models: delete ${d.runIds.length === 1 ? 'it' : 'them'} first.`,
    );
  }
  const warnings: string[] = [];
  if (p.reports > 0) {
    warnings.push(
      `${plural(p.reports, 'saved report')} compared some of these runs: the report files stay, but they can no longer be regenerated.`,
    );
  }
  return { goes, stays, blockers, warnings };
}
