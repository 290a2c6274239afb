import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeIntoFolder } from '../../../src-main/reports/writeReport';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

describe('writing a report into a chosen folder', () => {
  it('writes a bare name into the folder', () => {
    const dir = tempDir();
    const path = writeIntoFolder(dir, 'report.html', '<p>x</p>');
    expect(readFileSync(path, 'utf8')).toBe('<p>x</p>');
    expect(readdirSync(dir)).toEqual(['report.html']);
  });

  it.each([
    '../escape.html',
    '../../etc/passwd',
    '/tmp/abs.html',
    'sub/dir.html',
    '..',
    '.',
    '',
    'a\u0000b',
    'a\\..\\b',
  ])('refuses %j', (name) => {
    const root = tempDir();
    const dir = join(root, 'chosen');
    mkdirSync(dir);
    expect(() => writeIntoFolder(dir, name, 'x')).toThrow();
    expect(readdirSync(root)).toEqual(['chosen']);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('never replaces an existing file unless asked, and then atomically', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'r.csv'), 'old');
    expect(() => writeIntoFolder(dir, 'r.csv', 'new')).toThrow(/already exists/);
    expect(readFileSync(join(dir, 'r.csv'), 'utf8')).toBe('old');
    writeIntoFolder(dir, 'r.csv', 'new', { overwrite: true });
    expect(readFileSync(join(dir, 'r.csv'), 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['r.csv']);
  });

  it('does not write through a symbolic link planted under the name', () => {
    const root = tempDir();
    const dir = join(root, 'chosen');
    mkdirSync(dir);
    const outside = join(root, 'outside.txt');
    writeFileSync(outside, 'precious');
    symlinkSync(outside, join(dir, 'report.html'));
    expect(() => writeIntoFolder(dir, 'report.html', 'x')).toThrow(/already exists/);
    writeIntoFolder(dir, 'report.html', 'x', { overwrite: true });
    expect(readFileSync(outside, 'utf8')).toBe('precious');
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toBe('x');
  });

  it('refuses a folder that does not exist', () => {
    const dir = join(tempDir(), 'missing');
    expect(() => writeIntoFolder(dir, 'r.html', 'x')).toThrow(/No such folder/);
    expect(existsSync(dir)).toBe(false);
  });
});
