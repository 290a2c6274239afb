import type { Result } from '../../src-shared/result';
import type { FileRef } from '../../src-shared/rpc/datasets';
import { failure } from './frames';
import type { FileSender, SendOptions } from './files';
import { parseUploadAnswer, uploadHeaders } from './uploadAnswer';

export { uploadUrl } from './uploadAnswer';

/**
 * Files in a browser: the raw bytes go to the server with XMLHttpRequest, whose upload events give
 * a progress bar (fetch has no upload progress without streaming bodies, which need HTTP/2).
 */
export function uploadFiles(url: string, token: string | null): FileSender {
  return {
    mode: 'upload',
    // A folder goes file by file (api/folderUpload.ts), as a page cannot upload a folder.
    folders: true,
    send(file: File, options: SendOptions = {}): Promise<Result<FileRef>> {
      return new Promise((resolve) => {
        const xhr = new XMLHttpRequest();
        const abort = (): void => {
          xhr.abort();
        };
        const done = (result: Result<FileRef>): void => {
          options.signal?.removeEventListener('abort', abort);
          resolve(result);
        };
        xhr.open('POST', url);
        for (const [name, value] of Object.entries(uploadHeaders(token)))
          xhr.setRequestHeader(name, value);
        xhr.upload.addEventListener('progress', (e) => {
          options.onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size);
        });
        xhr.addEventListener('load', () => {
          done(parseUploadAnswer(xhr.status, xhr.responseText, file.name));
        });
        xhr.addEventListener('error', () => {
          done(failure('upload_failed', `Could not upload "${file.name}": the connection failed.`));
        });
        xhr.addEventListener('abort', () => {
          done(failure('cancelled', `The upload of "${file.name}" was cancelled.`));
        });
        if (options.signal?.aborted === true) {
          done(failure('cancelled', `The upload of "${file.name}" was cancelled.`));
          return;
        }
        options.signal?.addEventListener('abort', abort);
        xhr.send(file);
      });
    },
  };
}
