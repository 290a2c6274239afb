import type { ColumnInfo } from '../../../src-shared/rpc/datasets';
import { MAX_CATEGORIES, MAX_CLASSES, MAX_FEATURES } from '../limits';
import { parseSample, readHead, streamCsv, type Delimiter } from './stream';
import { isMissing, numberOf } from './values';

/** What detection decided from the first lines. */
export interface CsvLayout {
  delimiter: Delimiter;
  header: boolean;
  /** Column names: the header's, or `column N` (1-based). */
  names: string[];
  /** Up to 20 data rows (header excluded), as text. */
  head: string[][];
}

/** One column over the whole file (the first pass). */
export interface ColumnStats {
  missing: number;
  /** Line of the first missing cell, for 'refuse'. */
  firstMissingLine: number | null;
  /** Non-missing cells that are not numbers, and the first one's line. */
  nonNumeric: number;
  firstNonNumericLine: number | null;
  /** Sum and count of numeric cells (column means for the 'mean' policy). */
  sum: number;
  numeric: number;
  /** Distinct non-missing values (trimmed), kept up to `limit` + 1. */
  distinct: Set<string>;
  limit: number;
}

export interface CsvScan extends CsvLayout {
  /** Data rows (blank lines and the header excluded). */
  rows: number;
  columns: ColumnStats[];
}

const NAMED_LABEL = /^(label|labels|class|target|y|category)$/i;

/**
 * Detects the delimiter (papaparse's guess among , ; tab |, or the one given) and the header
 * from the first megabyte. A first row is a header when none of its cells is a number and either
 * some column below it holds numbers or none of its cells appears again in its column.
 */
export async function detectLayout(
  path: string,
  delimiter: Delimiter | 'auto',
  header: 'auto' | 'yes' | 'no',
): Promise<CsvLayout> {
  const sample = parseSample(await readHead(path), delimiter);
  const [first, ...rest] = sample.rows;
  if (first === undefined) throw new Error(`${path}: the file holds no rows`);
  if (first.length > MAX_FEATURES + 1) {
    throw new Error(`${path}: line 1 has ${first.length} columns; at most ${MAX_FEATURES + 1}`);
  }
  let hasHeader = header === 'yes';
  if (header === 'auto') {
    const noNumbers = first.every((cell) => Number.isNaN(numberOf(cell)));
    const numericBelow = first.some(
      (_, c) => rest.length > 0 && rest.every((row) => !Number.isNaN(numberOf(row[c] ?? ''))),
    );
    const unique = first.every((cell, c) => rest.every((row) => row[c] !== cell));
    hasHeader = noNumbers && rest.length > 0 && (numericBelow || unique);
  }
  const names = first.map((cell, c) => {
    const name = cell.trim();
    return hasHeader && name !== '' ? name : `column ${c + 1}`;
  });
  return {
    delimiter: sample.delimiter,
    header: hasHeader,
    names: uniqueNames(names),
    head: (hasHeader ? rest : sample.rows).slice(0, 20),
  };
}

/** Repeated header names get ` (2)`, ` (3)`: a column must be nameable. */
function uniqueNames(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n === 1 ? name : `${name} (${n})`;
  });
}

/**
 * The first pass over the whole file: every row must have the header's number of columns; per
 * column, missing cells, numbers, their sum, and distinct values up to a limit (the label
 * column's up to MAX_CLASSES, the others' up to MAX_CATEGORIES). Memory stays bounded whatever
 * the file's length.
 */
export async function scanCsv(
  path: string,
  layout: CsvLayout,
  labelColumn?: number,
  onBytes?: (bytes: number) => void,
): Promise<CsvScan> {
  const width = layout.names.length;
  const columns: ColumnStats[] = layout.names.map((_, c) => ({
    missing: 0,
    firstMissingLine: null,
    nonNumeric: 0,
    firstNonNumericLine: null,
    sum: 0,
    numeric: 0,
    distinct: new Set<string>(),
    limit: c === labelColumn ? MAX_CLASSES : MAX_CATEGORIES,
  }));
  let rows = 0;
  let headerSkipped = !layout.header;
  await streamCsv(
    path,
    layout.delimiter,
    (fields, line) => {
      if (!headerSkipped) {
        headerSkipped = true;
        return;
      }
      if (fields.length !== width) {
        throw new Error(`${path}: line ${line} has ${fields.length} columns; expected ${width}`);
      }
      rows += 1;
      for (let c = 0; c < width; c++) {
        const cell = fields[c] ?? '';
        const stats = columns[c];
        if (stats === undefined) continue;
        if (isMissing(cell)) {
          stats.missing += 1;
          stats.firstMissingLine ??= line;
          continue;
        }
        const value = numberOf(cell);
        if (Number.isNaN(value)) {
          stats.nonNumeric += 1;
          stats.firstNonNumericLine ??= line;
        } else {
          stats.numeric += 1;
          stats.sum += value;
        }
        if (stats.distinct.size <= stats.limit) stats.distinct.add(cell.trim());
      }
    },
    onBytes,
  );
  if (rows === 0)
    throw new Error(`${path}: no data rows${layout.header ? ' below the header' : ''}`);
  return { ...layout, rows, columns };
}

/** What inspect shows of each column. */
export function columnInfo(scan: CsvScan): ColumnInfo[] {
  return scan.columns.map((stats, index) => ({
    index,
    name: scan.names[index] ?? `column ${index + 1}`,
    kind: stats.nonNumeric > 0 ? 'categorical' : 'numeric',
    missing: stats.missing,
    distinct: Math.min(stats.distinct.size, MAX_CATEGORIES + 1),
  }));
}

/** A column named like a label, else the last one. */
export function suggestLabel(names: readonly string[]): number {
  const named = names.findIndex((name) => NAMED_LABEL.test(name.trim()));
  return named >= 0 ? named : names.length - 1;
}
