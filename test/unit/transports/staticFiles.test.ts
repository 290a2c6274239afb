import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  contentTypeFor,
  isInside,
  resolveStaticFile,
} from '../../../src-main/transports/staticFiles';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

function site(): { root: string; base: string } {
  const base = tempDir();
  const root = join(base, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), 'page');
  writeFileSync(join(root, 'assets', 'index-abc.js'), 'js');
  writeFileSync(join(base, 'secret.txt'), 'secret');
  // A sibling whose name starts like the root: a prefix test would let it through.
  mkdirSync(join(base, 'renderer-evil'));
  writeFileSync(join(base, 'renderer-evil', 'x.js'), 'evil');
  symlinkSync(join(base, 'secret.txt'), join(root, 'leak.txt'));
  symlinkSync(join(root, 'assets', 'index-abc.js'), join(root, 'alias.js'));
  return { root, base };
}

describe('resolveStaticFile', () => {
  it('maps / and folders to index.html and finds assets', async () => {
    const { root } = site();
    expect((await resolveStaticFile(root, '/'))?.path).toMatch(/renderer\/index\.html$/);
    expect((await resolveStaticFile(root, '/assets/index-abc.js'))?.size).toBe(2);
    expect(await resolveStaticFile(root, '/assets/')).toBeNull();
    expect(await resolveStaticFile(root, '/nope.js')).toBeNull();
    // A link that stays inside the root is fine.
    expect((await resolveStaticFile(root, '/alias.js'))?.path).toMatch(/index-abc\.js$/);
  });

  it('refuses every way out of the root', async () => {
    const { root } = site();
    for (const path of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '/..\\secret.txt',
      '/../renderer-evil/x.js',
      '/%00',
      '/index.html%00',
      '/%E0%A4%A',
      'secret.txt',
      '/leak.txt',
    ]) {
      expect(await resolveStaticFile(root, path), path).toBeNull();
    }
  });
});

describe('isInside', () => {
  it('compares path segments, not prefixes', () => {
    expect(isInside('/a/b', '/a/b')).toBe(true);
    expect(isInside('/a/b', '/a/b/c')).toBe(true);
    expect(isInside('/a/b', '/a/bc')).toBe(false);
    expect(isInside('/a/b', '/a')).toBe(false);
    expect(isInside('/a/b', '/a/b/../c')).toBe(false);
  });
});

describe('contentTypeFor', () => {
  it('knows what a Vite build emits', () => {
    expect(contentTypeFor('x.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('x.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('x.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeFor('x.svg')).toBe('image/svg+xml');
    expect(contentTypeFor('x.woff2')).toBe('font/woff2');
    expect(contentTypeFor('x.wasm')).toBe('application/wasm');
    expect(contentTypeFor('x.unknown')).toBe('application/octet-stream');
  });
});
