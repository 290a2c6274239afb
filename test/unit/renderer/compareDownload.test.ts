import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ReportFile } from '../../../src-shared/rpc/reports';
import {
  base64Bytes,
  downloadReport,
  type DownloadDocument,
  reportBlob,
  safeFileName,
} from '../../../src-renderer/lib/compareDownload';

const html: ReportFile = {
  reportId: 1,
  fileName: 'digits-compare.html',
  mime: 'text/html;charset=utf-8',
  encoding: 'utf8',
  content: '<!doctype html><h1>Δ 3 pp</h1>',
};

describe('report downloads', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('keeps safe names and strips paths and odd characters', () => {
    expect(safeFileName('digits-compare.html')).toBe('digits-compare.html');
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('C:\\Users\\x\\report.pdf')).toBe('report.pdf');
    expect(safeFileName('Ünïcode name?.md')).toBe('n_code_name_.md');
    expect(safeFileName('.hidden')).toBe('hidden');
    expect(safeFileName('')).toBe('report');
  });

  it('decodes base64 content (PDF) to bytes and keeps text as UTF-8', async () => {
    expect([...base64Bytes('JVBERi0=')]).toEqual([0x25, 0x50, 0x44, 0x46, 0x2d]);
    const pdf = reportBlob({
      ...html,
      mime: 'application/pdf',
      encoding: 'base64',
      content: 'JVBERi0=',
    });
    expect(pdf.type).toBe('application/pdf');
    expect(new Uint8Array(await pdf.arrayBuffer())).toEqual(new Uint8Array([37, 80, 68, 70, 45]));
    const text = reportBlob(html);
    expect(await text.text()).toBe(html.content);
    expect(text.size).toBe(new TextEncoder().encode(html.content).length);
  });

  it('clicks a hidden download link with the file name, then removes it', () => {
    const urls: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      if (blob instanceof Blob) urls.push(blob);
      return 'blob:fake';
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    // A minimal document: the unit tests run in Node, without a DOM.
    const clicked: { href: string; download: string; attached: boolean; hidden: boolean }[] = [];
    const body = {
      children: [] as FakeLink[],
      append(link: FakeLink): void {
        link.parent = body;
        body.children.push(link);
      },
    };
    class FakeLink {
      href = '';
      download = '';
      rel = '';
      style = { display: '' };
      parent: typeof body | null = null;
      click(): void {
        clicked.push({
          href: this.href,
          download: this.download,
          attached: this.parent !== null,
          hidden: this.style.display === 'none',
        });
      }
      remove(): void {
        body.children = body.children.filter((c) => c !== this);
        this.parent = null;
      }
    }
    const doc: DownloadDocument = { body, createElement: () => new FakeLink() };
    const name = downloadReport({ ...html, fileName: 'a/b/report.html' }, doc);
    expect(name).toBe('report.html');
    expect(clicked).toEqual([
      { href: 'blob:fake', download: 'report.html', attached: true, hidden: true },
    ]);
    expect(urls[0]?.type).toBe('text/html;charset=utf-8');
    expect(body.children).toEqual([]);
  });
});
