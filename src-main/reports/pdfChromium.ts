import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { AppFailure } from '../../src-shared/result';
import type { PdfRenderer } from './service';

/**
 * Prints a report's HTML to PDF with headless Chromium through playwright-core (the CLI and the
 * server; the app uses Electron's own printToPDF, see electron/pdf.ts). The system's Chromium
 * is used, never a downloaded one: CHROMIUM_PATH, else the usual Debian/Ubuntu/Fedora paths.
 * The page runs no JavaScript and may load nothing: the report has no script and inlines every
 * chart, so both are defence in depth behind its Content-Security-Policy.
 */
const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

export function findChromium(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv !== undefined && fromEnv !== '') return existsSync(fromEnv) ? fromEnv : undefined;
  return CANDIDATES.find((path) => existsSync(path));
}

/** Headless Chromium without a sandbox, GPU or background traffic (also the e2e tests' browser). */
export function launchHeadlessChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export const renderPdfWithChromium: PdfRenderer = async (html) => {
  const executablePath = findChromium();
  if (executablePath === undefined) {
    throw new AppFailure(
      'unavailable',
      'PDF export needs Chromium, which was not found (looked at CHROMIUM_PATH and ' +
        `${CANDIDATES.join(', ')}). Install it (Debian: apt-get install chromium) or export HTML ` +
        'and print that.',
    );
  }
  const browser = await launchHeadlessChromium(executablePath);
  try {
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    await context.route('**/*', (route) => route.abort());
    const page = await context.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    const pdf = await page.pdf({
      format: 'A4',
      printBackground: true,
      margin: { top: '15mm', bottom: '15mm', left: '12mm', right: '12mm' },
    });
    return new Uint8Array(pdf);
  } finally {
    await browser.close();
  }
};
