import { describe, expect, it } from 'vitest';
import {
  cleanChosenFileName,
  MAX_FILE_NAME,
  printableName,
  reportFileName,
  sanitizeFileName,
} from '../../../src-main/reports/fileName';

/** Bidirectional-text controls (issue 11) and C0/C1 controls. */
const BIDI = [
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
];
const INVISIBLE = [
  ...BIDI,
  '\u200e',
  '\u200f',
  '\u0000',
  '\u0007',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u009b',
];
const UNWANTED = /[\p{Cc}\p{Cf}]/u;

describe('export file names', () => {
  it.each([
    ['../../etc/passwd', 'etc-passwd'],
    ['/absolute/path.html', 'absolute-path.html'],
    ['..\\..\\windows\\system32', 'windows-system32'],
    ['.hidden', 'hidden'],
    ['-rf', 'rf'],
    ['a\u0000b', 'a-b'],
    ['Fine-tune vs scratch / MNIST → USPS', 'Fine-tune-vs-scratch-MNIST-USPS'],
    ['Réseaux über', 'Reseaux-uber'],
    ['<img src=x onerror=alert(1)>', 'img-src-x-onerror-alert-1'],
    ['CON', '_CON'],
    ['...', 'report'],
    ['', 'report'],
  ])('%j becomes %j', (input, expected) => {
    expect(sanitizeFileName(input)).toBe(expected);
  });

  it('keeps only letters, digits, -, _ and . and bounds the length', () => {
    const long = sanitizeFileName('x'.repeat(10_000));
    expect(long.length).toBeLessThanOrEqual(MAX_FILE_NAME);
    for (const name of ['../../etc/passwd', 'a/b\\c:d*e?f"g<h>i|j', '\u202e\u0007tab\there']) {
      expect(sanitizeFileName(name)).toMatch(/^[A-Za-z0-9_][A-Za-z0-9._-]*$/);
    }
  });

  it('builds <title>.<ext> with the extension kept whole', () => {
    expect(reportFileName('../../etc/passwd', 'html')).toBe('etc-passwd.html');
    const name = reportFileName('t'.repeat(500), 'html');
    expect(name.endsWith('.html')).toBe(true);
    expect(name.length).toBeLessThanOrEqual(MAX_FILE_NAME);
    expect(reportFileName('', 'pdf')).toBe('report.pdf');
  });

  // Issue 11: "evil\u202Egpj.exe" shows as "evilexe.jpg".
  it('drops bidirectional-text and control characters from default names', () => {
    expect(reportFileName('evil\u202egpj.exe', 'html')).toBe('evil-gpj.exe.html');
    for (const c of INVISIBLE) {
      const name = reportFileName(`a${c}b`, 'md');
      expect(name).not.toMatch(UNWANTED);
      expect(name).toBe('a-b.md');
    }
  });

  it.each([
    ['evil\u202egpj.exe', 'evil_gpj.exe'],
    ['a\u200fb\u2066c.md', 'a_b_c.md'],
    ['tab\there\u0085.md', 'tab here_.md'],
    ['Résumé des essais.md', 'Résumé des essais.md'],
    ['report.md', 'report.md'],
    ['..', '_'],
  ])('a chosen name %j becomes %j', (input, expected) => {
    expect(cleanChosenFileName(input)).toBe(expected);
  });

  it('removes every invisible or control character from a chosen name', () => {
    for (const c of INVISIBLE) {
      expect(cleanChosenFileName(`report${c}.md`)).not.toMatch(UNWANTED);
    }
  });

  it('shows control and bidi characters escaped in messages', () => {
    expect(printableName('/tmp/evil\u202egpj.exe')).toBe('/tmp/evil\\u{202e}gpj.exe');
    expect(printableName('Résumé.md')).toBe('Résumé.md');
  });
});
