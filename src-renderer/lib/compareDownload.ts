import type { ReportFile } from '../../src-shared/rpc/reports';

/**
 * Downloads of exported reports. The server already sanitises the file name; the view does it
 * again because a name that reaches `<a download>` must never carry a path.
 */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(0, 150);
  return clean === '' ? 'report' : clean;
}

/** Base64 (PDF reports) to bytes. */
export function base64Bytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A report's content as a Blob of its MIME type. */
export function reportBlob(file: ReportFile): Blob {
  const body = file.encoding === 'base64' ? base64Bytes(file.content) : file.content;
  return new Blob([body], { type: file.mime });
}

/** The little of a document a download needs (unit tests pass a fake one). */
export interface DownloadLink {
  href: string;
  download: string;
  rel: string;
  style: { display: string };
  click(): void;
  remove(): void;
}
export interface DownloadDocument<L extends DownloadLink = DownloadLink> {
  createElement(tag: 'a'): L;
  body: { append(link: L): void };
}

/**
 * Saves a report through the browser's download machinery (Electron shows its save dialog):
 * an object URL on a hidden `<a download>`, clicked once, revoked once the download started.
 */
export function downloadReport<L extends DownloadLink>(
  file: ReportFile,
  doc: DownloadDocument<L>,
): string {
  return downloadBlob(reportBlob(file), safeFileName(file.fileName), doc);
}

/**
 * An exported model's file (issue 13), base64 in the answer, saved the same way. Its name keeps
 * the server's extension (`.onnx`, `model.json`, `weights.bin`).
 */
export function downloadModelFile<L extends DownloadLink>(
  file: { fileName: string; content: string },
  doc: DownloadDocument<L>,
): string {
  const name = safeFileName(file.fileName);
  const type = name.endsWith('.json') ? 'application/json' : 'application/octet-stream';
  return downloadBlob(new Blob([base64Bytes(file.content)], { type }), name, doc);
}

/** Any blob saved under a (sanitised) name: reports, model files, exported charts. */
export function downloadBlob<L extends DownloadLink>(
  blob: Blob,
  name: string,
  doc: DownloadDocument<L>,
): string {
  const url = URL.createObjectURL(blob);
  const link = doc.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  link.style.display = 'none';
  doc.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 30_000);
  return name;
}
