import type { Result } from '../../src-shared/result';
import type { UploadFolderRef } from '../../src-shared/rpc/datasets';
import type { ChosenFolder } from '../lib/folderFiles';
import { failure } from './frames';
import type { FileSender } from './files';

/** Uploads at once: keeps the connection busy without a flood of parallel requests. */
export const FOLDER_UPLOAD_CONCURRENCY = 4;

export interface FolderProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

/**
 * Uploads a chosen folder's images one file at a time, a few at once, and answers the
 * `upload-folder` ref that places each upload at its class/file. The first failure stops the
 * rest (uploads already made expire on the server after a day).
 */
export async function uploadFolder<F extends File>(
  sender: FileSender,
  folder: ChosenFolder<F>,
  options: { signal?: AbortSignal; onProgress?: (p: FolderProgress) => void } = {},
): Promise<Result<UploadFolderRef>> {
  const stop = new AbortController();
  const abort = (): void => {
    stop.abort();
  };
  options.signal?.addEventListener('abort', abort);
  const ids: string[] = [];
  const loaded = new Map<number, number>();
  let filesDone = 0;
  let bytesDone = 0;
  let next = 0;
  // A holder, not a `let`: the workers set it, and a narrowed `let` would not see that.
  const outcome: { failed: Result<never> | null } = { failed: null };
  const report = (): void => {
    let inFlight = 0;
    for (const bytes of loaded.values()) inFlight += bytes;
    options.onProgress?.({
      filesDone,
      filesTotal: folder.images.length,
      bytesDone: bytesDone + inFlight,
      bytesTotal: folder.bytes,
    });
  };
  const worker = async (): Promise<void> => {
    while (outcome.failed === null && next < folder.images.length) {
      const index = next++;
      const image = folder.images[index];
      if (!image) return;
      const sent = await sender.send(image.file, {
        signal: stop.signal,
        onProgress: (bytes) => {
          loaded.set(index, bytes);
          report();
        },
      });
      loaded.delete(index);
      if (!sent.ok || sent.value.kind !== 'upload') {
        outcome.failed ??= sent.ok
          ? failure('upload_failed', `"${image.path}" was not uploaded.`)
          : { ok: false, error: sent.error };
        stop.abort();
        return;
      }
      ids[index] = sent.value.id;
      filesDone++;
      bytesDone += image.file.size;
      report();
    }
  };
  report();
  try {
    await Promise.all(Array.from({ length: FOLDER_UPLOAD_CONCURRENCY }, worker));
  } finally {
    options.signal?.removeEventListener('abort', abort);
  }
  if (outcome.failed !== null) return outcome.failed;
  return {
    ok: true,
    value: {
      kind: 'upload-folder',
      name: folder.name,
      files: folder.images.map((image, i) => ({ id: ids[i] ?? '', path: image.path })),
    },
  };
}
