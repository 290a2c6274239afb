import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { call } from '../../../src-main/cli/session';
import { parseReportCsv } from '../../../src-main/reports/csv';
import { useTempDirs } from '../../helpers/tempDir';
import { HOSTILE, reportWorkspace } from './workspace';

const tempDir = useTempDirs();

describe('reports from a real workspace', () => {
  it('records each report and regenerates the same content (apart from the time)', async () => {
    const ws = await reportWorkspace(tempDir());
    try {
      const compare = {
        selection: { experimentIds: [ws.experimentId] },
        options: { baseline: 'scratch', test: 'wilcoxon' as const },
      };
      const stamp = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g;
      for (const format of ['html', 'md', 'csv', 'tex', 'json'] as const) {
        const first = await call(ws.core, 'reports.create', { compare, format, title: 'Sweep' });
        expect(first.fileName).toBe(`Sweep.${format}`);
        const again = await call(ws.core, 'reports.regenerate', { id: first.reportId });
        expect(again.reportId).toBeGreaterThan(first.reportId);
        expect(again.content.replace(stamp, 'T')).toBe(first.content.replace(stamp, 'T'));
      }
      const records = await call(ws.core, 'reports.list', {});
      expect(records).toHaveLength(10);
      const html = await call(ws.core, 'reports.create', { compare, format: 'html' });
      const record = (await call(ws.core, 'reports.list', {}))[0];
      expect(record).toMatchObject({
        id: html.reportId,
        format: 'html',
        title: `Comparison of ${HOSTILE.experiment}`,
        runIds: ws.runIds,
        fileName: 'Comparison-of-img-src-x-onerror-alert-1.html',
        sha256: createHash('sha256').update(html.content).digest('hex'),
      });
      expect(record?.request.options).toMatchObject({ test: 'wilcoxon', metric: 'test_acc' });
      // Another format from the same record.
      const md = await call(ws.core, 'reports.regenerate', { id: html.reportId, format: 'md' });
      expect(md.fileName.endsWith('.md')).toBe(true);
      expect(md.content).toContain('## Transfer gains');
    } finally {
      await ws.close();
    }
  });

  it('writes a CSV whose runs re-parse to the compared values', async () => {
    const ws = await reportWorkspace(tempDir());
    try {
      const compare = { selection: { experimentIds: [ws.experimentId] } };
      const comparison = await call(ws.core, 'compare.run', compare);
      const csv = await call(ws.core, 'reports.create', { compare, format: 'csv' });
      const runs = parseReportCsv(csv.content).get('runs');
      expect(runs?.rows.map((r) => Number(r[0]))).toEqual(comparison.runs.map((r) => r.id));
      for (const [i, run] of comparison.runs.entries()) {
        const row = runs?.rows[i] ?? [];
        expect(row[2]).toBe(run.experimentName);
        expect(row[6]).toBe(run.targetName);
        expect(row[10] === '' ? null : Number(row[10])).toBe(run.value);
        expect(row[11]).toBe(run.tags.join('; '));
        expect(row[12]).toBe(run.notes ?? '');
      }
      expect(runs?.rows.map((r) => r[14])).toEqual(comparison.runs.map((r) => r.variant));
      const gains = parseReportCsv(csv.content).get('gains');
      const delta = gains?.header.indexOf('delta') ?? -1;
      expect(gains?.rows.map((r) => Number(r[delta]))).toEqual(
        comparison.gains.map((g) => g.meanDiff),
      );
      expect(gains?.rows.map((r) => r[3])).toEqual(comparison.gains.map((g) => g.variant));
    } finally {
      await ws.close();
    }
  });

  it('prints a PDF with headless Chromium', async () => {
    const ws = await reportWorkspace(tempDir());
    try {
      const pdf = await call(ws.core, 'reports.create', {
        compare: { selection: { experimentIds: [ws.experimentId] } },
        format: 'pdf',
      });
      expect(pdf.encoding).toBe('base64');
      expect(pdf.mime).toBe('application/pdf');
      const bytes = Buffer.from(pdf.content, 'base64');
      expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(bytes.length).toBeGreaterThan(10_000);
    } finally {
      await ws.close();
    }
  });

  it('refuses ids that name nothing', async () => {
    const ws = await reportWorkspace(tempDir());
    try {
      await expect(
        call(ws.core, 'reports.create', {
          compare: { selection: { experimentIds: [999] } },
          format: 'html',
        }),
      ).rejects.toThrow(/No experiment #999/);
      await expect(call(ws.core, 'reports.regenerate', { id: 42 })).rejects.toThrow(
        /No report #42/,
      );
      expect(await call(ws.core, 'reports.list', {})).toEqual([]);
    } finally {
      await ws.close();
    }
  });
});
