/**
 * What a drop onto the datasets view holds: files, and whether one of them is a folder (an
 * image-folder import, which only a path-based transport can read). Uses the entries API, the only
 * way a page can tell a dropped folder from a file.
 */
export interface Dropped {
  files: File[];
  folder: boolean;
}

export function readDrop(data: DataTransfer): Dropped {
  const files: File[] = [];
  let folder = false;
  for (const item of Array.from(data.items)) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry();
    const file = item.getAsFile();
    if (entry?.isDirectory === true) folder = true;
    if (file) files.push(file);
  }
  return { files, folder };
}

/** Whether a drag carries files (and not, say, selected text). */
export function carriesFiles(data: DataTransfer | null): boolean {
  return data !== null && Array.from(data.types).includes('Files');
}
