import { describe, expect, it } from 'vitest';
import { uploadFolder, type FolderProgress } from '../../../src-renderer/api/folderUpload';
import type { FileSender } from '../../../src-renderer/api/files';
import { collectFolder } from '../../../src-renderer/lib/folderFiles';

const file = (name: string, size = 10): File => new File([new Uint8Array(size)], name);
const entry = (relativePath: string, size = 10) => ({
  file: file(relativePath.split('/').pop() ?? '', size),
  relativePath,
});

describe('collectFolder', () => {
  it('keeps images at class/file and counts the rest as skipped', () => {
    const result = collectFolder([
      entry('pets/cat/a.png', 3),
      entry('/pets/dog/b.JPG', 4),
      entry('pets/dog/notes.txt'),
      entry('pets/dog/.hidden.png'),
      entry('pets/top.png'),
      entry('pets/dog/deeper/c.png'),
    ]);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.name).toBe('pets');
    expect(result.value.images.map((i) => i.path)).toEqual(['cat/a.png', 'dog/b.JPG']);
    expect(result.value.skipped).toBe(4);
    expect(result.value.bytes).toBe(7);
  });

  it('refuses fewer than two classes, and two files that differ only in case', () => {
    expect(collectFolder([entry('p/cat/a.png'), entry('p/cat/b.png')]).ok).toBe(false);
    const twice = collectFolder([entry('p/cat/a.png'), entry('p/Cat/A.png'), entry('p/dog/b.png')]);
    expect(twice.ok ? '' : twice.error.message).toMatch(/appears twice/);
  });
});

function fakeSender(fail?: string): FileSender & { inFlight: number; most: number } {
  let n = 0;
  const sender = {
    mode: 'upload' as const,
    folders: true,
    inFlight: 0,
    most: 0,
    async send(f: File, options: { onProgress?: (l: number, t: number) => void } = {}) {
      sender.inFlight++;
      sender.most = Math.max(sender.most, sender.inFlight);
      await new Promise((r) => setTimeout(r, 2));
      options.onProgress?.(f.size / 2, f.size);
      sender.inFlight--;
      if (f.name === fail)
        return {
          ok: false as const,
          error: { code: 'upload_refused' as const, message: `no ${f.name}` },
        };
      n++;
      return {
        ok: true as const,
        value: { kind: 'upload' as const, id: n.toString(16).padStart(32, '0'), name: f.name },
      };
    },
  };
  return sender;
}

describe('uploadFolder', () => {
  const folder = () => {
    const result = collectFolder(
      Array.from({ length: 10 }, (_, i) => entry(`p/${i % 2 === 0 ? 'a' : 'b'}/${i}.png`, 100)),
    );
    if (!result.ok) throw new Error(result.error.message);
    return result.value;
  };

  it('uploads four at a time, reports files and bytes, and answers the ref', async () => {
    const sender = fakeSender();
    const seen: FolderProgress[] = [];
    const sent = await uploadFolder(sender, folder(), { onProgress: (p) => seen.push(p) });
    if (!sent.ok) throw new Error(sent.error.message);
    expect(sender.most).toBe(4);
    expect(sent.value.kind).toBe('upload-folder');
    expect(sent.value.name).toBe('p');
    expect(sent.value.files).toHaveLength(10);
    expect(new Set(sent.value.files.map((f) => f.id)).size).toBe(10);
    expect(sent.value.files[1]?.path).toBe('b/1.png');
    expect(seen.at(-1)).toEqual({
      filesDone: 10,
      filesTotal: 10,
      bytesDone: 1000,
      bytesTotal: 1000,
    });
  });

  it('stops at the first failure and says why', async () => {
    const sent = await uploadFolder(fakeSender('3.png'), folder());
    expect(sent.ok ? '' : sent.error.message).toBe('no 3.png');
  });
});
