import { FolderEntryNameSchema, FolderFilePathSchema } from '../../src-shared/rpc/datasets';
import type { Result } from '../../src-shared/result';

/**
 * A folder the user chose or dropped in a browser, as the files to upload for an image-folder
 * import (issue 4): each image at its `class/file` place, the rest counted as skipped. Pure, so
 * that Node tests can check it; the DOM halves are the folder input and lib/dropped.ts.
 */
export interface FolderFile<F> {
  file: F;
  /** `class/file.png`, relative to the chosen folder (FolderFilePathSchema). */
  path: string;
}

export interface ChosenFolder<F> {
  /** The chosen folder's own name. */
  name: string;
  images: FolderFile<F>[];
  /** Files that are not images at class/file (notes, hidden files, deeper folders). */
  skipped: number;
  bytes: number;
}

const IMAGE = /\.(png|jpe?g)$/i;

/**
 * The largest 'datasets.import' request the local server takes (wsServer.ts,
 * DEFAULT_MAX_MESSAGE_BYTES, 1 MiB) less room for the rest of the message: a bigger one would
 * close the connection after every file had been uploaded, so it is refused before.
 */
export const MAX_FOLDER_REQUEST_BYTES = 1024 * 1024 - 16 * 1024;

/**
 * Sorts `files` (each with its path from the chosen folder's parent: `webkitRelativePath`, or a
 * dropped entry's `fullPath` less its leading `/`) into images and skipped files.
 */
export function collectFolder<F extends { size: number }>(
  files: readonly { file: F; relativePath: string }[],
): Result<ChosenFolder<F>> {
  const images: FolderFile<F>[] = [];
  const seen = new Set<string>();
  let name: string | null = null;
  let skipped = 0;
  let bytes = 0;
  for (const { file, relativePath } of files) {
    const [top = '', ...rest] = relativePath.replace(/^\/+/, '').split('/');
    name ??= top;
    const path = rest.join('/');
    if (!IMAGE.test(path) || !FolderFilePathSchema.safeParse(path).success) {
      skipped++;
      continue;
    }
    // The core refuses two files at one place, also when they differ only in case.
    if (seen.has(path.toLowerCase()))
      return fail(`"${path}" appears twice (names that differ only in case count as one).`);
    seen.add(path.toLowerCase());
    images.push({ file, path });
    bytes += file.size;
  }
  const classes = new Set(images.map((i) => i.path.split('/')[0]));
  if (classes.size < 2) {
    return fail(
      `Found ${images.length} PNG/JPEG image(s) in ${classes.size} class subfolder(s): an image folder needs one subfolder per class, at least 2.`,
    );
  }
  const request = JSON.stringify(images.map((i) => ({ id: '0'.repeat(32), path: i.path })));
  if (new TextEncoder().encode(request).length > MAX_FOLDER_REQUEST_BYTES) {
    return fail(
      `${images.length} images are more than a browser import can name in one request; import this folder in the desktop app or with npx transferlab datasets import <folder>.`,
    );
  }
  const folderName = FolderEntryNameSchema.safeParse(name).success ? (name ?? '') : 'folder';
  return { ok: true, value: { name: folderName, images, skipped, bytes } };
}

function fail(message: string): Result<never> {
  return { ok: false, error: { code: 'bad_folder', message } };
}
