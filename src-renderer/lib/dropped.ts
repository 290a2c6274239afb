/**
 * What a drop onto the datasets view holds: files, and the folder among them if any (an
 * image-folder import). Uses the entries API, the only way a page can tell a dropped folder from a
 * file and read what is inside it.
 */
export interface Dropped {
  files: File[];
  /** The first dropped folder: Electron reads it by path, a browser by its entries. */
  folder: FileSystemDirectoryEntry | null;
}

/** Must run during the drop event: the items are gone once it returns. */
export function readDrop(data: DataTransfer): Dropped {
  const files: File[] = [];
  let folder: FileSystemDirectoryEntry | null = null;
  for (const item of Array.from(data.items)) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry();
    const file = item.getAsFile();
    if (entry?.isDirectory === true) folder ??= entry as FileSystemDirectoryEntry;
    if (file) files.push(file);
  }
  return { files, folder };
}

/** Whether a drag carries files (and not, say, selected text). */
export function carriesFiles(data: DataTransfer | null): boolean {
  return data !== null && Array.from(data.types).includes('Files');
}

/** How deep a dropped folder is read: class folders need two levels; a third is room to spare. */
const MAX_DEPTH = 3;

/**
 * Every file below a dropped folder with its path from the folder's parent (`pets/cat/a.png`, as
 * a folder input's `webkitRelativePath` gives it), so both choices go through one path.
 */
export async function readFolderEntry(
  folder: FileSystemDirectoryEntry,
): Promise<{ file: File; relativePath: string }[]> {
  const out: { file: File; relativePath: string }[] = [];
  const walk = async (dir: FileSystemDirectoryEntry, prefix: string, depth: number) => {
    for (const entry of await allEntries(dir)) {
      const path = `${prefix}/${entry.name}`;
      if (entry.isFile) {
        out.push({ file: await fileOf(entry as FileSystemFileEntry), relativePath: path });
      } else if (entry.isDirectory && depth < MAX_DEPTH) {
        await walk(entry as FileSystemDirectoryEntry, path, depth + 1);
      }
    }
  };
  await walk(folder, folder.name, 1);
  return out;
}

/** A directory's entries: `readEntries` answers in batches (100 in Chromium) until an empty one. */
async function allEntries(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => {
      reader.readEntries(resolve, reject);
    });
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => {
    entry.file(resolve, reject);
  });
}
