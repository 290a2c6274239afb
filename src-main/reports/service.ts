import { createHash } from 'node:crypto';
import type { CompareRequest } from '../../src-shared/rpc/compare';
import type { ReportFile, ReportFormat, ReportRecord } from '../../src-shared/rpc/reports';
import { AppFailure } from '../../src-shared/result';
import { buildComparison } from '../analysis/comparison';
import { comparisonData } from '../store/compareRuns';
import { inTransaction, type Db } from '../store/db';
import { getReportRecord, insertReport } from '../store/reports';
import { reportFileName } from './fileName';
import { renderReport } from './render';
import { defaultTitle } from './reportContext';
import { currentReportSink } from './sink';

/** How a PDF is printed: headless Chromium (CLI, server) or Electron's printToPDF (the app). */
export type PdfRenderer = (html: string) => Promise<Uint8Array>;

export interface ReportRequest {
  compare: CompareRequest;
  format: ReportFormat;
  title?: string | undefined;
}

/**
 * Builds a comparison, renders it in one format, and records the report — its request, the runs
 * it compared, its file name and the sha256 of its bytes — so it can be regenerated from the
 * database (issue 5). Where the caller writes the file itself (the CLI, through a sink:
 * ./sink.ts), the file is staged first and published in the transaction that records it, so a
 * report is recorded only if it was written, and written only if recorded (issue 11).
 */
export async function createReport(
  db: Db,
  request: ReportRequest,
  renderPdf: PdfRenderer,
): Promise<ReportFile> {
  const comparison = buildComparison(comparisonData(db), request.compare);
  const title = request.title?.trim() || defaultTitle(comparison);
  const rendered = await renderReport(db, comparison, request.format, title, renderPdf);
  const bytes = Buffer.from(
    rendered.bytes.buffer,
    rendered.bytes.byteOffset,
    rendered.bytes.byteLength,
  );
  const fileName = reportFileName(title, rendered.extension);
  const sink = currentReportSink();
  const staged = sink ? await sink({ fileName, format: request.format, bytes }) : null;
  let record: ReportRecord;
  try {
    // IMMEDIATE: the write lock is held before the file is published, so the commit that
    // follows cannot fail for a lock and leave a published file unrecorded.
    record = inTransaction(db, () => {
      const inserted = insertReport(db, {
        format: request.format,
        title,
        request: comparison.request,
        runIds: comparison.runs.map((r) => r.id),
        fileName,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      });
      staged?.publish();
      return inserted;
    });
  } catch (e) {
    staged?.discard();
    throw e;
  }
  return {
    reportId: record.id,
    fileName,
    mime: rendered.mime,
    encoding: rendered.encoding,
    content: rendered.encoding === 'base64' ? bytes.toString('base64') : bytes.toString('utf8'),
  };
}

/**
 * Rebuilds a recorded report from its stored request (in its own format, or another), as a new
 * report. Runs added to the compared experiments since are included, as they would be in the
 * Compare view; the new record lists exactly what it compared.
 */
export function regenerateReport(
  db: Db,
  id: number,
  format: ReportFormat | undefined,
  renderPdf: PdfRenderer,
): Promise<ReportFile> {
  const record = getReportRecord(db, id);
  if (!record) return Promise.reject(new AppFailure('not_found', `No report #${id}.`));
  return createReport(
    db,
    { compare: record.request, format: format ?? record.format, title: record.title },
    renderPdf,
  );
}
