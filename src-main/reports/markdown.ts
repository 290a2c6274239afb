import type { Comparison } from '../../src-shared/rpc/compare';
import { describeOptions, type ReportContext } from './reportContext';
import {
  devicesTable,
  excludedTable,
  resultTables,
  runsTable,
  selectionTables,
  type TextTable,
} from './tables';

/**
 * The Markdown report: the HTML report's tables as GitHub-flavoured Markdown tables (charts are
 * in the HTML and PDF formats only). User text is escaped twice over: Markdown punctuation gets a
 * backslash, and '<', '>', '&' become entities, since most renderers pass raw HTML through.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_[\]|~#]/g, '\\$&')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r\n|\r|\n/g, '<br>');
}

function tableMarkdown(table: TextTable): string {
  if (table.rows.length === 0) return `${escapeMarkdown(table.caption)} None.`;
  const row = (cells: string[]): string => `| ${cells.map(escapeMarkdown).join(' | ')} |`;
  const lines = [
    `_${escapeMarkdown(table.caption)}_`,
    '',
    row(table.header),
    `|${table.header.map(() => ' --- ').join('|')}|`,
    ...table.rows.map((cells, i) =>
      table.flagged?.has(i) === true
        ? row(cells.map((c, k) => (k === 0 ? `⚠ ${c}` : c)))
        : row(cells),
    ),
  ];
  return lines.join('\n');
}

export function renderMarkdown(comparison: Comparison, context: ReportContext): string {
  const parts = [
    `# ${escapeMarkdown(context.title)}`,
    '',
    `Generated ${escapeMarkdown(context.generatedAt)} by Transferlab. ${escapeMarkdown(describeOptions(comparison))}`,
  ];
  if (comparison.varyingFields.length > 0) {
    parts.push(
      '',
      `Config fields that differ across these runs: ${escapeMarkdown(comparison.varyingFields.join(', '))}.`,
    );
  }
  if (comparison.notes.length > 0) {
    parts.push('', '## Notes', '', ...comparison.notes.map((n) => `- ${escapeMarkdown(n)}`));
  }
  for (const table of resultTables(comparison)) {
    parts.push('', `## ${escapeMarkdown(table.title)}`, '', tableMarkdown(table));
  }
  const { selection } = comparison;
  if (selection !== null) {
    parts.push('', '## Model selection', '');
    if (selection.mode === 'oracle') {
      parts.push(
        '**Oracle: these rows were chosen on the test data they are scored on. They bound what selection could reach; they are not a result.**',
        '',
      );
    }
    parts.push(escapeMarkdown(selection.description));
    const groups = selectionTables(comparison);
    if (groups.length === 0) {
      parts.push('', 'No strategy has more than one variant here: nothing to select.');
    }
    for (const table of groups) {
      parts.push('', `### ${escapeMarkdown(table.title)}`, '', tableMarkdown(table));
    }
  }
  if (context.confusion.length > 0) parts.push('', '## Confusion matrices');
  for (const table of context.confusion) {
    parts.push('', `### ${escapeMarkdown(table.title)}`, '', tableMarkdown(table));
  }
  for (const table of context.embeddings ?? []) {
    parts.push('', `## ${escapeMarkdown(table.title)}`, '', tableMarkdown(table));
  }
  for (const table of [
    devicesTable(comparison),
    runsTable(comparison),
    excludedTable(comparison),
  ]) {
    parts.push('', `## ${escapeMarkdown(table.title)}`, '', tableMarkdown(table));
  }
  // Fenced blocks show their content verbatim; a fence longer than any backtick run inside
  // cannot be closed early by the content.
  const fence = (text: string): string => {
    const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
    const ticks = '`'.repeat(longest + 1);
    return `${ticks}\n${text}\n${ticks}`;
  };
  parts.push(
    '',
    '## Regenerate',
    '',
    'Rebuild this report from the same workspace with:',
    '',
    fence(context.command),
    '',
    'The request (save it as `request.json` for `--request`):',
    '',
    fence(context.requestJson),
    '',
  );
  return parts.join('\n');
}
