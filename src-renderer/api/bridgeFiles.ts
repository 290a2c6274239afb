import type { Result } from '../../src-shared/result';
import type { FileRef } from '../../src-shared/rpc/datasets';
import { failure } from './frames';
import { chosenFolderPath, type FileSender } from './files';

/**
 * Files in Electron: the preload's `pathForFile` (webUtils.getPathForFile; Electron 32 removed
 * `File.path`) gives the file's place on disk, which the core reads itself: nothing is copied.
 * Returns null when the bridge has no such function (an older preload).
 */
export function bridgeFiles(bridge: unknown): FileSender | null {
  if (typeof bridge !== 'object' || bridge === null) return null;
  const fn: unknown = Reflect.get(bridge, 'pathForFile');
  if (typeof fn !== 'function') return null;
  const pathOf = (file: File): string => {
    const value: unknown = Reflect.apply(fn, bridge, [file]);
    return typeof value === 'string' ? value : '';
  };
  return {
    mode: 'path',
    folders: true,
    send(file): Promise<Result<FileRef>> {
      let path = pathOf(file);
      // A file of a folder choice stands for the folder (image-folder imports).
      if (path !== '' && file.webkitRelativePath !== '') {
        path = chosenFolderPath(path, file.webkitRelativePath) ?? '';
      }
      if (path === '') {
        return Promise.resolve(
          failure(
            'no_path',
            `"${file.name}" has no place on disk (was it dragged from a web page?).`,
          ),
        );
      }
      return Promise.resolve({ ok: true, value: { kind: 'path', path } });
    },
  };
}
