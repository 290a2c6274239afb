import type { Comparison } from '../../src-shared/rpc/compare';
import type { ReportFormat } from '../../src-shared/rpc/reports';
import { regenerateCommand, requestJson } from './regenerate';
import { selectionLine } from './selectionText';
import type { TextTable } from './tables';

/** What every format prints besides the comparison: its title and how to rebuild it. */
export interface ReportContext {
  title: string;
  generatedAt: string;
  requestJson: string;
  command: string;
  /** Per compared row, its summed confusion matrix, classes named (confusionTables.ts). */
  confusion: TextTable[];
  /** Issue 14, point 3: MMD² and proxy A-distance of runs with a computed embedding. */
  embeddings?: TextTable[];
}

export function reportContext(
  comparison: Comparison,
  format: ReportFormat,
  title: string,
  confusion: TextTable[] = [],
): ReportContext {
  return {
    title,
    confusion,
    generatedAt: comparison.generatedAt,
    requestJson: requestJson(comparison.request),
    command: regenerateCommand(comparison.request, format, title),
  };
}

/** "Comparison of <experiments>", from the runs' experiment names (or a count). */
export function defaultTitle(comparison: Comparison): string {
  const names = [...new Set(comparison.runs.map((r) => r.experimentName))];
  if (names.length === 0) return 'Comparison';
  const joined =
    names.slice(0, 3).join(', ') + (names.length > 3 ? ` and ${names.length - 3} more` : '');
  return `Comparison of ${joined}`.slice(0, 200);
}

/** The options a reader needs to read the numbers, in one line. */
export function describeOptions(comparison: Comparison): string {
  const o = comparison.request.options;
  const test = o.test === 't' ? 'paired t-test' : 'Wilcoxon signed-rank test';
  const baseline =
    comparison.baseline === null
      ? `baseline ${o.baseline} (matches no compared row)`
      : `baseline ${comparison.baseline}`;
  return (
    `Metric ${o.metric} (${comparison.higherIsBetter ? 'higher' : 'lower'} is better), ` +
    `${baseline}, ${test}, Holm-corrected at α = ${o.alpha}; ` +
    `${comparison.runs.length} runs, ${comparison.excluded.length} excluded. ` +
    selectionLine(comparison.selection)
  );
}
