import type { ComparedRun, Comparison } from '../../src-shared/rpc/compare';
import {
  DEVICE_NOT_RECORDED,
  adapterLimitsLine,
  deviceKey,
  distinctDevices,
} from '../../src-shared/domain/runDeviceText';
import {
  formatBudget,
  formatDiffCi,
  formatMetricCell,
  formatMetricDiff,
  formatMetricValue,
  formatP,
  formatSource,
  formatTest,
  formatVerdict,
} from './numbers';
import {
  baselineName,
  hasSelectedRows,
  pickShare,
  ruleLabel,
  trainLabelsText,
  validationLabelsText,
} from './selectionText';

/**
 * The report's tables as plain strings, built once from a comparison: HTML, Markdown and LaTeX
 * each render these with their own escaping, so the formats cannot disagree on a number.
 * Rows are variants (issue 10): two variants of one strategy are two rows, labelled by their
 * variant, never by the strategy alone. When model selection chose a row among variants, a
 * `rule` column says so (and whether it was the oracle, selected on test).
 */
export interface TextTable {
  id: string;
  title: string;
  caption: string;
  header: string[];
  rows: string[][];
  /** Rows to draw attention to (negative transfer), by index. */
  flagged?: ReadonlySet<number>;
}

function betterWord(comparison: Comparison): string {
  return comparison.higherIsBetter ? 'higher is better' : 'lower is better';
}

/** The caption's sentence on selected rows, when there are any. */
function selectedSentence(comparison: Comparison): string {
  const { selection } = comparison;
  if (selection === null) return '';
  return selection.mode === 'oracle'
    ? ' Rows marked "oracle: selected on test" chose their variant on the test metric itself: an upper bound, not a result (see Model selection).'
    : ` Rows marked "selected on validation" chose their variant on ${selection.selectBy} per source, target, budget and seed (see Model selection).`;
}

export function summaryTable(comparison: Comparison): TextTable {
  const { summary } = comparison;
  const by = summary.columnsBy === 'target-budget' ? 'target and budget' : summary.columnsBy;
  const withRule = hasSelectedRows(comparison);
  return {
    id: 'summary',
    title: 'Summary',
    caption:
      `Final ${summary.metric} (${betterWord(comparison)}): mean ± standard deviation over seeds (n runs), by variant and ${by}.` +
      selectedSentence(comparison),
    header: ['variant', ...(withRule ? ['rule'] : []), ...summary.columns],
    rows: summary.rows.map((row) => [
      row.variant,
      ...(withRule ? [ruleLabel(row.rule)] : []),
      ...row.cells.map((cell) => formatMetricCell(cell, summary.metric)),
    ]),
  };
}

export function gainsTable(comparison: Comparison): TextTable {
  const { options } = comparison.request;
  const metric = comparison.summary.metric;
  const test = options.test === 't' ? 'paired t-test' : 'Wilcoxon signed-rank test';
  const withRule = hasSelectedRows(comparison);
  const baseline = baselineName(comparison);
  const flagged = new Set<number>();
  const rows = comparison.gains.map((g, i) => {
    if (g.negativeTransfer) flagged.add(i);
    const unpaired =
      g.strategyOnlySeeds.length + g.baselineOnlySeeds.length + g.incompleteSeeds.length;
    return [
      formatSource(g.sourceName),
      g.targetName,
      formatBudget(g.budget),
      g.variant,
      ...(withRule ? [ruleLabel(g.rule)] : []),
      String(g.n) + (unpaired > 0 ? ` (+${unpaired} unpaired)` : ''),
      formatMetricValue(g.strategyMean, metric),
      formatMetricValue(g.baselineMean, metric),
      formatMetricDiff(g.meanDiff, metric),
      formatDiffCi(g.diff, metric),
      formatTest(g.tTest),
      formatTest(g.wilcoxon),
      formatP(g.pHolm),
      formatVerdict(g),
    ];
  });
  // The baseline's rule from its summary row, so it shows even when no gain could be paired.
  const baselineRule =
    comparison.summary.rows.find((r) => r.variant === comparison.baseline)?.rule ??
    comparison.gains[0]?.baselineRule ??
    'as-run';
  return {
    id: 'gains',
    title: 'Transfer gains',
    caption:
      `Δ = variant − ${baseline}${baselineRule === 'as-run' ? '' : ` (${ruleLabel(baselineRule)})`} on ${comparison.summary.metric}, paired by seed. ` +
      `Verdicts use the ${test}, Holm-corrected across every gain at α = ${options.alpha}; ` +
      'negative transfer = significantly worse than the baseline.' +
      (comparison.baseline === null
        ? ` No compared row is the baseline "${options.baseline}": no gains (see Notes).`
        : ''),
    header: [
      'source',
      'target',
      'budget',
      'variant',
      ...(withRule ? ['rule'] : []),
      'pairs',
      'variant mean',
      'baseline mean',
      'Δ',
      '95% CI of Δ',
      't-test p',
      'Wilcoxon p',
      'Holm p',
      'verdict',
    ],
    rows,
    flagged,
  };
}

export function winTieLossTable(comparison: Comparison): TextTable {
  const withRule = hasSelectedRows(comparison);
  const rules = new Map(comparison.summary.rows.map((r) => [r.variant, r.rule]));
  return {
    id: 'win-tie-loss',
    title: 'Win / tie / loss',
    caption: `Cells where each variant beat, tied or lost to ${baselineName(comparison)}.`,
    header: ['variant', ...(withRule ? ['rule'] : []), 'win', 'tie', 'loss', 'untested'],
    rows: comparison.winTieLoss.map((w) => [
      w.variant,
      ...(withRule ? [ruleLabel(rules.get(w.variant) ?? 'as-run')] : []),
      String(w.win),
      String(w.tie),
      String(w.loss),
      String(w.untested),
    ]),
  };
}

/**
 * Model selection, one table per strategy whose variants were reduced to one row: how often each
 * variant was chosen, and how many labelled validation and training rows each choice used and
 * where they came from.
 */
export function selectionTables(comparison: Comparison): TextTable[] {
  const { selection } = comparison;
  if (selection === null) return [];
  return selection.groups.map((group, i) => ({
    id: `selection-${i + 1}`,
    title: `Model selection: ${group.row}`,
    caption:
      `${ruleLabel(selection.rule)}: the ${group.variants.length} variants of ${group.strategy} reduced to the row "${group.row}", ` +
      `${group.choices} choice${group.choices === 1 ? '' : 's'} (one per source, target, budget and seed); ` +
      'picks: how often each variant was chosen.',
    header: [
      'selected row',
      'rule',
      'variant',
      'picks',
      'choices',
      'validation labels per choice',
      'training labels per choice',
    ],
    rows: group.picks.map((p) => [
      group.row,
      ruleLabel(selection.rule),
      p.variant,
      `${p.count} (${pickShare(p.count, group.choices)})`,
      String(group.choices),
      validationLabelsText(selection, group),
      trainLabelsText(group),
    ]),
  }));
}

export function runsTable(comparison: Comparison): TextTable {
  const { selection } = comparison;
  const selectBy = selection?.mode === 'validation' ? selection.selectBy : null;
  return {
    id: 'runs',
    title: 'Runs',
    caption:
      `Every compared run; variant = the row it is compared in; value = final ${comparison.summary.metric}.` +
      (selectBy === null ? '' : ` ${selectBy}: the value model selection chose on.`),
    header: [
      'run',
      'experiment',
      'kind',
      'strategy',
      'variant',
      'source',
      'target',
      'budget',
      'seed',
      'status',
      'device',
      'value',
      ...(selectBy === null ? [] : [selectBy]),
      'tags',
      'notes',
    ],
    rows: comparison.runs.map((r) => [
      `#${r.id}`,
      `${r.experimentName} (#${r.experimentId})`,
      r.kind,
      r.strategy,
      r.variant,
      // A source run trains the source model on its one domain: no target (issue 14).
      r.kind === 'source' ? (r.sourceName ?? r.targetName) : formatSource(r.sourceName),
      r.kind === 'source' ? '(source model)' : r.targetName,
      formatBudget(r.budget),
      String(r.seed),
      r.status,
      runDeviceCell(r),
      formatMetricValue(r.value, comparison.summary.metric),
      ...(selectBy === null ? [] : [formatMetricValue(r.selectionValue, selectBy)]),
      r.tags.join(', '),
      r.notes ?? '',
    ]),
  };
}

/** A run's backend and device, `webgpu on llvmpipe… (software GPU)`; what is not recorded says so. */
function runDeviceCell(r: Pick<ComparedRun, 'backend' | 'device'>): string {
  if (r.backend === null && r.device === null) return DEVICE_NOT_RECORDED;
  if (r.device === null) return `${r.backend ?? ''} (device ${DEVICE_NOT_RECORDED})`;
  return r.backend === null ? r.device.label : `${r.backend} on ${r.device.label}`;
}

/** The backends of some runs, once each, in order of first appearance. */
const backendsOf = (runs: readonly ComparedRun[]): string =>
  [...new Set(runs.map((r) => r.backend ?? DEVICE_NOT_RECORDED))].join(', ');

/**
 * The devices the compared runs computed on, each listed once with what its adapter reported
 * and the limits that bound training (issue 15); runs recorded before devices were (or before
 * their trainer started) are counted in a last row, never given a device.
 */
export function devicesTable(comparison: Comparison): TextTable {
  const runs = comparison.runs;
  const rows = distinctDevices(runs.map((r) => r.device)).map(({ device, count }) => {
    const key = deviceKey(device);
    const on = runs.filter((r) => r.device !== null && deviceKey(r.device) === key);
    const a = device.adapter;
    return [
      device.label,
      device.kind,
      backendsOf(on),
      String(count),
      ...(a
        ? [
            a.vendor,
            a.architecture,
            a.device,
            a.description,
            a.software ? 'yes' : 'no',
            adapterLimitsLine(a),
          ]
        : ['', '', '', '', '', '']),
    ];
  });
  const unrecorded = runs.filter((r) => r.device === null);
  if (unrecorded.length > 0) {
    rows.push([
      DEVICE_NOT_RECORDED,
      '',
      backendsOf(unrecorded),
      String(unrecorded.length),
      '',
      '',
      '',
      '',
      '',
      '',
    ]);
  }
  return {
    id: 'environment',
    title: 'Environment',
    caption:
      'The devices the compared runs computed on, each once: the GPU adapter as WebGPU reported it and the limits that bound training.',
    header: [
      'device',
      'kind',
      'backend',
      'runs',
      'vendor',
      'architecture',
      'adapter',
      'description',
      'software',
      'limits',
    ],
    rows,
  };
}

/**
 * One sentence for formats without the table (LaTeX): `Computed on llvmpipe… (software GPU)
 * (webgpu, 12 runs); 3 runs recorded no device.`
 */
export function devicesSentence(comparison: Comparison): string {
  const runs = comparison.runs;
  const plural = (n: number): string => `${n} run${n === 1 ? '' : 's'}`;
  const devices = distinctDevices(runs.map((r) => r.device)).map(({ device, count }) => {
    const key = deviceKey(device);
    const on = runs.filter((r) => r.device !== null && deviceKey(r.device) === key);
    return `${device.label} (${backendsOf(on)}, ${plural(count)})`;
  });
  const unrecorded = runs.filter((r) => r.device === null).length;
  const parts = [
    ...(devices.length > 0 ? [`Computed on ${devices.join('; ')}`] : []),
    ...(unrecorded > 0 ? [`${plural(unrecorded)} recorded no device`] : []),
  ];
  return parts.length === 0 ? '' : `${parts.join('; ')}.`;
}

export function excludedTable(comparison: Comparison): TextTable {
  return {
    id: 'excluded',
    title: 'Excluded runs',
    caption: 'Selected runs left out of the statistics, and why.',
    header: ['run', 'reason'],
    rows: comparison.excluded.map((e) => [`#${e.runId}`, e.reason]),
  };
}

/** The tables before the charts, in the order the reports show them. */
export function resultTables(comparison: Comparison): TextTable[] {
  return [summaryTable(comparison), gainsTable(comparison), winTieLossTable(comparison)];
}
