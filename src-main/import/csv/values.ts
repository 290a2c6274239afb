import { DECIMAL } from '../../data/decimal';

/** How a CSV cell is read: a plain decimal number, a missing value, or a category. */

/**
 * Spellings of "no value" that spreadsheets, R and pandas write. `nan` stays here (NumPy's
 * savetxt writes it for a missing value): it meets the missing-value policy, refused by default.
 */
const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '?']);

/** Infinity as NumPy, pandas, C# and MSVC print it. */
const INFINITY = /^\s*[-+]?(inf|infinity|1\.#inf)\s*$/i;

export function isMissing(cell: string): boolean {
  return MISSING.has(cell.trim().toLowerCase());
}

/** The number a cell holds, or NaN when it is not a plain finite decimal. */
export function numberOf(cell: string): number {
  if (!DECIMAL.test(cell)) return NaN;
  const value = Number(cell);
  return Number.isFinite(value) ? value : NaN;
}

/**
 * A value that a float32 feature cannot hold (issue 11): infinity spelt out, or a decimal beyond
 * ±3.4e38, which Float32Array would store as ±Infinity without a word (`1e39`, `1e400`).
 */
export function isNonFinite(cell: string): boolean {
  if (INFINITY.test(cell)) return true;
  return DECIMAL.test(cell) && !fitsFloat32(Number(cell));
}

/** Whether a float32 holds `value` as a finite number (rounded to its precision). */
export function fitsFloat32(value: number): boolean {
  return Number.isFinite(Math.fround(value));
}

/** The error for such a value: what and where, and the ways out. */
export function nonFiniteError(path: string, line: number, column: string, cell: string): Error {
  const value = cell.trim().slice(0, 40);
  return new Error(
    `${path}: line ${line}, column "${column}": "${value}" is not a finite 32-bit float ` +
      '(features are stored as float32, at most ±3.4e38); rescale the column, mark the cell ' +
      'missing (empty or NA), or leave the column out of the features',
  );
}
