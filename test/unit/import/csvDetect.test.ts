import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { detectLayout, looksLikeHeader } from '../../../src-main/import/csv/scan';
import { checkTextEncoding, encodingProblem } from '../../../src-main/import/csv/stream';
import { isMissing, isNonFinite, numberOf } from '../../../src-main/import/csv/values';
import { useTempDirs } from '../../helpers/tempDir';

/** Issue 11's rules for CSV cells, encodings and headers, one by one. */
const tempDir = useTempDirs();

describe('cells a float32 cannot hold', () => {
  it('are infinity spelt out and decimals beyond ±3.4e38', () => {
    for (const cell of [
      'inf',
      '-inf',
      '+Inf',
      'Infinity',
      ' -infinity ',
      '1.#INF',
      '1e39',
      '-1e39',
      '1e400',
      '3.5e38',
    ])
      expect(isNonFinite(cell), cell).toBe(true);
    for (const cell of [
      '3.4e38',
      '-3.4e38',
      '1e-50',
      '0',
      '12',
      'nan',
      'NA',
      '',
      'red',
      'infant',
      '0x1f',
    ])
      expect(isNonFinite(cell), cell).toBe(false);
  });

  it('are neither numbers nor missing; nan is missing', () => {
    expect(numberOf('1e39')).toBe(1e39);
    expect(Number.isNaN(numberOf('inf'))).toBe(true);
    expect(isMissing('inf')).toBe(false);
    expect(isMissing('NaN')).toBe(true);
  });
});

describe('encodingProblem', () => {
  const text = 'a,b,label\n1,2,x\n3,4,y\n';
  const le = Buffer.from(text, 'utf16le');
  const be = Buffer.from(le).swap16();

  it('names UTF-16 and UTF-32 by their byte-order marks', () => {
    expect(encodingProblem(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toBe(
      'the file is UTF-16BE text (it starts with a byte-order mark)',
    );
    expect(encodingProblem(Buffer.concat([Buffer.from([0xff, 0xfe]), le]))).toBe(
      'the file is UTF-16LE text (it starts with a byte-order mark)',
    );
    expect(encodingProblem(Buffer.from([0xff, 0xfe, 0, 0, 0x61, 0, 0, 0]))).toBe(
      'the file is UTF-32LE text (it starts with a byte-order mark)',
    );
  });

  it('tells UTF-16 without a mark by its NUL bytes, and any other NUL as not text', () => {
    expect(encodingProblem(be)).toBe('the file is UTF-16BE text (NUL bytes at every other byte)');
    expect(encodingProblem(le)).toBe('the file is UTF-16LE text (NUL bytes at every other byte)');
    expect(encodingProblem(Buffer.from('a,b\n1,\u00002\n'))).toBe(
      'byte 6 is a NUL (0x00): this is not a text file (UTF-16, UTF-32 or binary?)',
    );
  });

  it('passes UTF-8, with or without its mark, and non-ASCII text', () => {
    expect(encodingProblem(Buffer.from(text))).toBeNull();
    expect(encodingProblem(Buffer.from(`\uFEFF${text}`))).toBeNull();
    expect(encodingProblem(Buffer.from('größe,étiquette\n1,ä\n'))).toBeNull();
  });

  it('reads a gzipped file’s text, not its compressed bytes', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'ok.csv.gz'), gzipSync(Buffer.from(text)));
    await expect(checkTextEncoding(join(dir, 'ok.csv.gz'))).resolves.toBeUndefined();
    writeFileSync(join(dir, 'be.csv.gz'), gzipSync(be));
    writeFileSync(join(dir, 'broken.csv.gz'), Buffer.from([0x1f, 0x8b, 1, 2, 3]));
    await expect(checkTextEncoding(join(dir, 'broken.csv.gz'))).rejects.toThrow(
      /broken\.csv\.gz: cannot read: /,
    );
    await expect(checkTextEncoding(join(dir, 'be.csv.gz'))).rejects.toThrow(
      'be.csv.gz: the file is UTF-16BE text (NUL bytes at every other byte); only UTF-8',
    );
  });
});

describe('looksLikeHeader', () => {
  const rows = (text: string): string[][] => text.split('\n').map((line) => line.split(','));

  it('takes names above numbers as a header, missing cells notwithstanding', () => {
    const [first = [], ...rest] = rows('age,smoker,label,\n34,no,a,\nNA,,b,\n51,yes,a,');
    expect(looksLikeHeader(first, rest)).toBe(true);
  });

  it('takes a row of names none of which appears below, or a label-like name', () => {
    const [first = [], ...rest] = rows('colour,label\nred,x\nblue,y');
    expect(looksLikeHeader(first, rest)).toBe(true);
    const [again = [], ...below] = rows('colour,label\ncolour,x\nblue,label');
    expect(looksLikeHeader(again, below)).toBe(true);
    const [chosen = [], ...data] = rows('colour,kind\ncolour,x\nblue,kind');
    expect(looksLikeHeader(chosen, data)).toBe(false);
    expect(looksLikeHeader(chosen, data, ['kind'])).toBe(true);
  });

  it('takes a row holding a number, or values repeated below, as data', () => {
    const [numbers = [], ...rest] = rows('1.5,red,x\n2,blue,y');
    expect(looksLikeHeader(numbers, rest)).toBe(false);
    // Headerless yes/no votes: `y` is a label name, but also a value found again below.
    const [votes = [], ...more] = rows('republican,n,y\ndemocrat,y,y\nrepublican,n,n');
    expect(looksLikeHeader(votes, more)).toBe(false);
    // A first row with a missing cell above numbers is no header for that alone.
    const [missing = [], ...after] = rows('NA,red,x\n1,blue,y\n2,red,x');
    expect(looksLikeHeader(missing, after)).toBe(false);
  });
});

describe('detectLayout', () => {
  it('sees the row below a header longer than the megabyte it samples', async () => {
    const dir = tempDir();
    const path = join(dir, 'wide.csv');
    const columns = 160_000;
    const names = Array.from({ length: columns }, (_, i) => `f${i}`);
    const row = Array.from({ length: columns }, (_, i) => String(i % 7));
    writeFileSync(path, `${names.join(',')}\n${row.join(',')}\n${row.join(',')}\n`);
    const layout = await detectLayout(path, 'auto', 'auto');
    expect(layout.header).toBe(true);
    expect(layout.names).toHaveLength(columns);
    expect(layout.head.length).toBeGreaterThanOrEqual(1);
  });
});
