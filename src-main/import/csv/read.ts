import type { ColumnRef, ImportReport, MissingPolicy } from '../../../src-shared/rpc/datasets';
import { labelMapping } from '../labels';
import { MAX_CATEGORIES, MAX_FEATURES } from '../limits';
import { stat } from 'node:fs/promises';
import type { ImportStep, ReadOutcome } from '../types';
import type { ArraysWriter } from '../writer';
import { detectLayout, scanCsv, suggestLabel, type ColumnStats, type CsvScan } from './scan';
import type { Delimiter } from './stream';
import { streamCsv } from './stream';
import { fitsFloat32, isMissing, isNonFinite, nonFiniteError, numberOf } from './values';

export interface CsvReadOptions {
  delimiter: Delimiter | 'auto';
  header: 'auto' | 'yes' | 'no';
  labelColumn?: ColumnRef | undefined;
  featureColumns?: ColumnRef[] | undefined;
  missing: MissingPolicy;
}

/** How one feature column becomes features: a number, or one-hot over sorted categories. */
type FeaturePlan =
  | { column: number; name: string; kind: 'numeric'; fill: number | null }
  | { column: number; name: string; kind: 'one-hot'; categories: Map<string, number> };

/**
 * Imports a CSV or TSV in two streaming passes (issue 4): the first (scan.ts) counts rows,
 * missing cells and distinct values and decides each column's kind; the second writes each kept
 * row's float32 features straight to the dataset's file. Memory is bounded by the number of
 * columns and categories, not by the number of rows.
 */
export async function readCsv(
  path: string,
  options: CsvReadOptions,
  newWriter: (featureShape: number[]) => ArraysWriter,
  onProgress?: (step: ImportStep) => void,
): Promise<ReadOutcome> {
  const total = (await stat(path)).size;
  const bytes = (phase: 'scan' | 'write') => {
    let done = 0;
    return (n: number): void => {
      done += n;
      onProgress?.({ phase, done, total, unit: 'bytes' });
    };
  };
  const layout = await detectLayout(path, options.delimiter, options.header, namedColumns(options));
  const label =
    options.labelColumn === undefined
      ? suggestLabel(layout.names)
      : columnIndex(options.labelColumn, layout.names, '--label-column');
  const scan = await scanCsv(path, layout, label, bytes('scan'));
  const labelStats = scan.columns[label];
  if (labelStats === undefined) throw new Error(`No label column ${label}`);
  const featureColumns = (
    options.featureColumns ?? scan.names.map((_, c) => c).filter((c) => c !== label)
  ).map((ref) => columnIndex(ref, scan.names, 'feature column'));
  if (featureColumns.length === 0) throw new Error(`${path}: no feature columns besides the label`);
  if (featureColumns.includes(label)) {
    throw new Error(`The label column "${scan.names[label] ?? label}" cannot also be a feature`);
  }
  if (new Set(featureColumns).size !== featureColumns.length) {
    throw new Error('A feature column is listed twice');
  }
  const warnings: string[] = [];
  const plans = featureColumns.map((c) => featurePlan(c, scan, options.missing, path, warnings));
  const featureNames = plans.flatMap((p) =>
    p.kind === 'numeric' ? [p.name] : [...p.categories.keys()].map((cat) => `${p.name}=${cat}`),
  );
  if (featureNames.length > MAX_FEATURES) {
    throw new Error(
      `The features expand to ${featureNames.length} columns; at most ${MAX_FEATURES}`,
    );
  }
  if (labelStats.distinct.size > labelStats.limit) {
    throw new Error(
      `The label column "${scan.names[label] ?? label}" has more than ${labelStats.limit} distinct values; is it the right column?`,
    );
  }
  const labels = labelMapping(labelStats.distinct);
  const writer = newWriter([featureNames.length]);
  const row = new Float32Array(featureNames.length);
  let rowsRead = 0;
  let rowsDropped = 0;
  let headerSkipped = !scan.header;
  await streamCsv(
    path,
    scan.delimiter,
    (fields, line) => {
      if (!headerSkipped) {
        headerSkipped = true;
        return;
      }
      rowsRead += 1;
      if (fields.length !== scan.names.length) {
        throw new Error(
          `${path}: line ${line} has ${fields.length} columns; expected ${scan.names.length} (did the file change during the import?)`,
        );
      }
      const labelCell = fields[label] ?? '';
      if (isMissing(labelCell)) {
        rowsDropped += 1;
        return;
      }
      let offset = 0;
      for (const plan of plans) {
        const cell = fields[plan.column] ?? '';
        const missing = isMissing(cell);
        if (missing && options.missing === 'drop-rows') {
          rowsDropped += 1;
          return;
        }
        if (plan.kind === 'numeric') {
          const value = missing ? (plan.fill ?? 0) : numberOf(cell);
          // The first pass refused these; here only if the file changed since.
          if (Number.isNaN(value) ? isNonFinite(cell) : !fitsFloat32(value)) {
            throw nonFiniteError(path, line, plan.name, cell);
          }
          if (Number.isNaN(value)) {
            throw new Error(
              `${path}: line ${line}, column "${plan.name}": "${cell}" is not a number`,
            );
          }
          row[offset++] = value;
        } else {
          row.fill(0, offset, offset + plan.categories.size);
          if (!missing) {
            const at = plan.categories.get(cell.trim());
            if (at === undefined) {
              throw new Error(
                `${path}: line ${line}, column "${plan.name}": unexpected value "${cell}"`,
              );
            }
            row[offset + at] = 1;
          }
          offset += plan.categories.size;
        }
      }
      writer.push(row, labels.classOf(labelCell));
    },
    bytes('write'),
  );
  if (rowsRead !== scan.rows) {
    throw new Error(
      `${path}: ${rowsRead} rows on the second read, ${scan.rows} on the first: the file changed during the import`,
    );
  }
  const report: ImportReport = {
    rowsRead,
    rowsKept: writer.rows,
    rowsDropped,
    missingByColumn: Object.fromEntries(
      plans.map((p) => [p.name, scan.columns[p.column]?.missing ?? 0]),
    ),
    oneHot: plans.flatMap((p) =>
      p.kind === 'one-hot' ? [{ column: p.name, categories: [...p.categories.keys()] }] : [],
    ),
    ...(labels.labelMap ? { labelMap: labels.labelMap } : {}),
    warnings,
  };
  return {
    report,
    featureNames,
    scale: 1,
    standardize: true,
    csv: { delimiter: scan.delimiter, header: scan.header },
  };
}

/** The columns the user chose by name (not by index): a first row holding one is the header. */
function namedColumns(options: CsvReadOptions): string[] {
  const refs = [options.labelColumn, ...(options.featureColumns ?? [])];
  return refs.filter((r): r is string => typeof r === 'string' && !/^\d+$/.test(r));
}

/** A column by header name or 0-based index, with an error naming the choices. */
export function columnIndex(ref: ColumnRef, names: readonly string[], what: string): number {
  if (typeof ref === 'number') {
    if (ref < names.length) return ref;
    throw new Error(`${what} ${ref}: the file has columns 0 to ${names.length - 1}`);
  }
  const exact = names.indexOf(ref);
  if (exact >= 0) return exact;
  if (/^\d+$/.test(ref) && Number(ref) < names.length) return Number(ref);
  throw new Error(`${what} "${ref}" is not a column; the columns are: ${names.join(', ')}`);
}

/** A feature column that cannot be imported as it is: the first bad cell, and what to do. */
function refuseColumn(stats: ColumnStats, name: string, policy: MissingPolicy, path: string): void {
  // Issue 11: ±Infinity in a float32 feature would wreck standardisation and training.
  if (stats.firstNonFinite !== null) {
    throw nonFiniteError(path, stats.firstNonFinite.line, name, stats.firstNonFinite.cell);
  }
  if (stats.missing > 0 && policy === 'refuse') {
    throw new Error(
      `${path}: line ${stats.firstMissingLine ?? '?'}, column "${name}": missing value ` +
        `(${stats.missing} in this column); choose a missing-value policy (drop-rows, mean or zero)`,
    );
  }
}

function featurePlan(
  column: number,
  scan: CsvScan,
  policy: MissingPolicy,
  path: string,
  warnings: string[],
): FeaturePlan {
  const stats = scan.columns[column] as ColumnStats;
  const name = scan.names[column] ?? `column ${column + 1}`;
  refuseColumn(stats, name, policy, path);
  if (stats.nonNumeric === 0 && stats.numeric === 0 && policy !== 'drop-rows') {
    warnings.push(
      `Column "${name}" has no values (all ${stats.missing} cells are missing): it was filled ` +
        'with 0, a constant feature; leave it out of the features',
    );
  }
  if (stats.nonNumeric === 0) {
    const mean = stats.numeric > 0 ? stats.sum / stats.numeric : 0;
    return { column, name, kind: 'numeric', fill: policy === 'mean' ? mean : 0 };
  }
  if (stats.distinct.size > MAX_CATEGORIES) {
    throw new Error(
      `${path}: column "${name}" is not numeric (line ${stats.firstNonNumericLine ?? '?'}) and has ` +
        `more than ${MAX_CATEGORIES} distinct values, too many to one-hot encode; leave it out of the features`,
    );
  }
  if (stats.numeric > 0) {
    warnings.push(
      `Column "${name}" mixes numbers and text (first text on line ${stats.firstNonNumericLine ?? '?'}); it was one-hot encoded`,
    );
  }
  if (stats.missing > 0 && policy === 'mean') {
    warnings.push(
      `Column "${name}" is categorical: its ${stats.missing} missing cells have no category (all zeros)`,
    );
  }
  const categories = new Map([...stats.distinct].sort().map((cat, i) => [cat, i]));
  return { column, name, kind: 'one-hot', categories };
}
