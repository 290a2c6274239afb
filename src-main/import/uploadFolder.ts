import { randomBytes } from 'node:crypto';
import { copyFile, link, mkdir, rm } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import {
  FolderEntryNameSchema,
  FolderFilePathSchema,
  type UploadFolderRef,
} from '../../src-shared/rpc/datasets';
import { AppFailure } from '../../src-shared/result';
import type { LocalFile } from './files';

/** Links made at once: enough to hide the latency of each, few enough to stay off EMFILE. */
const LINK_CONCURRENCY = 32;

/**
 * What becomes of the uploads once the folder has been read: 'keep' for an inspection (the import
 * follows and needs them), 'consume' for an import (issue 4: uploads go once a dataset is imported
 * from them; a folder's go whatever the outcome, so a failed import leaves no orphans behind).
 */
export type UploadUse = 'keep' | 'consume';

/**
 * Runs `use` on an image folder rebuilt from a browser's uploads (an `upload-folder` ref):
 * <uploadsDir>/.folder-<random>/<class>/<file>, each file hard-linked to its upload (copied where
 * the disk has no hard links), so the existing image-folder reader reads it like any folder. The
 * folder is removed afterwards whatever happened, and with 'consume' the uploads too.
 */
export async function withUploadFolder<T>(
  ref: UploadFolderRef,
  uploadsDir: string,
  uploads: UploadUse,
  use: (folder: LocalFile) => Promise<T>,
): Promise<T> {
  const root = join(uploadsDir, `.folder-${randomBytes(8).toString('hex')}`);
  try {
    await buildFolder(ref, uploadsDir, root);
    return await use({ path: root, name: ref.name, upload: false });
  } catch (e) {
    throw withFolderName(e, root, ref.name);
  } finally {
    await rm(root, { recursive: true, force: true });
    if (uploads === 'consume') {
      for (const file of ref.files) await rm(join(uploadsDir, file.id), { force: true });
    }
  }
}

async function buildFolder(ref: UploadFolderRef, uploadsDir: string, root: string): Promise<void> {
  // Checked again here, not only by the transport: nothing a client names reaches the disk
  // unchecked, even through a caller that skipped the contract.
  checked(FolderEntryNameSchema, ref.name);
  const places = ref.files.map((file) => {
    const path = checked(FolderFilePathSchema, file.path);
    const [cls = '', name = ''] = path.split('/');
    const target = resolve(root, cls, name);
    if (relative(root, target).split(sep).length !== 2) {
      throw new AppFailure('invalid_input', `"${path}" does not name class/file`);
    }
    return { id: file.id, path, cls, target };
  });
  await mkdir(root, { recursive: true });
  for (const cls of new Set(places.map((p) => p.cls))) await mkdir(join(root, cls));
  for (let start = 0; start < places.length; start += LINK_CONCURRENCY) {
    await Promise.all(
      places
        .slice(start, start + LINK_CONCURRENCY)
        .map((place) => placeUpload(join(uploadsDir, place.id), place)),
    );
  }
}

/**
 * The error with the temporary folder's path replaced by the chosen folder's name: the user knows
 * `pets/cat/x.png`, not `<workspace>/uploads/.folder-3f2a…/cat/x.png`.
 */
function withFolderName(e: unknown, root: string, name: string): unknown {
  if (!(e instanceof Error) || !e.message.includes(root)) return e;
  const message = e.message.split(root).join(name);
  if (e instanceof AppFailure) return new AppFailure(e.code, message, e.issues);
  return new Error(message, { cause: e });
}

function checked(schema: typeof FolderEntryNameSchema, value: string): string {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new AppFailure(
    'invalid_input',
    `Bad name in the uploaded folder: ${result.error.issues.map((i) => i.message).join('; ')}`,
  );
}

async function placeUpload(
  source: string,
  place: { id: string; path: string; target: string },
): Promise<void> {
  try {
    await link(source, place.target);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new AppFailure(
        'not_found',
        `No upload ${place.id} (for "${place.path}"; it may have expired): upload the folder again`,
      );
    }
    if (code === 'EEXIST') {
      // Names that differ only in case meet on a case-insensitive disk.
      throw new AppFailure('invalid_input', `"${place.path}" appears twice in the folder`);
    }
    // A disk without hard links (some network and FAT volumes): a copy does the same job.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EXDEV' || code === 'EMLINK') {
      await copyFile(source, place.target);
      return;
    }
    throw e;
  }
}
