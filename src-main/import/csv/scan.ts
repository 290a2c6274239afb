import type { ColumnInfo } from '../../../src-shared/rpc/datasets';
import { MAX_CATEGORIES, MAX_CLASSES, MAX_FEATURES } from '../limits';
import {
  checkTextEncoding,
  MAX_HEAD_CHARS,
  parseSample,
  readHead,
  streamCsv,
  type Delimiter,
} from './stream';
import { fitsFloat32, isMissing, isNonFinite, numberOf } from './values';

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
  /** Values a float32 cannot hold (`inf`, `1e39`), and the first one with its line. */
  nonFinite: number;
  firstNonFinite: { line: number; cell: string } | null;
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
/** Names that say "header" when a first row holds them; not `y`, which is also a yes/no value. */
const HEADER_LABEL = /^(label|labels|class|target|category)$/i;

/**
 * Detects the delimiter (papaparse's guess among , ; tab |, or the one given) and the header
 * from the first megabyte (looksLikeHeader). `named`: the columns the user chose by name (label,
 * features); a first row holding one of them is the header. The file must be UTF-8 text and
 * hold more than one line (singleLineError).
 */
export async function detectLayout(
  path: string,
  delimiter: Delimiter | 'auto',
  header: 'auto' | 'yes' | 'no',
  named: readonly string[] = [],
): Promise<CsvLayout> {
  await checkTextEncoding(path);
  const { text, complete } = await readHead(path);
  const sample = parseSample(text, delimiter);
  const [first, ...rest] = sample.rows;
  if (first === undefined) throw new Error(`${path}: the file holds no rows`);
  if (first.length > MAX_FEATURES + 1) {
    throw new Error(`${path}: line 1 has ${first.length} columns; at most ${MAX_FEATURES + 1}`);
  }
  if (rest.length === 0) throw singleLineError(path, first, sample.delimiter, text, complete);
  const hasHeader = header === 'auto' ? looksLikeHeader(first, rest, named) : header === 'yes';
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

/**
 * A file of one line is refused, whatever the header option (issue 11): it is a header without
 * data, or a single row that no detection can tell from a header, and one row is no dataset
 * either way. Before, a header-only file, or the first bytes of a cut-off download, imported as
 * one row with the header's names as its values. A missing final line break says "cut short".
 */
function singleLineError(
  path: string,
  first: readonly string[],
  delimiter: Delimiter,
  text: string,
  complete: boolean,
): Error {
  if (!complete) {
    return new Error(
      `${path}: the first two lines are longer than ${MAX_HEAD_CHARS / 1024 ** 2} MB; lines this long cannot be read`,
    );
  }
  const line = first.join(delimiter);
  const shown = line.length > 80 ? `${line.slice(0, 80)}...` : line;
  const cut = /[\r\n]\s*$/.test(text)
    ? ''
    : ', with no line break at its end: is the file cut short?';
  return new Error(
    `${path}: no data rows: the file holds a single line ("${shown}")${cut}. A CSV needs a ` +
      'header line and data rows below it (or, without a header, at least 2 rows)',
  );
}

/**
 * Whether a first row names the columns (header 'auto'). Names are not numbers, so a row
 * holding a number is data. Otherwise it is a header when
 * - a column holds text in it and below it only numbers or missing cells (at least one number):
 *   a name above values. Missing cells count as neither (issue 11: one NA in the only numeric
 *   column, beside text columns, made the header read as data and `label` a class);
 * - or none of its cells appears again in its column (names are not values);
 * - or it holds a label-like name (label, class, target, category) or a column the user named.
 */
export function looksLikeHeader(
  first: readonly string[],
  rest: readonly (readonly string[])[],
  named: readonly string[] = [],
): boolean {
  const isNumber = (cell: string): boolean => !Number.isNaN(numberOf(cell));
  if (first.some(isNumber)) return false;
  const below = (c: number): string[] => rest.map((row) => row[c] ?? '');
  const nameAboveNumbers = first.some(
    (cell, c) =>
      !isMissing(cell) &&
      below(c).every((v) => isMissing(v) || isNumber(v)) &&
      below(c).some(isNumber),
  );
  const unique = first.every((cell, c) => !below(c).includes(cell));
  const labelNamed = first.some(
    (cell) => HEADER_LABEL.test(cell.trim()) || named.includes(cell.trim()),
  );
  return nameAboveNumbers || unique || labelNamed;
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
    nonFinite: 0,
    firstNonFinite: null,
    sum: 0,
    numeric: 0,
    distinct: new Set<string>(),
    limit: c === labelColumn ? MAX_CLASSES : MAX_CATEGORIES,
  }));
  let rows = 0;
  let headerSkipped = !layout.header;
  let headerCells: string[] | null = null;
  await streamCsv(
    path,
    layout.delimiter,
    (fields, line) => {
      if (!headerSkipped) {
        headerSkipped = true;
        const cells = fields.map((f) => f.trim());
        headerCells = cells.some((cell) => cell !== '') ? cells : null;
        return;
      }
      if (fields.length !== width) {
        throw new Error(`${path}: line ${line} has ${fields.length} columns; expected ${width}`);
      }
      // Two exports joined end to end: the second header would be a row, its label a class.
      if (headerCells !== null && fields.every((f, c) => f.trim() === headerCells?.[c])) {
        throw new Error(
          `${path}: line ${line} repeats the header row (were two files joined?); remove it and import again`,
        );
      }
      rows += 1;
      for (let c = 0; c < width; c++) {
        const stats = columns[c];
        if (stats !== undefined) tally(stats, fields[c] ?? '', line);
      }
    },
    onBytes,
  );
  if (rows === 0)
    throw new Error(`${path}: no data rows${layout.header ? ' below the header' : ''}`);
  return { ...layout, rows, columns };
}

/** One cell into its column's stats. */
function tally(stats: ColumnStats, cell: string, line: number): void {
  if (isMissing(cell)) {
    stats.missing += 1;
    stats.firstMissingLine ??= line;
    return;
  }
  const value = numberOf(cell);
  // A plain number is tested for float32 at once; only text may spell infinity.
  if (Number.isNaN(value) ? isNonFinite(cell) : !fitsFloat32(value)) {
    stats.nonFinite += 1;
    stats.firstNonFinite ??= { line, cell };
  } else if (Number.isNaN(value)) {
    stats.nonNumeric += 1;
    stats.firstNonNumericLine ??= line;
  } else {
    stats.numeric += 1;
    stats.sum += value;
  }
  if (stats.distinct.size <= stats.limit) stats.distinct.add(cell.trim());
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
