import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import type { FileRef } from '../../src-shared/rpc/datasets';
import { AppFailure } from '../../src-shared/result';

/** A FileRef made concrete: a path on this machine and the name the user knows it by. */
export interface LocalFile {
  path: string;
  name: string;
  /** An upload of its own (deleted once imported), not a file the user keeps. */
  upload: boolean;
}

/**
 * Where a FileRef's bytes are. An upload lives at <uploadsDir>/<id> (transports/uploads.ts);
 * its id is 32 hex characters (checked by the contract), so it cannot name another folder.
 */
export async function resolveFileRef(ref: FileRef, uploadsDir: string): Promise<LocalFile> {
  if (ref.kind === 'upload-folder') {
    // Only the dataset itself may be a folder (uploadFolder.ts builds it); a labels file may not.
    throw new AppFailure(
      'invalid_input',
      `"${ref.name}" is an uploaded folder: only the image-folder format imports a folder, and only as the dataset itself`,
    );
  }
  const path = ref.kind === 'path' ? resolve(ref.path) : join(uploadsDir, ref.id);
  const name = ref.kind === 'path' ? basename(path) : ref.name;
  try {
    await stat(path);
  } catch {
    throw new AppFailure(
      'not_found',
      ref.kind === 'path'
        ? `No such file or folder: ${path}`
        : `No upload ${ref.id} (it may have expired)`,
    );
  }
  return { path, name, upload: ref.kind === 'upload' };
}

/** sha256 and size of a file's bytes, streamed. */
export async function fileDigest(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    const buffer = chunk as Buffer;
    hash.update(buffer);
    bytes += buffer.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/**
 * sha256 and size of a file, or of a folder's files (every file below it, sorted by relative
 * path, each hashed as `path:size` then its bytes, so that files cannot run together).
 */
export async function inputDigest(path: string): Promise<{ sha256: string; bytes: number }> {
  const info = await stat(path);
  if (!info.isDirectory()) return fileDigest(path);
  const files = await listFiles(path);
  const hash = createHash('sha256');
  let bytes = 0;
  for (const file of files) {
    const digest = await fileDigest(file);
    hash.update(`${relative(path, file)}:${digest.bytes}:${digest.sha256}\n`);
    bytes += digest.bytes;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** Every regular file below `dir`, sorted by path (symbolic links are not followed). */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out.sort();
}
