import filenamify from 'filenamify';

/**
 * Export file names: letters, digits, '-', '_' and '.', never a path. Titles are user text
 * ("Fine-tune vs scratch / MNIST → USPS"), and a name built from one must not climb out of the
 * chosen folder ('../../etc/passwd'), hide itself (a leading dot), pass for a command-line
 * option (a leading '-'), carry a NUL, a control or a bidirectional-text character (U+202E
 * shows "evil\u202Egpj.exe" as "evilexe.jpg", issue 11), or exceed what file systems accept.
 * Being a list of what is allowed, it refuses every character outside it, those included.
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

/**
 * A file or folder name the user typed (`--out`), kept as typed (spaces, accents) less what
 * no file name should carry, each replaced by '_': C0/C1 controls, bidirectional-text and
 * other invisible format characters (U+200E/F, U+202A–E, U+2066–9, …), characters Windows
 * refuses, a trailing dot or space, a name of dots only, Windows' reserved names. filenamify
 * does it (issue 11: a well-kept library rather than our own list).
 */
export function cleanChosenFileName(name: string): string {
  return filenamify(name, { replacement: '_', maxLength: 200 });
}

/**
 * A name or path as a message may show it: control and format characters written as
 * `\u{202e}`, so that a refused name cannot reorder or hide the text of its own error.
 */
export function printableName(name: string): string {
  return name.replace(
    /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu,
    (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`,
  );
}
