import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stageIntoFolder, writeIntoFolder } from '../../../src-main/reports/writeReport';
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
    // Issue 11: bidirectional-text and C1 controls are refused as the C0 ones are.
    'evil\u202egpj.exe',
    'a\u2066b',
    'a\u200fb',
    'a\u0085b',
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

  it('stages under a temporary name: discarded, nothing is left; published, the file alone', () => {
    const dir = tempDir();
    const dropped = stageIntoFolder(dir, 'r.md', 'x');
    expect(readdirSync(dir)).toHaveLength(1);
    expect(existsSync(join(dir, 'r.md'))).toBe(false);
    dropped.discard();
    expect(readdirSync(dir)).toEqual([]);

    const kept = stageIntoFolder(dir, 'r.md', 'y');
    expect(kept.publish()).toBe(join(dir, 'r.md'));
    expect(readdirSync(dir)).toEqual(['r.md']);
    expect(readFileSync(join(dir, 'r.md'), 'utf8')).toBe('y');
  });

  it('refuses, at publication, a name taken after staging', () => {
    const dir = tempDir();
    const staged = stageIntoFolder(dir, 'r.md', 'mine');
    writeFileSync(join(dir, 'r.md'), 'theirs');
    expect(() => staged.publish()).toThrow(/r\.md already exists/);
    expect(readFileSync(join(dir, 'r.md'), 'utf8')).toBe('theirs');
    expect(readdirSync(dir)).toEqual(['r.md']);
  });

  it('creates a missing folder (one level), and removes it again if nothing is published', () => {
    const root = tempDir();
    const dir = join(root, 'newdir');
    stageIntoFolder(dir, 'r.md', 'x', { createFolder: true }).discard();
    expect(readdirSync(root)).toEqual([]);
    const path = writeIntoFolder(dir, 'r.md', 'x', { createFolder: true });
    expect(path).toBe(join(dir, 'r.md'));
    expect(readdirSync(dir)).toEqual(['r.md']);
    expect(() =>
      writeIntoFolder(join(root, 'a', 'b'), 'r.md', 'x', { createFolder: true }),
    ).toThrow(
      `Could not create the folder ${join(root, 'a', 'b')}: no such file or directory (ENOENT).`,
    );
  });

  it('says which path was refused, and why', () => {
    const root = tempDir();
    writeFileSync(join(root, 'file'), '');
    expect(() =>
      writeIntoFolder(join(root, 'file', 'sub'), 'r.md', 'x', { createFolder: true }),
    ).toThrow(
      `Could not create the folder ${join(root, 'file', 'sub')}: not a directory (ENOTDIR).`,
    );
    expect(() => writeIntoFolder(root, 'file', 'x', { replaceHint: 'add --force' })).toThrow(
      `${join(root, 'file')} already exists; choose another name, or add --force.`,
    );
  });

  // Root writes anywhere: this one runs where the tests do not run as root.
  it.skipIf(process.getuid?.() === 0)('reports a folder it may not write to', () => {
    const dir = tempDir();
    chmodSync(dir, 0o555);
    try {
      expect(() => writeIntoFolder(dir, 'r.md', 'x')).toThrow(
        `Could not write ${join(dir, 'r.md')}: permission denied (EACCES).`,
      );
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      chmodSync(dir, 0o755);
    }
  });
});
