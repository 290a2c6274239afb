import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { parseReportCsv, renderCsv } from '../../../src-main/reports/csv';
import { comparisonFixture, HOSTILE, selectionFixture } from './fixture';

describe('CSV report', () => {
  it.each(['=1+1', '+1', '-1-1', '@SUM(A1)', '\tcmd', '\rcmd', "'quoted", '=cmd\nsecond line'])(
    'neutralises a text cell starting with %j and reads it back unchanged',
    (value) => {
      const comparison = comparisonFixture();
      const first = comparison.runs[0];
      if (!first) throw new Error('fixture has runs');
      first.notes = value;
      first.strategy = value;
      const text = renderCsv(comparison);
      // What a spreadsheet sees: the raw cell starts with a quote, never with the trigger.
      const raw = Papa.parse<string[]>(text).data;
      const row = raw.find((r) => r[0] === String(first.id) && r.length > 10);
      expect(row?.[12]).toBe(`'${value}`);
      expect(row?.[4]).toBe(`'${value}`);
      const runs = parseReportCsv(text).get('runs');
      expect(runs?.rows[0]?.[12]).toBe(value);
      expect(runs?.rows[0]?.[4]).toBe(value);
    },
  );

  it('leaves numbers alone, negative ones included', () => {
    const text = renderCsv(comparisonFixture());
    const raw = Papa.parse<string[]>(text).data;
    expect(raw.find((r) => r[0] === '2' && r.length > 10)?.[10]).toBe('-0.5');
  });

  it('re-parses with papaparse to the source values, section by section', () => {
    const comparison = comparisonFixture();
    const sections = parseReportCsv(renderCsv(comparison));
    // Without model selection or notes, neither of those sections.
    expect([...sections.keys()]).toEqual(['runs', 'summary', 'gains', 'win_tie_loss']);

    const runs = sections.get('runs');
    expect(runs?.header.slice(0, 3)).toEqual(['run_id', 'experiment_id', 'experiment']);
    expect(runs?.rows).toHaveLength(comparison.runs.length);
    comparison.runs.forEach((run, i) => {
      const row = runs?.rows[i] ?? [];
      expect(Number(row[0])).toBe(run.id);
      expect(row[2]).toBe(run.experimentName);
      expect(row[4]).toBe(run.strategy);
      expect(row[5]).toBe(run.sourceName ?? '');
      expect(row[6]).toBe(run.targetName);
      expect(row[7]).toBe(String(run.budget));
      expect(Number(row[8])).toBe(run.seed);
      expect(row[9]).toBe(run.status);
      expect(row[10] === '' ? null : Number(row[10])).toBe(run.value);
      expect(row[11]).toBe(run.tags.join('; '));
      expect(row[12]).toBe(run.notes ?? '');
      expect(row[14]).toBe(run.variant);
      expect(row[15]).toBe(run.recordedVariant);
      expect(row[16]).toBe(run.backend ?? '');
      expect(row[17]).toBe(run.device?.label ?? '');
      expect(row[18]).toBe(run.device?.kind ?? '');
    });
    expect(runs?.header.slice(13)).toEqual([
      'excluded_reason',
      'variant',
      'recorded_variant',
      'backend',
      'device',
      'device_kind',
    ]);
    expect(runs?.rows[4]?.[13]).toBe(`diverged: ${HOSTILE.strategyNote}`);

    const gains = sections.get('gains');
    comparison.gains.forEach((gain, i) => {
      const row = gains?.rows[i] ?? [];
      const column = (name: string): string => row[gains?.header.indexOf(name) ?? -1] ?? '';
      expect(column('variant')).toBe(gain.variant);
      expect(column('strategy')).toBe(gain.strategy);
      expect(column('rule')).toBe('as-run');
      expect(column('baseline_rule')).toBe('as-run');
      expect(Number(column('delta'))).toBe(gain.meanDiff);
      expect(Number(column('holm_p'))).toBe(gain.pHolm);
      expect(column('wilcoxon_p')).toBe('');
      expect(column('negative_transfer')).toBe(gain.negativeTransfer ? 'yes' : 'no');
    });

    const summary = sections.get('summary');
    expect(summary?.header).toEqual([
      'variant',
      'strategy',
      'rule',
      'target-budget',
      'n',
      'mean',
      'std',
      'se',
      'ci95_low',
      'ci95_high',
      'excluded',
    ]);
    expect(summary?.rows).toHaveLength(6);
    expect(summary?.rows[0]?.slice(0, 6)).toEqual([
      'fine-tune',
      'fine-tune',
      'as-run',
      comparison.summary.columns[0],
      '3',
      '0.91',
    ]);
    expect(summary?.rows[3]?.slice(0, 5)).toEqual([
      'scratch',
      'scratch',
      'as-run',
      comparison.summary.columns[1],
      '0',
    ]);
    expect(sections.get('win_tie_loss')?.header).toEqual([
      'variant',
      'strategy',
      'rule',
      'win',
      'tie',
      'loss',
      'untested',
    ]);
    expect(sections.get('win_tie_loss')?.rows[1]).toEqual([
      HOSTILE.tag,
      HOSTILE.tag,
      'as-run',
      '0',
      '1',
      '0',
      '0',
    ]);
  });

  it('neutralises a formula in a variant label, a note and the selection section', () => {
    const comparison = selectionFixture('validation');
    const row = comparison.summary.rows[1];
    const group = comparison.selection?.groups[0];
    if (!row || !group) throw new Error('fixture has a selected row');
    row.variant = HOSTILE.formula;
    group.row = HOSTILE.formula;
    comparison.notes = ['-1 note starting like a number'];
    const text = renderCsv(comparison);
    const raw = Papa.parse<string[]>(text).data;
    expect(raw.some((r) => r[0] === HOSTILE.formula)).toBe(false);
    expect(raw.filter((r) => r[0] === `'${HOSTILE.formula}`).length).toBe(4);
    expect(raw.some((r) => r[1] === "'-1 note starting like a number")).toBe(true);
    const sections = parseReportCsv(text);
    expect(sections.get('summary')?.rows.filter((r) => r[0] === HOSTILE.formula)).toHaveLength(2);
    expect(sections.get('selection')?.rows.map((r) => r[0])).toEqual([
      HOSTILE.formula,
      HOSTILE.formula,
    ]);
    expect(sections.get('notes')?.rows.at(-1)).toEqual(['note', '-1 note starting like a number']);
  });
});
