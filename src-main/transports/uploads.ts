import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isAllowedHost, isAllowedOrigin, securityHeaders, tokensEqual } from './httpGuard';

/**
 * `POST /api/uploads` (issue 4): the browser's way to hand the core a file for 'datasets.import',
 * since a page cannot name a path on this machine. The body is the raw file, streamed to
 * <workspace>/uploads/.part-<id> and renamed to <id> once complete, so a half-received upload is
 * never importable. Same checks as the rest of the server: our Host, our Origin when the browser
 * sends one, and the per-launch token, here as `Authorization: Bearer <token>` (a header another
 * site's form cannot set). The size cap is enforced on the bytes received, not on what
 * Content-Length claims. Uploads are deleted by the import that uses them or after a day.
 */
export const UPLOAD_PATH = '/api/uploads';
export const DEFAULT_MAX_UPLOAD_BYTES = 4 * 1024 ** 3;
export const UPLOAD_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export interface UploadOptions {
  dir: string;
  maxBytes: number;
  token: string;
  port: number;
}

function answer(res: ServerResponse, port: number, status: number, body: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, {
    ...securityHeaders(port),
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    // The client may still be sending a refused body: close rather than read it all.
    ...(status >= 400 ? { Connection: 'close' } : {}),
  });
  res.end(JSON.stringify(body));
}

/** The HTTP status refusing an upload before its body is read, or null to accept it. */
export function uploadRefusal(req: IncomingMessage, options: UploadOptions): number | null {
  if (!isAllowedHost(req.headers.host, options.port)) return 403;
  if (req.method !== 'POST') return 405;
  const origin = req.headers.origin;
  if (origin !== undefined && !isAllowedOrigin(origin, options.port)) return 403;
  const auth = req.headers.authorization;
  const token = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
  if (!tokensEqual(options.token, token)) return 401;
  const length = req.headers['content-length'];
  if (length !== undefined && Number(length) > options.maxBytes) return 413;
  return null;
}

export async function handleUpload(
  req: IncomingMessage,
  res: ServerResponse,
  options: UploadOptions,
): Promise<void> {
  const refusal = uploadRefusal(req, options);
  if (refusal !== null) {
    answer(res, options.port, refusal, { error: refusalText(refusal, options.maxBytes) });
    req.resume();
    return;
  }
  const id = randomBytes(16).toString('hex');
  await mkdir(options.dir, { recursive: true });
  const part = join(options.dir, `.part-${id}`);
  let received = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      if (received > options.maxBytes) done(new UploadTooLarge());
      else done(null, chunk);
    },
  });
  try {
    await pipeline(req, cap, createWriteStream(part, { flags: 'wx' }));
    await rename(part, join(options.dir, id));
  } catch (e) {
    await rm(part, { force: true });
    if (e instanceof UploadTooLarge) {
      answer(res, options.port, 413, { error: refusalText(413, options.maxBytes) });
    } else {
      res.destroy();
    }
    return;
  }
  answer(res, options.port, 201, { id, bytes: received });
}

class UploadTooLarge extends Error {}

function refusalText(status: number, maxBytes: number): string {
  switch (status) {
    case 401:
      return 'Missing or wrong token (Authorization: Bearer <token>)';
    case 403:
      return 'Forbidden: unknown Host or Origin';
    case 405:
      return 'Use POST';
    case 413:
      return `Upload larger than ${maxBytes} bytes`;
    default:
      return 'Refused';
  }
}

/** Deletes uploads (and interrupted parts) older than `maxAgeMs`; returns how many. */
export async function sweepUploads(
  dir: string,
  maxAgeMs = UPLOAD_MAX_AGE_MS,
  now = Date.now(),
): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const path = join(dir, name);
    try {
      if (now - (await stat(path)).mtimeMs > maxAgeMs) {
        await rm(path, { force: true, recursive: true });
        removed += 1;
      }
    } catch {
      // Removed meanwhile by an import: nothing to do.
    }
  }
  return removed;
}
