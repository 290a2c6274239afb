import type { Comparison } from '../../src-shared/rpc/compare';
import type { ReportFormat } from '../../src-shared/rpc/reports';
import type { Db } from '../store/db';
import { buildBundle, renderBundle } from './bundleExport';
import { confusionTables } from './confusionTables';
import { embeddingTables } from './embeddingTables';
import { renderCsv } from './csv';
import { renderHtml } from './html';
import { renderLatex } from './latex';
import { renderMarkdown } from './markdown';
import { reportContext } from './reportContext';
import type { PdfRenderer } from './service';

/** One comparison in one format: the bytes, and how a browser should treat them. */
export interface RenderedReport {
  bytes: Uint8Array;
  /** Text formats travel as text; a PDF as base64. */
  encoding: 'utf8' | 'base64';
  mime: string;
  extension: string;
}

const text = (content: string, mime: string, extension: string): RenderedReport => ({
  bytes: new TextEncoder().encode(content),
  encoding: 'utf8',
  mime,
  extension,
});

export async function renderReport(
  db: Db,
  comparison: Comparison,
  format: ReportFormat,
  title: string,
  renderPdf: PdfRenderer,
): Promise<RenderedReport> {
  const withConfusion = format === 'html' || format === 'md' || format === 'pdf';
  const context = {
    ...reportContext(
      comparison,
      format,
      title,
      withConfusion ? confusionTables(db, comparison) : [],
    ),
    // Cached numbers only (reports/embeddingTables.ts), in the formats that print tables.
    embeddings: withConfusion ? embeddingTables(db, comparison) : [],
  };
  switch (format) {
    case 'html':
      return text(renderHtml(comparison, context), 'text/html; charset=utf-8', 'html');
    case 'md':
      return text(renderMarkdown(comparison, context), 'text/markdown; charset=utf-8', 'md');
    case 'csv':
      return text(renderCsv(comparison), 'text/csv; charset=utf-8', 'csv');
    case 'tex':
      return text(renderLatex(comparison, context), 'application/x-tex; charset=utf-8', 'tex');
    case 'json':
      return text(renderBundle(buildBundle(db, comparison, title)), 'application/json', 'json');
    case 'pdf': {
      // The PDF is the HTML report printed; its Regenerate section names the PDF format.
      const bytes = await renderPdf(renderHtml(comparison, context));
      return { bytes, encoding: 'base64', mime: 'application/pdf', extension: 'pdf' };
    }
  }
}
