/**
 * The pure half of browser uploads (no DOM): where to send a file and how to read the answer.
 * Kept apart from upload.ts so that tests under Node can import it.
 */
import { z } from 'zod';
import type { Result } from '../../src-shared/result';
import type { FileRef } from '../../src-shared/rpc/datasets';
import { failure } from './frames';

/** `POST /api/uploads` on the page's own server (transports/uploads.ts). */
export function uploadUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol}//${location.host}/api/uploads`;
}

/**
 * The per-launch token, as the upload endpoint checks it: a header, which (unlike the WebSocket's
 * query parameter) another site's form cannot set.
 */
export function uploadHeaders(token: string | null): Record<string, string> {
  return {
    'Content-Type': 'application/octet-stream',
    ...(token === null ? {} : { Authorization: `Bearer ${token}` }),
  };
}

const UploadAnswerSchema = z.object({ id: z.string().regex(/^[a-f0-9]{32}$/) });
const UploadErrorSchema = z.object({
  error: z.union([z.string(), z.object({ message: z.string() })]),
});

/** The server's words for a refused upload, or its status when it gave none. */
export function uploadError(status: number, body: string): string {
  try {
    const parsed = UploadErrorSchema.safeParse(JSON.parse(body));
    if (parsed.success) {
      const { error } = parsed.data;
      return typeof error === 'string' ? error : error.message;
    }
  } catch {
    // Not JSON: fall back to the status.
  }
  if (status === 401 || status === 403) return 'the server refused the access token';
  if (status === 413) return 'the file is larger than the server accepts';
  const text = body.trim().slice(0, 200);
  return text === '' ? `HTTP ${status}` : `HTTP ${status}: ${text}`;
}

/** Reads the answer to an upload. */
export function parseUploadAnswer(status: number, body: string, name: string): Result<FileRef> {
  if (status < 200 || status >= 300) {
    return failure('upload_refused', `Could not upload "${name}": ${uploadError(status, body)}.`);
  }
  try {
    const parsed = UploadAnswerSchema.safeParse(JSON.parse(body));
    if (parsed.success) return { ok: true, value: { kind: 'upload', id: parsed.data.id, name } };
  } catch {
    // Falls through to the malformed answer below.
  }
  return failure('bad_frame', `Malformed answer to the upload of "${name}".`);
}
