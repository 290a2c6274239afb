import type { ImportReport } from '../../src-shared/rpc/datasets';

/** What a reader tells the importer besides the rows it wrote. */
export interface ReadOutcome {
  report: ImportReport;
  /** Names of the features (tabular data), for the preview. */
  featureNames?: string[];
  /** Names of the classes (image folders' subfolders), by class index. */
  classNames?: string[];
  /** The stored values are divided by this for training (255 for 8-bit pixels). */
  scale: number;
  /** Tabular data: standardised per feature for training (data/arrays.ts). */
  standardize: boolean;
  csv?: { delimiter: ',' | ';' | '\t' | '|'; header: boolean };
}

/** An empty report for formats without rows to drop (IDX, NPY, images). */
export function plainReport(rows: number, warnings: string[] = []): ImportReport {
  return {
    rowsRead: rows,
    rowsKept: rows,
    rowsDropped: 0,
    missingByColumn: {},
    oneHot: [],
    warnings,
  };
}

/**
 * One step of an import as a reader tells it: `done` of `total` bytes of the file (a CSV's two
 * passes, `scan` then `write`) or rows written (other formats, `read`; `total` 0 while not known).
 */
export interface ImportStep {
  phase: 'scan' | 'write' | 'read';
  done: number;
  total: number;
  unit: 'bytes' | 'rows' | 'files';
}

/**
 * How far an import is, reported at most every 200 ms per import (progress.ts), then once more
 * with `final` when every row is written (`done` == `total`). Drives the CLI's progress bar and
 * the `dataset.importProgress` event.
 */
export interface ImportProgress extends ImportStep {
  /** The imported file's (or folder's) name. */
  file: string;
  /** The client's name for the import (ImportInput.importId), when it gave one. */
  importId?: string;
  final: boolean;
}
export type ImportProgressListener = (progress: ImportProgress) => void;
