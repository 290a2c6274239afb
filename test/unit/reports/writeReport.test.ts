import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stageIntoFolder, writeIntoFolder } from '../../../src-main/reports/writeReport';
import { useTempDirs } from '../../helpers/tempDir';
import type { WriteIntoFolderOutcome } from '../../helpers/writeIntoFolderChild';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const CHILD = fileURLToPath(new URL('../../helpers/writeIntoFolderChild.ts', import.meta.url));

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

  // Root writes anywhere: run as root, the write is made by a child process that has dropped the
  // capabilities that override permission bits, so the operating system refuses it there too.
  it('reports a folder it may not write to', () => {
    const root = tempDir();
    const dir = join(root, 'chosen');
    mkdirSync(dir);
    chmodSync(dir, 0o555);
    try {
      expect(refusalToWrite(dir, 'r.md', 'x')).toBe(
        `Could not write ${join(dir, 'r.md')}: permission denied (EACCES).`,
      );
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      chmodSync(dir, 0o755);
    }
  });
});

/**
 * The message `writeIntoFolder(dir, fileName, data)` is refused with, from this process, or when
 * it runs as root (which permission bits do not stop) from a child process that is still root
 * but without the capabilities that override them (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH;
 * util-linux's setpriv drops them from its bounding set before it runs Node). Not another user:
 * the checkout (a CI clone in a 0o700 temporary folder) may be closed to every other user.
 */
function refusalToWrite(dir: string, fileName: string, data: string): string {
  if (process.getuid?.() !== 0) {
    try {
      writeIntoFolder(dir, fileName, data);
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
    throw new Error(`${join(dir, fileName)} was written`);
  }
  const tsxLoader = createRequire(import.meta.url).resolve('tsx/esm');
  const child = spawnSync(
    'setpriv',
    [
      '--bounding-set=-dac_override,-dac_read_search',
      '--inh-caps=-dac_override,-dac_read_search',
      process.execPath,
      '--import',
      pathToFileURL(tsxLoader).href,
      CHILD,
      dir,
      fileName,
      data,
    ],
    {
      cwd: REPO,
      // Not the parent's environment: vitest's variables and NODE_OPTIONS stay out of the child.
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TMPDIR: tmpdir() },
      encoding: 'utf8',
    },
  );
  if (child.error !== undefined) throw child.error;
  expect(child.stderr).toBe('');
  expect(child.status).toBe(0);
  const outcome = JSON.parse(child.stdout) as WriteIntoFolderOutcome;
  expect(outcome.uid).toBe(0);
  expect(outcome.written).toBeNull();
  if (outcome.error === null) throw new Error(`${join(dir, fileName)} was written`);
  return outcome.error;
}
