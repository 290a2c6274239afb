import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseNumericCsv, readNumericCsv } from '../../../src-main/engine/data/csv';
import { loadDataset } from '../../../src-main/engine/data/load';
import { useTempDirs } from '../../helpers/tempDir';
import { DIGITS_PATH, digitsLocator } from './fixtures';

const tempDir = useTempDirs();

describe('numeric CSV', () => {
  it('reads features then an integer label per row, skipping blank lines', () => {
    const table = parseNumericCsv('1,2.5,0\n\n-3,4e1,2\n', 'mem');
    expect(table.rows).toBe(2);
    expect(table.featureCount).toBe(2);
    expect([...table.features]).toEqual([1, 2.5, -3, 40]);
    expect([...table.labels]).toEqual([0, 2]);
  });

  it('names the line of a row with the wrong number of columns', () => {
    expect(() => parseNumericCsv('1,2,0\n3,4,1\n5,1\n', 'bad.csv')).toThrow(
      'bad.csv: line 3 has 2 columns; expected 3',
    );
  });

  it('names the line and column of a value that is not a number', () => {
    expect(() => parseNumericCsv('1,2,0\n3,abc,1\n', 'bad.csv')).toThrow(
      'bad.csv: line 2, column 2: "abc" is not a number',
    );
    // Empty fields, hex and Infinity are not plain decimals either.
    expect(() => parseNumericCsv('1,,0\n', 'e.csv')).toThrow(
      'line 1, column 2: "" is not a number',
    );
    expect(() => parseNumericCsv('0x10,1,0\n', 'h.csv')).toThrow('line 1, column 1');
    expect(() => parseNumericCsv('Infinity,1,0\n', 'i.csv')).toThrow('line 1, column 1');
  });

  it('refuses a label that is not a non-negative integer, naming the line', () => {
    expect(() => parseNumericCsv('1,2,0\n1,2,1.5\n', 'l.csv')).toThrow(
      'l.csv: line 2, column 3: label "1.5" is not a non-negative integer',
    );
    expect(() => parseNumericCsv('1,2,-1\n', 'l.csv')).toThrow('line 1, column 3');
  });

  it('refuses an empty file and a file with a single column', () => {
    expect(() => parseNumericCsv('\n', 'empty.csv')).toThrow('holds no rows');
    expect(() => parseNumericCsv('1\n2\n', 'one.csv')).toThrow('line 1 has 1 column(s)');
  });

  it('gunzips a .gz file', async () => {
    const path = join(tempDir(), 'small.csv.gz');
    writeFileSync(path, gzipSync('0,1,1\n2,3,0\n'));
    const table = await readNumericCsv(path);
    expect([...table.features]).toEqual([0, 1, 2, 3]);
    expect([...table.labels]).toEqual([1, 0]);
  });

  it('reads the built-in digits: 1797 rows of 64 pixels 0..16 and labels 0..9', async () => {
    const table = await readNumericCsv(DIGITS_PATH);
    expect(table.rows).toBe(1797);
    expect(table.featureCount).toBe(64);
    expect(Math.max(...table.features)).toBe(16);
    expect(Math.min(...table.features)).toBe(0);
    expect([...new Set(table.labels)].sort((a, b) => a - b)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
  });
});

describe('loadDataset', () => {
  it('scales digits by their maximum (16) by default, or by the given scale', async () => {
    const dataset = await loadDataset(digitsLocator());
    expect(dataset.scale).toBe(16);
    expect(dataset.featureShape).toEqual([8, 8]);
    expect(dataset.featureSize).toBe(64);
    expect(dataset.n).toBe(1797);
    expect(Math.max(...dataset.x)).toBe(1);
    expect(dataset.classes).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const halved = await loadDataset({ ...digitsLocator(), scale: 32 });
    expect(Math.max(...halved.x)).toBe(0.5);
  });

  it('refuses a file whose content hash differs from the recorded one', async () => {
    await expect(loadDataset({ ...digitsLocator(), contentHash: 'f'.repeat(64) })).rejects.toThrow(
      'the file changed since it was imported',
    );
  });

  it('refuses a feature shape that does not match the columns, and names a bad row of a real file', async () => {
    await expect(loadDataset({ ...digitsLocator(), featureShape: [7, 7] })).rejects.toThrow(
      "64 feature columns, but the dataset's feature shape [7, 7] needs 49",
    );
    const path = join(tempDir(), 'broken.csv');
    const text = '1,2,0\n3,4,1\n5,six,1\n';
    writeFileSync(path, text);
    const contentHash = createHash('sha256').update(text).digest('hex');
    await expect(
      loadDataset({ kind: 'csv', path, featureShape: [2], contentHash }),
    ).rejects.toThrow(`${path}: line 3, column 2: "six" is not a number`);
  });
});
