import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import { labelMapping } from './labels';
import { MAX_JSON_BYTES } from './limits';
import { plainReport, type ReadOutcome } from './types';
import type { ArraysWriter } from './writer';

/** A label as JSON may hold it. */
const LabelSchema = z.union([z.number(), z.string()]);
const RecordsSchema = z.array(z.record(z.string(), z.unknown())).min(1);
const XySchema = z.object({ x: z.array(z.unknown()).min(1), y: z.array(LabelSchema) });

export interface JsonTable {
  /** Tabular records: the numeric keys of the first record; {x, y}: absent. */
  featureNames?: string[];
  featureShape: number[];
  rows: Float32Array[];
  labels: string[];
}

/** Reads and parses a JSON dataset file (whole: JSON.parse needs all of it), size checked first. */
export async function parseJsonFile(path: string, labelKey: string): Promise<JsonTable> {
  const { size } = await stat(path);
  if (size > MAX_JSON_BYTES) {
    throw new Error(
      `${path}: ${size} bytes; JSON files are parsed whole, at most ${MAX_JSON_BYTES} (use CSV or NPY)`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    // V8's message names the position ("... in JSON at position 1234").
    throw new Error(`${path}: not valid JSON: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
  const records = RecordsSchema.safeParse(value);
  if (records.success) return fromRecords(records.data, labelKey, path);
  const xy = XySchema.safeParse(value);
  if (xy.success) return fromXy(xy.data.x, xy.data.y, path);
  throw new Error(
    `${path}: expected an array of records ({"${labelKey}": ..., "feature": number, ...}) or {"x": [...], "y": [...]}`,
  );
}

function fromRecords(
  records: Record<string, unknown>[],
  labelKey: string,
  path: string,
): JsonTable {
  const first = records[0] ?? {};
  const featureNames = Object.keys(first).filter(
    (k) => k !== labelKey && typeof first[k] === 'number',
  );
  if (featureNames.length === 0)
    throw new Error(`${path}: record 0 has no numeric keys besides "${labelKey}"`);
  const rows: Float32Array[] = [];
  const labels: string[] = [];
  records.forEach((record, i) => {
    const label = LabelSchema.safeParse(record[labelKey]);
    if (!label.success)
      throw new Error(`${path}: record ${i}: "${labelKey}" is missing or not a number or string`);
    const row = new Float32Array(featureNames.length);
    featureNames.forEach((key, j) => {
      const v = record[key];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new Error(`${path}: record ${i}: "${key}" is ${describe(v)}, not a finite number`);
      }
      row[j] = v;
    });
    rows.push(row);
    labels.push(String(label.data));
  });
  return { featureNames, featureShape: [featureNames.length], rows, labels };
}

/** {x, y}: x holds one nested array of numbers per row, all of one shape. */
function fromXy(x: unknown[], y: (number | string)[], path: string): JsonTable {
  if (x.length !== y.length)
    throw new Error(`${path}: x has ${x.length} rows but y has ${y.length} labels`);
  const featureShape = shapeOf(x[0], `${path}: x[0]`);
  if (featureShape.length === 0)
    throw new Error(`${path}: x[0] is a number; each row of x must be an array`);
  const size = featureShape.reduce((a, b) => a * b, 1);
  const rows = x.map((item, i) => {
    const row = new Float32Array(size);
    let at = 0;
    const fill = (v: unknown, depth: number, where: string): void => {
      if (depth === featureShape.length) {
        if (typeof v !== 'number' || !Number.isFinite(v))
          throw new Error(`${where} is ${describe(v)}, not a finite number`);
        row[at++] = v;
        return;
      }
      if (!Array.isArray(v) || v.length !== featureShape[depth]) {
        throw new Error(
          `${where}: expected an array of ${featureShape[depth] ?? 0} (the shape of x[0] is [${featureShape.join(', ')}])`,
        );
      }
      v.forEach((inner: unknown, k) => {
        fill(inner, depth + 1, `${where}[${k}]`);
      });
    };
    fill(item, 0, `${path}: x[${i}]`);
    return row;
  });
  return { featureShape, rows, labels: y.map(String) };
}

function shapeOf(v: unknown, where: string): number[] {
  if (!Array.isArray(v)) return [];
  if (v.length === 0) throw new Error(`${where} is an empty array`);
  return [v.length, ...shapeOf(v[0], `${where}[0]`)];
}

/** Imports a parsed JSON table: tabular records are standardised, nested arrays as stored. */
export async function readJsonDataset(
  path: string,
  labelKey: string,
  newWriter: (featureShape: number[]) => ArraysWriter,
): Promise<ReadOutcome> {
  const table = await parseJsonFile(path, labelKey);
  const mapping = labelMapping(new Set(table.labels));
  const writer = newWriter(table.featureShape);
  table.rows.forEach((row, i) => {
    writer.push(row, mapping.classOf(table.labels[i] ?? ''));
  });
  return {
    report: {
      ...plainReport(table.rows.length),
      ...(mapping.labelMap ? { labelMap: mapping.labelMap } : {}),
    },
    ...(table.featureNames ? { featureNames: table.featureNames } : {}),
    scale: 1,
    standardize: table.featureShape.length === 1,
  };
}

/** A JSON value in an error message (`undefined` when the key is absent). */
function describe(v: unknown): string {
  return v === undefined ? 'missing' : JSON.stringify(v);
}
