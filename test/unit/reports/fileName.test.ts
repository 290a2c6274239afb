import { describe, expect, it } from 'vitest';
import {
  MAX_FILE_NAME,
  reportFileName,
  sanitizeFileName,
} from '../../../src-main/reports/fileName';

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
});
