import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RpcInput } from '../../src-shared/rpc/contract';
import { writeImageFolder } from './datasetFiles';

/**
 * Bad input for the importer (issue 11: "bad input is refused or reported, never silently
 * changed"), one small file (or folder) per case, for the import tests and a reliability suite.
 * Every case must end as its `expectation` says, with `mustMention` in the error's message or in
 * one of the report's warnings. `imports` is a file the importer must take as it is (a header
 * holding markup is a legal name): `mustMention` must come back verbatim among the feature names,
 * and it is the page that must escape it (src-renderer/lib/barChart.ts).
 */
export interface BadInputCase {
  /** The file's (or folder's) name, also the case's name. */
  name: string;
  /** Absolute path of the file or folder to import. */
  file: string;
  /** `datasets.import` options for it (the defaults otherwise: missing values refused). */
  options: RpcInput<'datasets.import'>['options'];
  expectation: 'error' | 'warning' | 'imports';
  mustMention: string;
}

/** A header with markup; rendered unescaped it was a live element in the dataset page. */
export const HTML_HEADER = '<img src=x onerror=alert(1)>';

/** A class folder that is a hidden name (a leading dot), once dropped without a word. */
export const DOT_CLASS = '..%2f..%2fx';

const CSV = { format: 'csv' } as const;
const GOOD_CSV = 'width,height,label\n1.5,2,cat\n3.25,4,dog\n5,6,cat\n';

/** A small CSV with `cell` at line 3, column "height". */
function withCell(cell: string): string {
  return `width,height,label\n1.5,2,cat\n3.25,${cell},dog\n5,6,cat\n`;
}

/** The CSV cases, as [name, contents, expectation, mustMention]. */
function csvCases(): [string, string | Buffer, BadInputCase['expectation'], string][] {
  const notFloat32 = (cell: string): string =>
    `line 3, column "height": "${cell}" is not a finite 32-bit float`;
  const utf16le = Buffer.from(GOOD_CSV, 'utf16le');
  const utf16be = Buffer.from(utf16le).swap16();
  return [
    // 1: float32 overflow and infinity spelt out. NaN is a missing value (NumPy writes it so).
    ['csv-float32-overflow.csv', withCell('1e39'), 'error', notFloat32('1e39')],
    ['csv-double-overflow.csv', withCell('-1e400'), 'error', notFloat32('-1e400')],
    ['csv-inf.csv', withCell('inf'), 'error', notFloat32('inf')],
    ['csv-infinity.csv', withCell('-Infinity'), 'error', notFloat32('-Infinity')],
    ['csv-nan.csv', withCell('nan'), 'error', 'line 3, column "height": missing value'],
    // 2: UTF-16 in both byte orders, with and without a byte-order mark.
    [
      'csv-utf16be-bom.csv',
      Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be]),
      'error',
      'UTF-16BE',
    ],
    ['csv-utf16be.csv', utf16be, 'error', 'UTF-16BE'],
    [
      'csv-utf16le-bom.csv',
      Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le]),
      'error',
      'UTF-16LE',
    ],
    ['csv-utf16le.csv', utf16le, 'error', 'UTF-16LE'],
    // 3: a header without data; the first 5 bytes of a CSV (a cut-off download).
    ['csv-header-only.csv', 'width,height,label\n', 'error', 'no data rows'],
    ['csv-truncated.csv', GOOD_CSV.slice(0, 5), 'error', 'is the file cut short?'],
    // 4: the header read as data made `label` a class; here a repeated header does.
    [
      'csv-repeated-header.csv',
      'width,colour,label\n1.5,red,cat\nwidth,colour,label\n3,blue,dog\n',
      'error',
      'line 3 repeats the header row',
    ],
    // 6: markup in a header: a legal name, escaped where it is shown.
    ['csv-html-header.csv', `${HTML_HEADER},label\n1,a\n2,b\n3,a\n`, 'imports', HTML_HEADER],
  ];
}

/**
 * Writes every case into `dir` and returns them. Cases 1–4 and 6 are CSVs; case 4 has a second
 * file, an Excel-style export (a trailing empty column, an NA in its only numeric column) that
 * imports with its header recognised; case 5 is an image folder with a hidden class folder.
 */
export function writeBadInputCorpus(dir: string): BadInputCase[] {
  const cases: BadInputCase[] = csvCases().map(([name, contents, expectation, mustMention]) => {
    writeFileSync(join(dir, name), contents);
    return { name, file: join(dir, name), options: CSV, expectation, mustMention };
  });
  const excel = 'csv-header-text-columns.csv';
  writeFileSync(
    join(dir, excel),
    'age,smoker,label,\n34,no,healthy,\nNA,,sick,\n51,yes,healthy,\n',
  );
  cases.push({
    name: excel,
    file: join(dir, excel),
    options: { format: 'csv', missing: 'mean' },
    expectation: 'warning',
    // Named by its header: read as data, the column was "column 2" and `label` a class.
    mustMention: 'Column "smoker" is categorical',
  });
  const folder = 'image-folder-dot-class';
  writeImageFolder(
    join(dir, folder),
    { cat: [0, 0, 0], dog: [255, 255, 255], [DOT_CLASS]: [9, 9, 9] },
    2,
  );
  cases.push({
    name: folder,
    file: join(dir, folder),
    options: { format: 'image-folder', width: 4, height: 4 },
    expectation: 'warning',
    mustMention: `"${DOT_CLASS}"`,
  });
  return cases;
}
