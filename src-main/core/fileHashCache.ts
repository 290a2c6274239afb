import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import envPaths from 'env-paths';
import { z } from 'zod';
import type { FileHasher } from './builtinDatasets';

/**
 * Content hashes of the built-in datasets' files, kept per user across workspaces (issue 12):
 * every command opens a workspace, which registers the built-in datasets, and reading and
 * hashing Fashion-MNIST's four IDX files took about a fifth of `transferlab runs`. A hash is
 * kept against the files' paths, sizes and modification times (fileStamp) and reused while they
 * are unchanged. It is only a shortcut: trainers hash what they read, so a file changed in a
 * way its stamp misses is still refused before any training. An unreadable or unwritable cache
 * is ignored (the hash is computed, as without one).
 */

/** Entries kept; the oldest go first. A handful of datasets need a handful. */
const MAX_ENTRIES = 64;

const CacheSchema = z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/));

/** The cache file in the OS's per-user cache folder (~/.cache/Transferlab on Linux). */
export function defaultFileHashCache(): string {
  return join(envPaths('Transferlab', { suffix: '' }).cache, 'file-hashes.json');
}

/** Path, size and modification time of each file, in order: what a kept hash is kept by. */
export function fileStamp(paths: readonly string[]): string {
  return paths
    .map((p) => {
      const s = statSync(p);
      return `${p}:${s.size}:${s.mtimeMs}`;
    })
    .join('|');
}

/** A FileHasher that reuses the hash kept in `cacheFile` for the files' stamp. */
export function cachedHasher(cacheFile: string): FileHasher {
  return (paths, compute) => {
    const stamp = fileStamp(paths);
    const cache = readCache(cacheFile);
    const known = cache[stamp];
    if (known !== undefined) return known;
    const hash = compute();
    const kept = Object.entries(cache).filter(([key]) => key !== stamp);
    writeCache(cacheFile, Object.fromEntries([...kept.slice(-(MAX_ENTRIES - 1)), [stamp, hash]]));
    return hash;
  };
}

function readCache(file: string): Record<string, string> {
  try {
    const parsed = CacheSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/** Written whole to a temporary file, then renamed: a reader never sees half a cache. */
function writeCache(file: string, cache: Record<string, string>): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(cache));
    renameSync(temporary, file);
  } catch {
    // A read-only home: every open hashes the files, as it would without a cache.
  }
}
