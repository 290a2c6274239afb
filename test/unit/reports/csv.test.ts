import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { parseReportCsv, renderCsv } from '../../../src-main/reports/csv';
import { comparisonFixture, HOSTILE } from './fixture';

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
    });
    expect(runs?.rows[4]?.[13]).toBe(`diverged: ${HOSTILE.strategyNote}`);

    const gains = sections.get('gains');
    comparison.gains.forEach((gain, i) => {
      const row = gains?.rows[i] ?? [];
      const column = (name: string): string => row[gains?.header.indexOf(name) ?? -1] ?? '';
      expect(column('strategy')).toBe(gain.strategy);
      expect(Number(column('delta'))).toBe(gain.meanDiff);
      expect(Number(column('holm_p'))).toBe(gain.pHolm);
      expect(column('wilcoxon_p')).toBe('');
      expect(column('negative_transfer')).toBe(gain.negativeTransfer ? 'yes' : 'no');
    });

    const summary = sections.get('summary');
    expect(summary?.rows).toHaveLength(6);
    expect(Number(summary?.rows[0]?.[3])).toBe(0.91);
    expect(sections.get('win_tie_loss')?.rows[1]).toEqual([HOSTILE.tag, '0', '1', '0', '0']);
  });
});
