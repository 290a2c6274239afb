import type { CompareRequest } from '../../src-shared/rpc/compare';
import { CompareOptionsSchema } from '../../src-shared/rpc/compare';
import type { ReportFormat } from '../../src-shared/rpc/reports';
import { reportFileName } from './fileName';

/**
 * How a report says what it compared (issue 5: "a report records what it compared so it can be
 * regenerated"): the request as JSON, and the command line that rebuilds it. Options the
 * command's flags cannot say (group-by, band, α, …) are passed as the JSON file instead.
 */
const DEFAULTS = CompareOptionsSchema.parse({});

/** POSIX shell quoting: plain words stay bare, anything else goes in single quotes. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_.,:/=@%+-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Whether the flags of `transferlab report` can say every option that differs from default. */
function flagsSuffice(request: CompareRequest): boolean {
  const o = request.options;
  return (
    o.higherIsBetter === undefined &&
    o.alpha === DEFAULTS.alpha &&
    o.curveMetric === DEFAULTS.curveMetric &&
    JSON.stringify(o.groupBy) === JSON.stringify(DEFAULTS.groupBy) &&
    o.band === DEFAULTS.band &&
    o.summaryColumns === DEFAULTS.summaryColumns &&
    // `--select-by` goes with `--selection validation` only.
    (o.selectBy === undefined || o.selection === 'validation')
  );
}

export function regenerateCommand(
  request: CompareRequest,
  format: ReportFormat,
  title: string,
): string {
  const out = reportFileName(title, format);
  const words = ['npx', 'transferlab', 'report'];
  if (!flagsSuffice(request)) {
    words.push('--request', 'request.json');
  } else {
    const { selection, options } = request;
    words.push(...selection.experimentIds.map(String));
    if (selection.runIds.length > 0) words.push('--runs', selection.runIds.join(','));
    if (options.metric !== DEFAULTS.metric) words.push('--metric', options.metric);
    if (options.baseline !== DEFAULTS.baseline) words.push('--baseline', options.baseline);
    if (options.test !== DEFAULTS.test) words.push('--test', options.test);
    if (options.selection !== DEFAULTS.selection) words.push('--selection', options.selection);
    if (options.selectBy !== undefined) words.push('--select-by', options.selectBy);
  }
  words.push('--title', title, '--format', format, '--out', out);
  return words.map(shellQuote).join(' ');
}

export function requestJson(request: CompareRequest): string {
  return JSON.stringify(request, null, 2);
}
