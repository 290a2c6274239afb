import type { Comparison } from '../../src-shared/rpc/compare';
import { gainHeatmaps, learningCurveCharts, meanCurvesChart, type ReportChart } from './charts';
import { escapeHtml as e } from './escape';
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
 * The HTML report: one self-contained file (no network, no script), readable offline and safe
 * to open anywhere. Its Content-Security-Policy allows inline styles and data: images only,
 * so even markup that slipped through escaping could not run or load anything. Every string
 * from the workspace is escaped; the charts are inline SVG from ECharts' server-side renderer
 * (svgChart.ts checks them).
 */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const STYLE = `
  :root { color-scheme: light; }
  body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d1f23;
         margin: 2rem auto; max-width: 1100px; padding: 0 1rem; }
  h1 { font-size: 1.6rem; margin-bottom: .2rem; }
  h3 { font-size: 1rem; margin-top: 1.2rem; }
  h2 { font-size: 1.2rem; margin-top: 2.2rem; border-bottom: 1px solid #d6d9de; padding-bottom: .2rem; }
  .meta { color: #555b66; margin: .2rem 0; }
  table { border-collapse: collapse; margin: .6rem 0; font-variant-numeric: tabular-nums; }
  caption { caption-side: top; text-align: left; color: #555b66; padding-bottom: .3rem; }
  th, td { border-bottom: 1px solid #e3e5e8; padding: .25rem .6rem; text-align: left; vertical-align: top; }
  th { background: #f4f5f7; }
  tr.negative td { background: #fdecea; }
  .flag { color: #b3261e; font-weight: 600; }
  td.notes { white-space: pre-wrap; max-width: 24rem; }
  figure { margin: 1rem 0; page-break-inside: avoid; break-inside: avoid; }
  figcaption { color: #555b66; max-width: 760px; }
  svg { max-width: 100%; height: auto; }
  pre { background: #f4f5f7; padding: .6rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
  nav ul { columns: 2; }
  @media print { body { margin: 0; max-width: none; } nav { display: none; } }
`;

function tableHtml(table: TextTable): string {
  if (table.rows.length === 0) {
    return `<p class="meta">${e(table.caption)} None.</p>`;
  }
  const notesColumn = table.header.indexOf('notes');
  const head = table.header.map((h) => `<th scope="col">${e(h)}</th>`).join('');
  const body = table.rows
    .map((row, i) => {
      const flagged = table.flagged?.has(i) === true;
      const cells = row
        .map((cell, k) => {
          const cls = k === notesColumn ? ' class="notes"' : '';
          return `<td${cls}>${e(cell)}</td>`;
        })
        .join('');
      return `<tr${flagged ? ' class="negative"' : ''}>${cells}</tr>`;
    })
    .join('\n');
  return `<table><caption>${e(table.caption)}</caption><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function figureHtml(chart: ReportChart): string {
  // The SVG is ECharts' own output (text already escaped by ECharts, checked by svgChart.ts).
  return `<figure>${chart.svg}<figcaption>${e(chart.caption)}</figcaption></figure>`;
}

function section(id: string, title: string, body: string): string {
  return `<section id="${id}"><h2>${e(title)}</h2>\n${body}\n</section>`;
}

/** The model-selection section: what the rule is, then each strategy's choices. */
function selectionHtml(comparison: Comparison): string {
  const { selection } = comparison;
  if (selection === null) return '';
  const oracle =
    selection.mode === 'oracle'
      ? '<p class="flag">Oracle: these rows were chosen on the test data they are scored on. They bound what selection could reach; they are not a result.</p>'
      : '';
  const groups = selectionTables(comparison);
  const body =
    groups.length === 0
      ? '<p class="meta">No strategy has more than one variant here: nothing to select.</p>'
      : groups.map((t) => `<h3>${e(t.title)}</h3>\n${tableHtml(t)}`).join('\n');
  return section(
    'selection',
    'Model selection',
    `${oracle}<p>${e(selection.description)}</p>\n${body}`,
  );
}

function notesHtml(notes: readonly string[]): string {
  if (notes.length === 0) return '';
  return section(
    'notes',
    'Notes',
    `<ul class="notes">${notes.map((n) => `<li>${e(n)}</li>`).join('')}</ul>`,
  );
}

export function renderHtml(comparison: Comparison, context: ReportContext): string {
  const negative = comparison.gains.filter((g) => g.negativeTransfer).length;
  const mean = meanCurvesChart(comparison);
  const learning = learningCurveCharts(comparison);
  const heatmaps = gainHeatmaps(comparison);

  const sections: string[] = [];
  const notes = notesHtml(comparison.notes);
  if (notes) sections.push(notes);
  for (const table of resultTables(comparison)) {
    const warning =
      table.id === 'gains' && negative > 0
        ? `<p class="flag">Negative transfer in ${negative} cell${negative === 1 ? '' : 's'} (highlighted).</p>`
        : '';
    sections.push(section(table.id, table.title, warning + tableHtml(table)));
  }
  const selection = selectionHtml(comparison);
  if (selection) sections.push(selection);
  sections.push(
    section(
      'curves',
      'Training curves',
      mean === null ? '<p class="meta">No per-epoch values to draw.</p>' : figureHtml(mean),
    ),
    section(
      'learning-curves',
      'Learning curves over the label budget',
      learning.length === 0
        ? '<p class="meta">Fewer than two label budgets: no learning curve.</p>'
        : learning.map(figureHtml).join('\n'),
    ),
    section(
      'heatmaps',
      'Gain heat maps',
      heatmaps.length === 0
        ? '<p class="meta">No gains to draw.</p>'
        : heatmaps.map(figureHtml).join('\n'),
    ),
  );
  if (context.confusion.length > 0) {
    const tables = context.confusion.map((t) => `<h3>${e(t.title)}</h3>\n${tableHtml(t)}`);
    sections.push(section('confusion', 'Confusion matrices', tables.join('\n')));
  }
  const embeddings = context.embeddings ?? [];
  for (const table of embeddings) sections.push(section(table.id, table.title, tableHtml(table)));
  for (const table of [devicesTable(comparison), runsTable(comparison), excludedTable(comparison)])
    sections.push(section(table.id, table.title, tableHtml(table)));
  const varying =
    comparison.varyingFields.length > 0
      ? `<p class="meta">Config fields that differ across these runs: ${e(comparison.varyingFields.join(', '))}.</p>`
      : '';
  sections.push(
    section(
      'regenerate',
      'Regenerate',
      `<p>This report was built from the request below. Rebuild it from the same workspace with:</p>
<pre>${e(context.command)}</pre>
<p>The request (save it as <code>request.json</code> for <code>--request</code>):</p>
<pre>${e(context.requestJson)}</pre>`,
    ),
  );

  const nav = [
    ...(notes ? ['notes'] : []),
    'summary',
    'gains',
    'win-tie-loss',
    ...(selection ? ['selection'] : []),
    'curves',
    'learning-curves',
    'heatmaps',
    ...(context.confusion.length > 0 ? ['confusion'] : []),
    ...embeddings.map((t) => t.id),
    'environment',
    'runs',
    'excluded',
    'regenerate',
  ]
    .map((id) => `<li><a href="#${id}">${e(id.replace(/-/g, ' '))}</a></li>`)
    .join('');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Transferlab">
<title>${e(context.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${e(context.title)}</h1>
<p class="meta">Generated ${e(context.generatedAt)} by Transferlab. ${e(describeOptions(comparison))}</p>
${varying}
</header>
<nav aria-label="Contents"><ul>${nav}</ul></nav>
<main>
${sections.join('\n')}
</main>
</body>
</html>
`;
}
