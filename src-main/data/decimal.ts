/**
 * A plain decimal number: Number() alone would also accept '', '0x1f' and 'Infinity'. What the
 * trainer's CSV reader (engine/data/csv.ts) and the importer (import/csv/values.ts) both take for
 * a number, so a file the importer accepted reads the same in training.
 */
export const DECIMAL = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;
