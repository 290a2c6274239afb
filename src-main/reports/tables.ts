import type { Comparison } from '../../src-shared/rpc/compare';
import {
  formatBudget,
  formatCell,
  formatCi,
  formatP,
  formatSource,
  formatTest,
  formatValue,
  formatVerdict,
} from './numbers';

/**
 * The report's tables as plain strings, built once from a comparison: HTML, Markdown and LaTeX
 * each render these with their own escaping, so the formats cannot disagree on a number.
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

export function summaryTable(comparison: Comparison): TextTable {
  const { summary } = comparison;
  const by = summary.columnsBy === 'target-budget' ? 'target and budget' : summary.columnsBy;
  return {
    id: 'summary',
    title: 'Summary',
    caption: `Final ${summary.metric} (${betterWord(comparison)}): mean ± standard deviation over seeds (n runs), by strategy and ${by}.`,
    header: ['strategy', ...summary.columns],
    rows: summary.rows.map((row) => [row.strategy, ...row.cells.map(formatCell)]),
  };
}

export function gainsTable(comparison: Comparison): TextTable {
  const { options } = comparison.request;
  const test = options.test === 't' ? 'paired t-test' : 'Wilcoxon signed-rank test';
  const flagged = new Set<number>();
  const rows = comparison.gains.map((g, i) => {
    if (g.negativeTransfer) flagged.add(i);
    const unpaired =
      g.strategyOnlySeeds.length + g.baselineOnlySeeds.length + g.incompleteSeeds.length;
    return [
      formatSource(g.sourceName),
      g.targetName,
      formatBudget(g.budget),
      g.strategy,
      String(g.n) + (unpaired > 0 ? ` (+${unpaired} unpaired)` : ''),
      formatValue(g.strategyMean),
      formatValue(g.baselineMean),
      formatValue(g.meanDiff),
      formatCi(g.diff),
      formatTest(g.tTest),
      formatTest(g.wilcoxon),
      formatP(g.pHolm),
      formatVerdict(g),
    ];
  });
  return {
    id: 'gains',
    title: 'Transfer gains',
    caption:
      `Δ = strategy − ${options.baseline} on ${comparison.summary.metric}, paired by seed. ` +
      `Verdicts use the ${test}, Holm-corrected across every gain at α = ${options.alpha}; ` +
      'negative transfer = significantly worse than the baseline.',
    header: [
      'source',
      'target',
      'budget',
      'strategy',
      'pairs',
      'strategy mean',
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
  return {
    id: 'win-tie-loss',
    title: 'Win / tie / loss',
    caption: `Cells where each strategy beat, tied or lost to ${comparison.request.options.baseline}.`,
    header: ['strategy', 'win', 'tie', 'loss', 'untested'],
    rows: comparison.winTieLoss.map((w) => [
      w.strategy,
      String(w.win),
      String(w.tie),
      String(w.loss),
      String(w.untested),
    ]),
  };
}

export function runsTable(comparison: Comparison): TextTable {
  return {
    id: 'runs',
    title: 'Runs',
    caption: `Every compared run; value = final ${comparison.summary.metric}.`,
    header: [
      'run',
      'experiment',
      'kind',
      'strategy',
      'source',
      'target',
      'budget',
      'seed',
      'status',
      'value',
      'tags',
      'notes',
    ],
    rows: comparison.runs.map((r) => [
      `#${r.id}`,
      `${r.experimentName} (#${r.experimentId})`,
      r.kind,
      r.strategy,
      formatSource(r.sourceName),
      r.targetName,
      formatBudget(r.budget),
      String(r.seed),
      r.status,
      formatValue(r.value),
      r.tags.join(', '),
      r.notes ?? '',
    ]),
  };
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

/** Every table, in the order the reports show them. */
export function reportTables(comparison: Comparison): TextTable[] {
  return [
    summaryTable(comparison),
    gainsTable(comparison),
    winTieLossTable(comparison),
    runsTable(comparison),
    excludedTable(comparison),
  ];
}
