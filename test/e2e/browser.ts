import type { Browser } from 'playwright-core';
import { existsSync } from 'node:fs';
import { launchHeadlessChromium } from '../../src-main/reports/pdfChromium';

/** Debian's Chromium (apt-get install chromium), never a downloaded browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's chromium package (see .ci/run).`,
    );
  }
  return launchHeadlessChromium(CHROMIUM);
}
