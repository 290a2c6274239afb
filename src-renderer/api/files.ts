import type { FileRef } from '../../src-shared/rpc/datasets';
import type { Result } from '../../src-shared/result';

/**
 * How a file the user chose reaches the core as a `FileRef`, whatever the transport (the UI never
 * knows which one it has, STYLE.md #3): in Electron the core runs on this machine and reads the
 * file where it lies (`{kind: 'path'}`); in a browser the bytes are uploaded to the local server
 * first (`{kind: 'upload'}`; a folder's images one by one, then `{kind: 'upload-folder'}`).
 */
export interface FileSender {
  readonly mode: 'path' | 'upload';
  /**
   * Whether a folder can be imported (image-folder): as a path ('path'), or file by file, each
   * image uploaded and the folder rebuilt by the core ('upload', api/folderUpload.ts).
   */
  readonly folders: boolean;
  send(file: File, options?: SendOptions): Promise<Result<FileRef>>;
}

export interface SendOptions {
  /** Bytes sent so far of `total`; called often while uploading, never for a path. */
  onProgress?: (loaded: number, total: number) => void;
  signal?: AbortSignal;
}

/**
 * The folder a file of a `webkitdirectory` choice lies in: its full path less its path inside the
 * chosen folder (`webkitRelativePath` starts with the chosen folder's own name). Null when the two
 * do not fit together.
 */
export function chosenFolderPath(fullPath: string, relativePath: string): string | null {
  const sep = fullPath.includes('\\') && !fullPath.includes('/') ? '\\' : '/';
  const parts = relativePath.split('/').filter((p) => p !== '');
  if (parts.length < 2) return null;
  const inside = parts.slice(1).join(sep);
  if (!fullPath.endsWith(sep + inside)) return null;
  return fullPath.slice(0, fullPath.length - inside.length - 1);
}

/** A sender that refuses every file, saying why (an Electron preload without `pathForFile`). */
export function unavailableFiles(reason: string): FileSender {
  return {
    mode: 'path',
    folders: false,
    send: () => Promise.resolve({ ok: false, error: { code: 'no_files', message: reason } }),
  };
}
