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
  /** Tabular data: standardised per feature for training (engine/data/arrays.ts). */
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
 * How far an import is: `done` of `total` bytes (CSV passes) or rows (other formats; `total` 0
 * when not known yet). Reported a few times a second at most, for the CLI's progress bar.
 */
export interface ImportProgress {
  phase: 'scan' | 'write' | 'read';
  done: number;
  total: number;
}
export type ImportProgressListener = (progress: ImportProgress) => void;
