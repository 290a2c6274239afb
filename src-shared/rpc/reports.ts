import { z } from 'zod';
import { CompareInputSchema, type CompareRequest } from './compare';
import { FileRefSchema } from './datasets';

/**
 * Reports (issue 5): a comparison exported as a file. Every report is recorded with the request
 * it was built from, so it can be regenerated from the database (`reports.regenerate`).
 */
export const REPORT_FORMATS = ['html', 'md', 'csv', 'tex', 'json', 'pdf'] as const;
export const ReportFormatSchema = z.enum(REPORT_FORMATS);
export type ReportFormat = z.infer<typeof ReportFormatSchema>;

export const REPORT_FORMAT_LABELS: Record<ReportFormat, string> = {
  html: 'HTML (self-contained, charts as SVG)',
  md: 'Markdown',
  csv: 'CSV',
  tex: 'LaTeX table',
  json: 'JSON bundle (importable)',
  pdf: 'PDF',
};

export const ReportCreateInputSchema = z
  .object({
    compare: CompareInputSchema,
    format: ReportFormatSchema,
    /** Shown as the report's heading; default: the compared experiments' names. */
    title: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

/** A report's bytes, for the UI to download; text formats are utf8, PDF is base64. */
export interface ReportFile {
  reportId: number;
  /** Sanitised: letters, digits, '-', '_', '.', no path. */
  fileName: string;
  mime: string;
  encoding: 'utf8' | 'base64';
  content: string;
}

export interface ReportRecord {
  id: number;
  format: ReportFormat;
  title: string;
  request: CompareRequest;
  runIds: number[];
  fileName: string;
  sha256: string;
  createdAt: string;
}

export const BundleImportInputSchema = z
  .object({
    /** A JSON bundle (a report of format 'json'): a local path, or a file the browser uploaded. */
    file: FileRefSchema,
  })
  .strict();

export interface BundleImportResult {
  experimentIds: number[];
  runIds: number[];
  /**
   * Runs of the bundle this workspace already held (same config, seed and creation time), by
   * their ids here: not copied again. A bundle naming a dataset this workspace lacks is refused
   * whole, listing the datasets to import first (src-main/reports/bundleImport.ts).
   */
  alreadyPresent: number[];
}
