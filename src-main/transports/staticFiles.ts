import { realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';

/** Content types of what a Vite build emits. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** True when `child` is `root` itself or lies inside it (no `..` step, not another drive). */
export function isInside(root: string, child: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * Maps a URL path to a file under `root`, or null when it must not be served: undecodable,
 * NUL bytes, backslashes (a Windows separator smuggled past the URL parser), a path that
 * leaves the root, or a symlink that points outside it. `/` and folders map to index.html.
 */
export async function resolveStaticFile(
  root: string,
  urlPath: string,
): Promise<{ path: string; size: number } | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\') || !decoded.startsWith('/')) return null;
  const absRoot = resolve(root);
  let candidate = resolve(absRoot, `.${decoded}`);
  if (!isInside(absRoot, candidate)) return null;
  try {
    let info = await stat(candidate);
    if (info.isDirectory()) {
      candidate = resolve(candidate, 'index.html');
      info = await stat(candidate);
    }
    if (!info.isFile()) return null;
    // Resolve symlinks on both sides: a link inside the root may point anywhere.
    const [realRoot, realFile] = await Promise.all([realpath(absRoot), realpath(candidate)]);
    if (!isInside(realRoot, realFile)) return null;
    return { path: realFile, size: info.size };
  } catch {
    return null;
  }
}
