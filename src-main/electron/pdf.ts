import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserWindow } from 'electron';
import type { PdfRenderer } from '../reports/service';

/**
 * Prints a report's HTML to PDF in the app, with Electron's own Chromium: a hidden window that
 * runs no JavaScript, in a throw-away in-memory session of its own (no cookies or cache of the
 * app's, no permission the app's session might grant), loads the report from a temporary file
 * (a data: URL would cap the size), and `webContents.printToPDF`. The report's CSP forbids every
 * load; will-navigate is refused as for every other window (hardenWebContents, applied to every
 * WebContents the app creates).
 */
export const renderPdfWithElectron: PdfRenderer = async (html) => {
  const dir = await mkdtemp(join(tmpdir(), 'transferlab-pdf-'));
  const file = join(dir, 'report.html');
  await writeFile(file, html, { flag: 'wx' });
  const window = new BrowserWindow({
    show: false,
    width: 1100,
    height: 1400,
    webPreferences: {
      javascript: false,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
      partition: `report-pdf-${randomBytes(6).toString('hex')}`,
    },
  });
  try {
    await window.loadFile(file);
    const pdf = await window.webContents.printToPDF({
      pageSize: 'A4',
      printBackground: true,
      margins: { top: 0.6, bottom: 0.6, left: 0.5, right: 0.5 },
    });
    return new Uint8Array(pdf);
  } finally {
    window.destroy();
    await rm(dir, { recursive: true, force: true });
  }
};
