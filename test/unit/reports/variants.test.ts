import { describe, expect, it } from 'vitest';
import type { Comparison } from '../../../src-shared/rpc/compare';
import { gainHeatmaps, learningCurveCharts } from '../../../src-main/reports/charts';
import { parseReportCsv, renderCsv } from '../../../src-main/reports/csv';
import { escapeHtml } from '../../../src-main/reports/escape';
import { renderHtml } from '../../../src-main/reports/html';
import { escapeLatex, renderLatex } from '../../../src-main/reports/latex';
import { escapeMarkdown, renderMarkdown } from '../../../src-main/reports/markdown';
import { regenerateCommand } from '../../../src-main/reports/regenerate';
import { reportContext } from '../../../src-main/reports/reportContext';
import { L2SP, selectionFixture, twoVariantsFixture } from './fixture';

/**
 * Issue 10: rows are variants. Two variants of one strategy are two rows in every format, model
 * selection prints how it chose and how many labels it looked at, and the oracle says it is one.
 */

const html = (c: Comparison): string => renderHtml(c, reportContext(c, 'html', 'Report'));
const md = (c: Comparison): string => renderMarkdown(c, reportContext(c, 'md', 'Report'));
const tex = (c: Comparison): string => renderLatex(c, reportContext(c, 'tex', 'Report'));

/** The text of an HTML section, by id. */
function htmlSection(doc: string, id: string): string {
  const start = doc.indexOf(`<section id="${id}">`);
  if (start < 0) throw new Error(`no section ${id}`);
  return doc.slice(start, doc.indexOf('</section>', start));
}

/** The cells of each body row of the first table in some HTML. */
function htmlRows(fragment: string): string[][] {
  const body = fragment.slice(fragment.indexOf('<tbody>'), fragment.indexOf('</tbody>'));
  return [...body.matchAll(/<tr[^>]*>(.*?)<\/tr>/g)].map((m) =>
    [...(m[1] ?? '').matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1] ?? ''),
  );
}

/** The header cells of the first table in some HTML. */
function htmlHeader(fragment: string): string[] {
  const head = fragment.slice(fragment.indexOf('<thead>'), fragment.indexOf('</thead>'));
  return [...head.matchAll(/<th scope="col">(.*?)<\/th>/g)].map((m) => m[1] ?? '');
}

/** The rows (header first) of the Markdown table under a `## title` heading. */
function mdRows(doc: string, title: string): string[][] {
  const start = doc.indexOf(`\n${title}\n`);
  if (start < 0) throw new Error(`no heading ${title}`);
  const rest = doc.slice(start + title.length + 2);
  const end = rest.search(/\n#{2,3} /);
  return (end < 0 ? rest : rest.slice(0, end))
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| --- '))
    .map((l) =>
      l
        .slice(2, -2)
        .split(/(?<!\\) \| /)
        .map((c) => c.trim()),
    );
}

/** The rows (header first) of a LaTeX table by its label. */
function texRows(doc: string, label: string): string[][] {
  const start = doc.indexOf(`\\label{tab:${label}}`);
  if (start < 0) throw new Error(`no table ${label}`);
  const body = doc.slice(start, doc.indexOf('\\bottomrule', start));
  return body
    .split('\n')
    .filter((l) => l.endsWith('\\\\') || l.includes('\\\\ %'))
    .map((l) => l.replace(/ \\\\.*$/, '').split(' & '));
}

describe('two variants of one strategy', () => {
  const c = twoVariantsFixture();

  it('are two rows of the summary, gains and win/tie/loss in HTML, labelled by variant', () => {
    const doc = html(c);
    const summary = htmlSection(doc, 'summary');
    expect(htmlHeader(summary)[0]).toBe('variant');
    expect(htmlRows(summary).map((r) => r[0])).toEqual([
      'fine-tune',
      L2SP,
      'scratch',
      escapeHtml(c.summary.rows[3]?.variant ?? ''),
    ]);
    expect(htmlRows(summary)[1]?.[1]).toBe('93.50 ± 1.00 % (n=3)');
    const gains = htmlSection(doc, 'gains');
    expect(htmlRows(gains).map((r) => r[3])).toEqual([
      'fine-tune',
      'fine-tune',
      escapeHtml(c.gains[2]?.variant ?? ''),
      L2SP,
    ]);
    expect(gains).toContain('Δ = variant − scratch');
    expect(htmlRows(htmlSection(doc, 'win-tie-loss')).map((r) => r[0])).toContain(L2SP);
    // The runs table says which row each run is compared in.
    const runs = htmlRows(htmlSection(doc, 'runs'));
    expect(runs.find((r) => r[0] === '#6')?.[4]).toBe(L2SP);
    expect(runs.find((r) => r[0] === '#1')?.[4]).toBe('fine-tune');
    // No rule column without selection.
    expect(htmlHeader(summary)).not.toContain('rule');
  });

  it('are two rows in Markdown', () => {
    const doc = md(c);
    const summary = mdRows(doc, '## Summary');
    expect(summary[0]?.[0]).toBe('variant');
    expect(summary.slice(1).map((r) => r[0])).toEqual(
      ['fine-tune', L2SP, 'scratch', c.summary.rows[3]?.variant ?? ''].map(escapeMarkdown),
    );
    const wtl = mdRows(doc, '## Win / tie / loss');
    expect(wtl.slice(1).map((r) => r[0])).toEqual(
      ['fine-tune', c.winTieLoss[1]?.variant ?? '', L2SP].map(escapeMarkdown),
    );
  });

  it('are two rows in LaTeX, Greek and dots typeset', () => {
    const doc = tex(c);
    const summary = texRows(doc, 'summary');
    expect(summary[0]?.[0]).toBe('\\textbf{variant}');
    expect(summary.slice(1).map((r) => r[0])).toEqual(
      ['fine-tune', L2SP, 'scratch', c.summary.rows[3]?.variant ?? ''].map(escapeLatex),
    );
    expect(escapeLatex(L2SP)).toBe('fine-tune $\\cdot$ l2sp $\\lambda$=0.01');
    expect(
      texRows(doc, 'gains')
        .slice(1)
        .map((r) => r[3]),
    ).toContain(escapeLatex(L2SP));
  });

  it('are two rows in the CSV, each with its variant, strategy and rule', () => {
    const sections = parseReportCsv(renderCsv(c));
    const summary = sections.get('summary');
    expect(summary?.header.slice(0, 3)).toEqual(['variant', 'strategy', 'rule']);
    const fineTuneRows = summary?.rows.filter((r) => r[1] === 'fine-tune') ?? [];
    expect(fineTuneRows.map((r) => [r[0], r[3], r[5]])).toEqual([
      ['fine-tune', c.summary.columns[0], '0.91'],
      ['fine-tune', c.summary.columns[1], '0.95'],
      [L2SP, c.summary.columns[0], '0.935'],
      [L2SP, c.summary.columns[1], '0.97'],
    ]);
    expect(fineTuneRows.every((r) => r[2] === 'as-run')).toBe(true);
    const gains = sections.get('gains');
    const col = (name: string): number => gains?.header.indexOf(name) ?? -1;
    expect(gains?.rows.map((r) => r[col('variant')])).toEqual(c.gains.map((g) => g.variant));
    expect(gains?.rows.at(-1)?.[col('strategy')]).toBe('fine-tune');
    expect(gains?.rows.at(-1)?.[col('baseline')]).toBe('scratch');
    expect(sections.get('win_tie_loss')?.rows.at(-1)).toEqual([
      L2SP,
      'fine-tune',
      'as-run',
      '1',
      '0',
      '0',
      '0',
    ]);
    const runs = sections.get('runs');
    const variant = runs?.header.indexOf('variant') ?? -1;
    expect(runs?.rows.filter((r) => r[variant] === L2SP).map((r) => r[0])).toEqual(['6', '7']);
  });

  it('get their own learning curve and heat map', () => {
    const curves = learningCurveCharts(c);
    expect(curves).toHaveLength(1);
    expect(curves[0]?.svg).toContain(L2SP);
    const maps = gainHeatmaps(c).map((m) => m.title);
    expect(maps).toContain(`Δ test_acc: ${L2SP} − scratch, 10 labels`);
    expect(maps).toContain('Δ test_acc: fine-tune − scratch, 10 labels');
  });

  it('list the comparison’s notes in every format', () => {
    const note = c.notes[0] ?? '';
    expect(note).toContain('never merged');
    const doc = html(c);
    expect(htmlSection(doc, 'notes')).toContain(`<li>${escapeHtml(note)}</li>`);
    expect(doc.indexOf('id="notes"')).toBeLessThan(doc.indexOf('id="summary"'));
    expect(md(c)).toContain(`## Notes\n\n- ${escapeMarkdown(note)}`);
    expect(tex(c)).toContain(`\\section*{Notes}\n\\begin{itemize}\n\\item ${escapeLatex(note)}`);
    expect(parseReportCsv(renderCsv(c)).get('notes')?.rows).toEqual([['note', note]]);
  });
});

describe('a comparison whose baseline matched nothing', () => {
  it('names the asked baseline, says it matched nothing, and shows the note', () => {
    const c = twoVariantsFixture();
    c.baseline = null;
    c.request.options.baseline = 'fine-tune';
    c.gains = [];
    c.winTieLoss = [];
    c.notes = [
      'The baseline "fine-tune" has 2 variants here ("fine-tune", "fine-tune · l2sp λ=0.01"): choose one, or select among them on validation; no gains are computed.',
    ];
    const doc = html(c);
    expect(doc).toContain('baseline fine-tune (matches no compared row)');
    expect(htmlSection(doc, 'gains')).toContain('No compared row is the baseline');
    expect(htmlSection(doc, 'notes')).toContain('has 2 variants here');
    expect(md(c)).toContain('has 2 variants here');
  });
});

describe('model selection on validation', () => {
  const c = selectionFixture('validation');
  const row = 'fine-tune [selected on val_acc]';

  it('prints the selection section in HTML with picks, choices and labels per choice', () => {
    const doc = html(c);
    const section = htmlSection(doc, 'selection');
    expect(section).toContain('<h2>Model selection</h2>');
    expect(section).toContain(escapeHtml(c.selection?.description ?? 'x'));
    expect(htmlHeader(section)).toEqual([
      'selected row',
      'rule',
      'variant',
      'picks',
      'choices',
      'validation labels per choice',
      'training labels per choice',
    ]);
    expect(htmlRows(section)).toEqual([
      [
        escapeHtml(row),
        'selected on validation',
        'fine-tune',
        '1 (33%)',
        '3',
        'validation split, 2,000 labelled rows per choice',
        '10 labelled rows per choice',
      ],
      [
        escapeHtml(row),
        'selected on validation',
        L2SP,
        '2 (67%)',
        '3',
        'validation split, 2,000 labelled rows per choice',
        '10 labelled rows per choice',
      ],
    ]);
    expect(doc).toContain('<a href="#selection">selection</a>');
    expect(doc).toContain('Model selection: selected on validation (val_acc), scored on test.');
  });

  it('marks the selected row with its rule in every table', () => {
    const doc = html(c);
    const summary = htmlSection(doc, 'summary');
    expect(htmlHeader(summary).slice(0, 2)).toEqual(['variant', 'rule']);
    expect(htmlRows(summary).map((r) => r.slice(0, 2))).toEqual([
      ['scratch', 'as run'],
      [escapeHtml(row), 'selected on validation'],
    ]);
    expect(summary).toContain('Rows marked &quot;selected on validation&quot;');
    expect(htmlRows(htmlSection(doc, 'gains'))[0]?.slice(3, 5)).toEqual([
      escapeHtml(row),
      'selected on validation',
    ]);
    expect(htmlRows(htmlSection(doc, 'win-tie-loss'))[0]?.slice(0, 2)).toEqual([
      escapeHtml(row),
      'selected on validation',
    ]);
    // The runs table shows the value each run was selected on.
    const runs = htmlSection(doc, 'runs');
    expect(htmlHeader(runs)).toContain('val_acc');
    expect(htmlRows(runs).find((r) => r[0] === '#6')?.[12]).toBe('92.00 %');
  });

  it('prints the held-out label budget when validation rows came out of it', () => {
    const budget = selectionFixture('validation', 'budget');
    const text = md(budget);
    expect(text).toContain('held out of the label budget: 20 labels per choice');
    expect(text).toContain(
      '80 labelled rows per choice (the budget less the validation rows held out)',
    );
    const csv = parseReportCsv(renderCsv(budget)).get('selection');
    expect(csv?.rows[0]?.slice(7, 13)).toEqual(['budget', '20', '20', 'budget', '80', '80']);
  });

  it('prints the selection in Markdown, LaTeX and CSV too', () => {
    const text = md(c);
    expect(text).toContain('## Model selection');
    expect(text).toContain(`### Model selection: ${escapeMarkdown(row)}`);
    const table = mdRows(text, `### Model selection: ${escapeMarkdown(row)}`);
    expect(table.slice(1).map((r) => [r[2], r[3], r[5]])).toEqual([
      ['fine-tune', '1 (33%)', 'validation split, 2,000 labelled rows per choice'],
      [escapeMarkdown(L2SP), '2 (67%)', 'validation split, 2,000 labelled rows per choice'],
    ]);
    expect(mdRows(text, '## Summary')[2]?.slice(0, 2)).toEqual([
      escapeMarkdown(row),
      'selected on validation',
    ]);

    const latex = tex(c);
    expect(latex).toContain('\\section*{Model selection}');
    expect(
      texRows(latex, 'selection-1')
        .slice(1)
        .map((r) => r[3]),
    ).toEqual(['1 (33\\%)', '2 (67\\%)']);
    expect(texRows(latex, 'selection-1')[1]?.[5]).toBe(
      'validation split, 2,000 labelled rows per choice',
    );
    expect(texRows(latex, 'summary')[2]?.slice(0, 2)).toEqual([
      escapeLatex(row),
      'selected on validation',
    ]);

    const sections = parseReportCsv(renderCsv(c));
    expect([...sections.keys()]).toEqual([
      'runs',
      'summary',
      'gains',
      'win_tie_loss',
      'selection',
      'notes',
    ]);
    const selection = sections.get('selection');
    expect(selection?.header).toEqual([
      'row',
      'strategy',
      'rule',
      'select_by',
      'variant',
      'picks',
      'choices',
      'validation_labels_from',
      'validation_labels_min',
      'validation_labels_max',
      'train_labels_from',
      'train_labels_min',
      'train_labels_max',
    ]);
    expect(selection?.rows).toEqual([
      [
        row,
        'fine-tune',
        'selected-validation',
        'val_acc',
        'fine-tune',
        '1',
        '3',
        'split',
        '2000',
        '2000',
        'split',
        '10',
        '10',
      ],
      [
        row,
        'fine-tune',
        'selected-validation',
        'val_acc',
        L2SP,
        '2',
        '3',
        'split',
        '2000',
        '2000',
        'split',
        '10',
        '10',
      ],
    ]);
    expect(
      sections
        .get('summary')
        ?.rows.find((r) => r[0] === row)
        ?.slice(1, 3),
    ).toEqual(['fine-tune', 'selected-validation']);
    expect(sections.get('notes')?.rows).toEqual([['selection', c.selection?.description]]);
    const runs = sections.get('runs');
    expect(runs?.header.at(-1)).toBe('val_acc');
    expect(runs?.rows.find((r) => r[0] === '6')?.at(-1)).toBe('0.92');
  });

  it('is part of the command that rebuilds the report', () => {
    expect(regenerateCommand(c.request, 'html', 'R')).toBe(
      'npx transferlab report 1 --selection validation --title R --format html --out R.html',
    );
    const by = { ...c.request, options: { ...c.request.options, selectBy: 'val_loss' } };
    expect(regenerateCommand(by, 'md', 'R')).toContain(
      '--selection validation --select-by val_loss',
    );
  });
});

describe('the oracle', () => {
  const c = selectionFixture('oracle');
  const row = 'fine-tune [oracle: selected on test_acc]';

  it('is labelled oracle in HTML: header, tables and selection section', () => {
    const doc = html(c);
    expect(doc).toContain('Model selection: ORACLE, selected on test (test_acc)');
    expect(htmlRows(htmlSection(doc, 'summary'))[1]?.slice(0, 2)).toEqual([
      escapeHtml(row),
      'oracle: selected on test',
    ]);
    const section = htmlSection(doc, 'selection');
    expect(section).toContain('<p class="flag">Oracle: these rows were chosen on the test data');
    expect(htmlRows(section)[0]?.slice(1, 2)).toEqual(['oracle: selected on test']);
    expect(htmlRows(section)[0]?.[5]).toBe(
      'none: oracle, chosen on test_acc of the test split itself',
    );
    expect(htmlRows(htmlSection(doc, 'gains'))[0]?.[4]).toBe('oracle: selected on test');
    // Its heat map and learning curve carry the row's label, which names the oracle.
    expect(gainHeatmaps(c)[0]?.title).toContain('[oracle: selected on test_acc]');
    expect(gainHeatmaps(c)[0]?.caption).toContain('oracle: selected on test');
    expect(learningCurveCharts(c)[0]?.svg).toContain('[oracle: selected on test_acc]');
  });

  it('is labelled oracle in Markdown, LaTeX and CSV', () => {
    const text = md(c);
    expect(text).toContain('**Oracle: these rows were chosen on the test data');
    expect(mdRows(text, '## Summary')[2]?.[1]).toBe('oracle: selected on test');
    expect(mdRows(text, '## Win / tie / loss')[1]?.slice(0, 2)).toEqual([
      escapeMarkdown(row),
      'oracle: selected on test',
    ]);

    const latex = tex(c);
    expect(latex).toContain('\\textbf{Oracle: these rows were chosen on the test data');
    expect(latex).toContain('ORACLE, selected on test (test\\_acc)');
    expect(texRows(latex, 'summary')[2]?.slice(0, 2)).toEqual([
      escapeLatex(row),
      'oracle: selected on test',
    ]);
    expect(texRows(latex, 'gains')[1]?.[4]).toBe('oracle: selected on test');

    const sections = parseReportCsv(renderCsv(c));
    expect(sections.get('summary')?.rows.find((r) => r[0] === row)?.[2]).toBe('selected-oracle');
    const gains = sections.get('gains');
    expect(gains?.rows[0]?.[gains.header.indexOf('rule')]).toBe('selected-oracle');
    expect(sections.get('selection')?.rows[0]?.slice(2, 4)).toEqual([
      'selected-oracle',
      'test_acc',
    ]);
    expect(sections.get('selection')?.rows[0]?.slice(7, 10)).toEqual(['test', '', '']);
    expect(sections.get('notes')?.rows[0]?.[1]).toMatch(/^Oracle: /);
    // The oracle selects on the compared metric: no separate selection column in the runs.
    expect(sections.get('runs')?.header.at(-1)).toBe('device_kind');
  });
});
