import { randomBytes } from 'node:crypto';
import { realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { AppFailure } from '../../src-shared/result';

/**
 * Writes an exported report into the folder the user chose, and nowhere else:
 * - the name must be a bare file name (no separator, no '..', no NUL or control character);
 * - the resolved target must sit directly in the folder (checked after resolving the folder's
 *   own symbolic links);
 * - an existing file is never replaced unless asked (`overwrite`), and then by renaming a fresh
 *   file over it, which replaces a symbolic link itself instead of writing through it;
 * - without `overwrite`, the file is created exclusively (O_EXCL), which also refuses a
 *   symbolic link planted under the name.
 */
export interface WriteOptions {
  overwrite?: boolean;
}

export function checkBareFileName(name: string): void {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  const problem = /[\u0000-\u001f\u007f]/.test(name)
    ? 'contains a control character'
    : name === '' || name === '.' || name === '..'
      ? 'is not a file name'
      : name !== basename(name) || /[\\/]/.test(name)
        ? 'is a path, not a file name'
        : Buffer.byteLength(name) > 255
          ? 'is longer than 255 bytes'
          : null;
  if (problem !== null) {
    throw new AppFailure('invalid_input', `The file name ${JSON.stringify(name)} ${problem}.`);
  }
}

export function writeIntoFolder(
  folder: string,
  fileName: string,
  data: string | Uint8Array,
  options: WriteOptions = {},
): string {
  checkBareFileName(fileName);
  let dir: string;
  try {
    dir = realpathSync(resolve(folder));
    if (!statSync(dir).isDirectory()) throw new Error('not a folder');
  } catch {
    throw new AppFailure('not_found', `No such folder: ${resolve(folder)}`);
  }
  const target = resolve(dir, fileName);
  const rel = relative(dir, target);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || dirname(target) !== dir) {
    throw new AppFailure('invalid_input', `${fileName} would be written outside ${dir}.`);
  }
  if (!options.overwrite) {
    try {
      writeFileSync(target, data, { flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new AppFailure(
          'conflict',
          `${target} already exists; choose another name or allow replacing it.`,
        );
      }
      throw e;
    }
    return target;
  }
  const temp = join(dir, `.${fileName.slice(0, 200)}.${randomBytes(6).toString('hex')}.tmp`);
  writeFileSync(temp, data, { flag: 'wx' });
  try {
    renameSync(temp, target);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
  return target;
}
