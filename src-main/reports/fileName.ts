/**
 * Export file names: letters, digits, '-', '_' and '.', never a path. Titles are user text
 * ("Fine-tune vs scratch / MNIST → USPS"), and a name built from one must not climb out of the
 * chosen folder ('../../etc/passwd'), hide itself (a leading dot), pass for a command-line
 * option (a leading '-'), carry a NUL or control character, or exceed what file systems accept.
 */

/** Well below the 255 bytes of ext4/NTFS/APFS, leaving room for a suffix such as "-2". */
export const MAX_FILE_NAME = 120;

/** Names Windows refuses whatever the extension (a report may be copied there). */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i;

export function sanitizeFileName(name: string, fallback = 'report'): string {
  let safe = name
    // Accented letters keep their base letter instead of becoming dashes.
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[.-]+/, '')
    .replace(/[.-]+$/, '');
  if (safe.length > MAX_FILE_NAME) safe = safe.slice(0, MAX_FILE_NAME).replace(/[.-]+$/, '');
  if (safe === '') return fallback;
  return WINDOWS_RESERVED.test(safe) ? `_${safe}` : safe;
}

/** `<title>.<ext>`, the extension kept whole however long the title. */
export function reportFileName(title: string, extension: string): string {
  const ext = sanitizeFileName(extension, 'txt');
  const stem = sanitizeFileName(title).slice(0, MAX_FILE_NAME - ext.length - 1);
  return `${stem.replace(/[.-]+$/, '') || 'report'}.${ext}`;
}
