import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { call } from '../../../src-main/cli/session';
import { launchChromium } from '../../e2e/browser';
import { useTempDirs } from '../../helpers/tempDir';
import { HOSTILE, reportWorkspace, type ReportWorkspace } from './workspace';

const tempDir = useTempDirs();

describe('an HTML report built from hostile names, notes and tags', () => {
  let browser: Browser;
  let ws: ReportWorkspace;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser.close();
  });

  it('runs no script when loaded in Chromium, and shows the names as text', async () => {
    ws = await reportWorkspace(tempDir());
    try {
      const report = await call(ws.core, 'reports.create', {
        compare: { selection: { experimentIds: [ws.experimentId] } },
        format: 'html',
      });
      expect(report.encoding).toBe('utf8');
      const file = join(tempDir(), report.fileName);
      writeFileSync(file, report.content);

      // JavaScript stays on here so the hooks can see anything that would run.
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.addInitScript(() => {
        // Runs in the page (no DOM types here): globalThis is its window.
        const fired: string[] = [];
        (globalThis as unknown as { __fired: string[] }).__fired = fired;
        for (const name of ['alert', 'confirm', 'prompt', 'print', 'open'] as const) {
          Object.defineProperty(globalThis, name, {
            value: (...args: unknown[]) => {
              fired.push(`${name}(${args.map(String).join(',')})`);
              return null;
            },
          });
        }
      });
      const events: string[] = [];
      page.on('console', (m) => events.push(`console.${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => events.push(`pageerror: ${e.message}`));
      page.on('dialog', (d) => {
        events.push(`dialog: ${d.message()}`);
        void d.dismiss();
      });
      const requests: string[] = [];
      page.on('request', (r) => {
        if (r.url() !== pathToFileURL(file).href) requests.push(r.url());
      });
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });

      const fired = await page.evaluate(
        () => (globalThis as unknown as { __fired: string[] }).__fired,
      );
      expect(fired).toEqual([]);
      expect(events).toEqual([]);
      expect(requests).toEqual([]);
      expect(await page.locator('script').count()).toBe(0);
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.locator('[onload], [onerror]').count()).toBe(0);

      expect(await page.locator('h1').textContent()).toBe(`Comparison of ${HOSTILE.experiment}`);
      const text = await page.locator('body').innerText();
      for (const hostile of Object.values(HOSTILE)) expect(text).toContain(hostile);
      // In the charts too (SVG text), as text.
      const svgText = await page.locator('svg text').allTextContents();
      expect(svgText.some((t) => t.includes(HOSTILE.target))).toBe(true);
      expect(await page.locator('svg').count()).toBeGreaterThanOrEqual(3);
      await context.close();
    } finally {
      await ws.close();
    }
  });
});
