import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withUploadFolder } from '../../../src-main/import/uploadFolder';
import type { UploadFolderRef } from '../../../src-shared/rpc/datasets';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

/** An uploads folder holding one upload per entry of `contents`, as the server stores them. */
function uploads(contents: Record<string, string>): { dir: string; ids: Record<string, string> } {
  const dir = join(tempDir(), 'uploads');
  mkdirSync(dir);
  const ids: Record<string, string> = {};
  Object.keys(contents).forEach((path, i) => {
    const id = i.toString(16).padStart(32, '0');
    writeFileSync(join(dir, id), contents[path] ?? '');
    ids[path] = id;
  });
  return { dir, ids };
}

function refOf(ids: Record<string, string>): UploadFolderRef {
  return {
    kind: 'upload-folder',
    name: 'pets',
    files: Object.entries(ids).map(([path, id]) => ({ id, path })),
  };
}

/** Every file below `dir`, as relative paths with their text. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const cls of readdirSync(dir))
    for (const file of readdirSync(join(dir, cls)))
      out[`${cls}/${file}`] = readFileSync(join(dir, cls, file), 'utf8');
  return out;
}

describe('withUploadFolder', () => {
  it('rebuilds class/file from the uploads, then removes the folder and (consume) the uploads', async () => {
    const { dir, ids } = uploads({ 'cat/a.png': 'A', 'cat/b.png': 'B', 'dog/c.jpg': 'C' });
    const seen = await withUploadFolder(refOf(ids), dir, 'consume', (folder) => {
      expect(folder.name).toBe('pets');
      expect(folder.upload).toBe(false);
      expect(folder.path.startsWith(dir)).toBe(true);
      return Promise.resolve(tree(folder.path));
    });
    expect(seen).toEqual({ 'cat/a.png': 'A', 'cat/b.png': 'B', 'dog/c.jpg': 'C' });
    expect(readdirSync(dir)).toEqual([]);
  });

  it("keeps the uploads with 'keep' (an inspection), still removing the folder", async () => {
    const { dir, ids } = uploads({ 'cat/a.png': 'A', 'dog/b.png': 'B' });
    await withUploadFolder(refOf(ids), dir, 'keep', () => Promise.resolve());
    expect(readdirSync(dir).sort()).toEqual(Object.values(ids).sort());
  });

  it('removes everything when the reader fails, and names the folder, not the temp path', async () => {
    const { dir, ids } = uploads({ 'cat/a.png': 'A', 'dog/b.png': 'B' });
    let built = '';
    await expect(
      withUploadFolder(refOf(ids), dir, 'consume', (folder) => {
        built = folder.path;
        return Promise.reject(new Error(`${join(folder.path, 'cat', 'a.png')}: not a valid PNG`));
      }),
    ).rejects.toThrow(/^pets[/\\]cat[/\\]a\.png: not a valid PNG$/);
    expect(built).not.toBe('');
    expect(existsSync(built)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('names a missing upload, runs nothing and leaves nothing behind', async () => {
    const { dir, ids } = uploads({ 'cat/a.png': 'A', 'dog/b.png': 'B' });
    const missing = 'f'.repeat(32);
    const ref = refOf({ ...ids, 'dog/gone.png': missing });
    let ran = false;
    await expect(
      withUploadFolder(ref, dir, 'consume', () => {
        ran = true;
        return Promise.resolve();
      }),
    ).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringContaining(`No upload ${missing} (for "dog/gone.png"`) as unknown,
    });
    expect(ran).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a path that would leave the folder, even past the contract', async () => {
    const { dir, ids } = uploads({ 'cat/a.png': 'A' });
    const id = ids['cat/a.png'] ?? '';
    for (const path of ['../../escape.png', 'cat/../../x.png', 'a/b/c.png', '/abs.png']) {
      const ref: UploadFolderRef = { kind: 'upload-folder', name: 'pets', files: [{ id, path }] };
      await expect(
        withUploadFolder(ref, dir, 'keep', () => Promise.resolve()),
      ).rejects.toMatchObject({ code: 'invalid_input' });
    }
    expect(readdirSync(dir)).toEqual([id]);
    expect(existsSync(join(dir, '..', 'escape.png'))).toBe(false);
  });
});
