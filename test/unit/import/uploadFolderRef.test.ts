import { describe, expect, it } from 'vitest';
import { FileRefSchema, FolderFilePathSchema } from '../../../src-shared/rpc/datasets';

const ID = 'a'.repeat(32);

describe('FolderFilePathSchema', () => {
  it('accepts class/file, with spaces and non-ASCII names', () => {
    for (const path of ['cat/a.png', 'big dogs/IMG 0001.JPG', 'café/photo-é.jpeg', '0/1.png'])
      expect(FolderFilePathSchema.safeParse(path).success, path).toBe(true);
  });

  it.each([
    ['traversal', '../etc/passwd'],
    ['traversal at the end', 'cat/..'],
    ['a dot segment', './a.png'],
    ['an absolute path', '/etc/passwd'],
    ['a Windows absolute path', 'C:/x.png'],
    ['three segments', 'pets/cat/a.png'],
    ['one segment', 'a.png'],
    ['a backslash', 'cat\\a.png'],
    ['a backslash climbing out', 'cat/..\\..\\a.png'],
    ['an empty class', '/a.png'],
    ['an empty file name', 'cat/'],
    ['an empty path', ''],
    ['a hidden file', 'cat/.DS_Store'],
    ['a control character', 'cat/a\u0000.png'],
    ['a reserved character', 'cat/a?.png'],
    ['a name over 255 bytes', `cat/${'é'.repeat(128)}.png`],
  ])('refuses %s', (_why, path) => {
    expect(FolderFilePathSchema.safeParse(path).success).toBe(false);
  });
});

describe("FileRef 'upload-folder'", () => {
  const ref = (files: { id: string; path: string }[], name = 'pets') =>
    FileRefSchema.safeParse({ kind: 'upload-folder', name, files });

  it('accepts a folder of uploads', () => {
    expect(
      ref([
        { id: ID, path: 'cat/a.png' },
        { id: 'b'.repeat(32), path: 'dog/a.png' },
      ]).success,
    ).toBe(true);
  });

  it('refuses bad ids, duplicate places (in any case), no files, bad folder names', () => {
    expect(ref([{ id: 'x'.repeat(32), path: 'cat/a.png' }]).success).toBe(false);
    expect(ref([{ id: `${ID}/`, path: 'cat/a.png' }]).success).toBe(false);
    expect(
      ref([
        { id: ID, path: 'cat/a.png' },
        { id: ID, path: 'Cat/A.png' },
      ]).success,
    ).toBe(false);
    expect(ref([]).success).toBe(false);
    expect(ref([{ id: ID, path: 'cat/a.png' }], '..').success).toBe(false);
    expect(ref([{ id: ID, path: 'cat/a.png' }], 'a/b').success).toBe(false);
    expect(
      FileRefSchema.safeParse({ kind: 'upload-folder', name: 'p', files: [], extra: 1 }).success,
    ).toBe(false);
  });

  it('bounds the number of files', () => {
    const many = Array.from({ length: 100_001 }, (_, i) => ({ id: ID, path: `c/${i}.png` }));
    expect(ref(many).success).toBe(false);
  });
});
