import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { DECIMAL } from '../../data/decimal';
import Papa from 'papaparse';

/** A numeric table as read from a file: one row per sample, features then an integer label. */
export interface NumericTable {
  /** Row-major, rows × featureCount, as written in the file (no scaling). */
  features: Float32Array;
  labels: Int32Array;
  rows: number;
  featureCount: number;
}

const LABEL = /^\s*\+?\d+\s*$/;

/**
 * Reads a numeric CSV without a header (features..., label), gunzipping it when the path ends in
 * `.gz`. Every row must have the same number of columns as the first and hold only decimal
 * numbers, with a non-negative integer label; the error names the offending line, so a user can
 * fix the file.
 */
export async function readNumericCsv(path: string): Promise<NumericTable> {
  return parseNumericCsv(csvText(await readFile(path), path), path);
}

/** A CSV file's bytes as text, gunzipped when its name ends in `.gz`. */
export function csvText(bytes: Uint8Array, path: string): string {
  return Buffer.from(path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** The parsing half of readNumericCsv, for text already in memory. `source` names it in errors. */
export function parseNumericCsv(text: string, source: string): NumericTable {
  // No type guessing (dynamicTyping): each field is checked below, so a bad value is reported
  // rather than silently turned into NaN or a string. Blank lines are kept so line numbers in
  // errors match the file; they are skipped below.
  const parsed = Papa.parse<string[]>(text, {
    delimiter: ',',
    header: false,
    skipEmptyLines: false,
  });
  const syntax = parsed.errors[0];
  if (syntax !== undefined) {
    throw new Error(`${source}: line ${(syntax.row ?? 0) + 1}: ${syntax.message}`);
  }
  const rows = parsed.data.filter((row) => !(row.length === 1 && row[0]?.trim() === ''));
  if (rows.length === 0) throw new Error(`${source}: the file holds no rows`);
  const columns = rows[0]?.length ?? 0;
  if (columns < 2) {
    throw new Error(`${source}: line 1 has ${columns} column(s); expected features then a label`);
  }
  const featureCount = columns - 1;
  const features = new Float32Array(rows.length * featureCount);
  const labels = new Int32Array(rows.length);
  let r = 0;
  parsed.data.forEach((row, index) => {
    const line = index + 1;
    if (row.length === 1 && row[0]?.trim() === '') return;
    if (row.length !== columns) {
      throw new Error(`${source}: line ${line} has ${row.length} columns; expected ${columns}`);
    }
    for (let c = 0; c < featureCount; c++) {
      const field = row[c] ?? '';
      const value = DECIMAL.test(field) ? Number(field) : NaN;
      if (!Number.isFinite(value)) {
        throw new Error(`${source}: line ${line}, column ${c + 1}: "${field}" is not a number`);
      }
      features[r * featureCount + c] = value;
    }
    const labelField = row[featureCount] ?? '';
    const label = LABEL.test(labelField) ? Number(labelField) : NaN;
    if (!Number.isSafeInteger(label) || label > 2 ** 31 - 1) {
      throw new Error(
        `${source}: line ${line}, column ${columns}: label "${labelField}" is not a non-negative integer`,
      );
    }
    labels[r] = label;
    r++;
  });
  return { features, labels, rows: rows.length, featureCount };
}
