/** How a CSV cell is read: a plain decimal number, a missing value, or a category. */

/** Number() alone would also accept '', '0x1f' and 'Infinity'. */
const DECIMAL = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/** Spellings of "no value" that spreadsheets, R and pandas write. */
const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '?']);

export function isMissing(cell: string): boolean {
  return MISSING.has(cell.trim().toLowerCase());
}

/** The number a cell holds, or NaN when it is not a plain finite decimal. */
export function numberOf(cell: string): number {
  if (!DECIMAL.test(cell)) return NaN;
  const value = Number(cell);
  return Number.isFinite(value) ? value : NaN;
}
