import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  copyFileSync,
  fsyncSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  rmdirSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { AppFailure } from '../../src-shared/result';
import { printableName } from './fileName';

/**
 * Writes an exported report into the folder the user chose, and nowhere else:
 * - the name must be a bare file name (no separator, no '..', no control, bidirectional-text
 *   or other invisible format character);
 * - the resolved target must sit directly in the folder (checked after resolving the folder's
 *   own symbolic links);
 * - the bytes go to a temporary file in that folder first, flushed to disk, and only then take
 *   the report's name: a refused or failed write leaves nothing behind, and a report is never
 *   seen half-written (issue 11);
 * - an existing file is never replaced unless asked (`overwrite`), and then by renaming the
 *   fresh file over it, which replaces a symbolic link itself instead of writing through it;
 * - without `overwrite`, the name is taken by a hard link, which fails if anything (a file, a
 *   symbolic link planted under the name) is already there.
 */
export interface WriteOptions {
  overwrite?: boolean;
  /** Create the folder (its last level only, as `mkdir` does) if it does not exist yet. */
  createFolder?: boolean;
  /** How a refusal to replace says to allow it (the CLI: "add --force"). */
  replaceHint?: string;
}

/** A report written under a temporary name, waiting to take its own. */
export interface StagedFile {
  /** The path the file will have. */
  readonly target: string;
  /** Gives the file its name and returns its path; on failure nothing is left behind. */
  publish(): string;
  /** Removes the temporary file (and a folder `createFolder` made), if still there. */
  discard(): void;
}

/** Control characters (C0, DEL, C1) and invisible format characters, bidi controls included. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

export function checkBareFileName(name: string): void {
  const problem = UNPRINTABLE.test(name)
    ? 'contains a control or invisible formatting character'
    : name === '' || name === '.' || name === '..'
      ? 'is not a file name'
      : name !== basename(name) || /[\\/]/.test(name)
        ? 'is a path, not a file name'
        : Buffer.byteLength(name) > 255
          ? 'is longer than 255 bytes'
          : null;
  if (problem !== null) {
    throw new AppFailure('invalid_input', `The file name "${printableName(name)}" ${problem}.`);
  }
}

/** "permission denied (EACCES)": the operating system's reason, without Node's decoration. */
export function osReason(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const code = (e as NodeJS.ErrnoException).code;
  // Node writes "EACCES: permission denied, open '/path'".
  const text = /^[A-Z0-9_]+: ([^,]+),/.exec(e.message)?.[1] ?? e.message;
  return code !== undefined && !text.includes(code) ? `${text} (${code})` : text;
}

function writeFailure(path: string, e: unknown): AppFailure {
  if (e instanceof AppFailure) return e;
  return new AppFailure('write_failed', `Could not write ${printableName(path)}: ${osReason(e)}.`);
}

function conflict(target: string, hint = 'allow replacing it'): AppFailure {
  return new AppFailure(
    'conflict',
    `${printableName(target)} already exists; choose another name, or ${hint}.`,
  );
}

/** Whether anything (a file, a folder, a dangling link) is at `path`. */
export function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function writeDurably(path: string, data: string | Uint8Array): void {
  const fd = openSync(path, 'wx', 0o666);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let offset = 0;
    while (offset < bytes.byteLength) {
      offset += writeSync(fd, bytes, offset, bytes.byteLength - offset);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** File systems without hard links (FAT, some network shares) answer one of these. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

/** Gives `temp` the name `target` unless something already has it. */
function linkExclusively(temp: string, target: string, hint: string | undefined): void {
  try {
    linkSync(temp, target);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') throw conflict(target, hint);
    if (!NO_HARD_LINKS.has(code)) throw e;
    // No hard links: an exclusive copy (the name is ours once created; a failed copy is removed).
    try {
      copyFileSync(temp, target, constants.COPYFILE_EXCL);
    } catch (copyError) {
      if ((copyError as NodeJS.ErrnoException).code === 'EEXIST') throw conflict(target, hint);
      rmSync(target, { force: true });
      throw copyError;
    }
  }
}

/**
 * Writes `data` into `folder` under a temporary name; `publish()` gives it `fileName`. Every
 * refusal (a bad name, a missing or unwritable folder, an existing file without `overwrite`, a
 * full disk) is an AppFailure naming the path and the operating system's reason.
 */
export function stageIntoFolder(
  folder: string,
  fileName: string,
  data: string | Uint8Array,
  options: WriteOptions = {},
): StagedFile {
  checkBareFileName(fileName);
  const wanted = resolve(folder);
  let created = false;
  if (options.createFolder && !exists(wanted)) {
    checkBareFileName(basename(wanted));
    try {
      mkdirSync(wanted);
      created = true;
    } catch (e) {
      throw new AppFailure(
        'write_failed',
        `Could not create the folder ${printableName(wanted)}: ${osReason(e)}.`,
      );
    }
  }
  const removeCreatedFolder = (): void => {
    if (!created) return;
    try {
      // rmdir removes only an empty folder: nothing of anyone else's goes with it.
      rmdirSync(wanted);
    } catch {
      // Someone put something in it meanwhile: it stays.
    }
  };
  let dir: string;
  try {
    dir = realpathSync(wanted);
    if (!statSync(dir).isDirectory()) throw new Error('not a folder');
  } catch {
    throw new AppFailure('not_found', `No such folder: ${printableName(wanted)}`);
  }
  const target = resolve(dir, fileName);
  const rel = relative(dir, target);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || dirname(target) !== dir) {
    throw new AppFailure(
      'invalid_input',
      `${printableName(fileName)} would be written outside ${printableName(dir)}.`,
    );
  }
  // Checked early so that nothing is written for nothing; the link below is what guarantees it.
  if (!options.overwrite && exists(target)) throw conflict(target, options.replaceHint);
  const temp = join(dir, `.transferlab-${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeDurably(temp, data);
  } catch (e) {
    rmSync(temp, { force: true });
    removeCreatedFolder();
    throw writeFailure(target, e);
  }
  let settled = false;
  return {
    target,
    publish: () => {
      if (settled) throw new Error(`${target} was already published or discarded`);
      settled = true;
      try {
        if (options.overwrite) renameSync(temp, target);
        else linkExclusively(temp, target, options.replaceHint);
      } catch (e) {
        rmSync(temp, { force: true });
        removeCreatedFolder();
        throw writeFailure(target, e);
      }
      rmSync(temp, { force: true });
      return target;
    },
    discard: () => {
      if (settled) return;
      settled = true;
      rmSync(temp, { force: true });
      removeCreatedFolder();
    },
  };
}

/** Writes a report into `folder` at once (see `stageIntoFolder`) and returns its path. */
export function writeIntoFolder(
  folder: string,
  fileName: string,
  data: string | Uint8Array,
  options: WriteOptions = {},
): string {
  return stageIntoFolder(folder, fileName, data, options).publish();
}
