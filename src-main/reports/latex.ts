import type { Comparison } from '../../src-shared/rpc/compare';
import { describeOptions, type ReportContext } from './reportContext';
import {
  devicesSentence,
  gainsTable,
  selectionTables,
  summaryTable,
  winTieLossTable,
  type TextTable,
} from './tables';

/**
 * The LaTeX report: a small document with the summary, gains and win/tie/loss tables in
 * booktabs style (and, when the comparison has them, its notes and model selection), ready to compile or to copy a `table` environment from. Every string is
 * escaped character by character (so an escape is never escaped again); the few symbols the
 * tables use (±, Δ, α, →, …) become math-mode commands so the default fonts have them.
 */
const LATEX_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\textbackslash{}',
  '{': '\\{',
  '}': '\\}',
  $: '\\$',
  '&': '\\&',
  '#': '\\#',
  '^': '\\textasciicircum{}',
  _: '\\_',
  '~': '\\textasciitilde{}',
  '%': '\\%',
  '<': '\\textless{}',
  '>': '\\textgreater{}',
  '|': '\\textbar{}',
  '"': '\\textquotedbl{}',
  '±': '$\\pm$',
  Δ: '$\\Delta$',
  α: '$\\alpha$',
  '→': '$\\to$',
  '∞': '$\\infty$',
  '−': '$-$',
  '–': '--',
  '⚠': '(!)',
  λ: '$\\lambda$',
  '×': '$\\times$',
  '·': '$\\cdot$',
  '≈': '$\\approx$',
  '…': '\\ldots{}',
  '\n': ' ',
  '\r': ' ',
  '\t': ' ',
};

export function escapeLatex(text: string): string {
  let out = '';
  for (const ch of text) out += LATEX_ESCAPES[ch] ?? ch;
  return out;
}

function tabular(table: TextTable, label: string): string {
  const header = table.header.map((h) => `\\textbf{${escapeLatex(h)}}`).join(' & ');
  const rows =
    table.rows.length === 0
      ? [`\\multicolumn{${table.header.length}}{l}{None.} \\\\`]
      : table.rows.map(
          (cells, i) =>
            // A row opening with `[` would be read as the optional argument of the `\\` or
            // `\midrule` before it (a variant label may start with one): `{}` ends that.
            cells.map(escapeLatex).join(' & ').replace(/^\[/, '{}[') +
            ' \\\\' +
            (table.flagged?.has(i) === true ? ' % negative transfer' : ''),
        );
  return [
    '\\begin{table}[htbp]',
    '\\centering',
    '\\small',
    `\\caption{${escapeLatex(table.caption)}}`,
    `\\label{tab:${label}}`,
    '\\resizebox{\\textwidth}{!}{%',
    `\\begin{tabular}{${'l'.repeat(table.header.length)}}`,
    '\\toprule',
    `${header} \\\\`,
    '\\midrule',
    ...rows,
    '\\bottomrule',
    '\\end{tabular}}',
    '\\end{table}',
  ].join('\n');
}

/** The gains table without the columns a page cannot fit (the means are in the summary). */
function compactGains(comparison: Comparison): TextTable {
  const full = gainsTable(comparison);
  const drop = new Set(['variant mean', 'baseline mean']);
  const keep = full.header.map((h, i) => (drop.has(h) ? -1 : i)).filter((i) => i >= 0);
  return {
    ...full,
    header: keep.map((i) => full.header[i] ?? ''),
    rows: full.rows.map((row) => keep.map((i) => row[i] ?? '')),
  };
}

/** Notes and model selection: what a reader must know besides the tables' numbers. */
function preamble(comparison: Comparison): string[] {
  const devices = devicesSentence(comparison);
  const out = [escapeLatex(describeOptions(comparison)), ''];
  // What the runs computed on (issue 15), for a paper's methods section.
  if (devices !== '') out.push(escapeLatex(devices), '');
  if (comparison.notes.length > 0) {
    out.push(
      '\\section*{Notes}',
      '\\begin{itemize}',
      ...comparison.notes.map((n) => `\\item ${escapeLatex(n)}`),
      '\\end{itemize}',
      '',
    );
  }
  return out;
}

function selectionLatex(comparison: Comparison): string[] {
  const { selection } = comparison;
  if (selection === null) return [];
  const groups = selectionTables(comparison);
  return [
    '\\section*{Model selection}',
    ...(selection.mode === 'oracle'
      ? [
          '\\textbf{Oracle: these rows were chosen on the test data they are scored on. They bound what selection could reach; they are not a result.}',
          '',
        ]
      : []),
    escapeLatex(selection.description),
    '',
    ...(groups.length === 0
      ? ['No strategy has more than one variant here: nothing to select.', '']
      : groups.flatMap((t) => [tabular(t, t.id), ''])),
  ];
}

export function renderLatex(comparison: Comparison, context: ReportContext): string {
  return [
    `% ${escapeLatex(context.title)}`,
    `% Generated ${context.generatedAt} by Transferlab. Rebuild with:`,
    `% ${context.command.replace(/[\r\n]/g, ' ')}`,
    '\\documentclass{article}',
    '\\usepackage[T1]{fontenc}',
    '\\usepackage[utf8]{inputenc}',
    '\\usepackage{booktabs}',
    '\\usepackage{graphicx}',
    '\\usepackage[margin=2cm]{geometry}',
    `\\title{${escapeLatex(context.title)}}`,
    '\\date{}',
    '\\begin{document}',
    '\\maketitle',
    ...preamble(comparison),
    tabular(summaryTable(comparison), 'summary'),
    '',
    tabular(compactGains(comparison), 'gains'),
    '',
    tabular(winTieLossTable(comparison), 'win-tie-loss'),
    '',
    ...selectionLatex(comparison),
    '\\end{document}',
    '',
  ].join('\n');
}
