import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareChartsWorkspace } from '../helpers/compareChartsWorkspace';
import { launchChromium } from './browser';
import { startServeProcess, type ServerProcess } from './server';
import { ARTIFACTS } from './workbench';

/**
 * Compare's charts at 100+ runs (issue 14), in Chromium against `transferlab serve` on a
 * workspace of 132 finished runs (test/helpers/compareChartsWorkspace.ts): small multiples by
 * source × target and other fields, x axis, log y, smoothing, every run or mean ± band, parallel
 * coordinates, and charts saved as PNG and SVG. Screenshots at both window sizes in both themes.
 */
let workspace = '';
let server: ServerProcess | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  workspace = mkdtempSync(join(tmpdir(), 'transferlab-e2e-compare-charts-'));
  compareChartsWorkspace(workspace).db.close();
  server = await startServeProcess(workspace);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(workspace, { recursive: true, force: true });
});

/** The little of a DOM element the page scripts below use (the tests compile without the DOM lib). */
interface ScrollableElement {
  scrollIntoView(options: { block: 'start' }): void;
}

const curves = (page: Page) => page.getByTestId('chart-curves');
const count = async (page: Page, attr: string): Promise<number> =>
  Number(await curves(page).getAttribute(attr));

async function saved(page: Page, testId: string): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId(testId).click(),
  ]);
  const file = await download.path();
  return { name: download.suggestedFilename(), bytes: readFileSync(file) };
}

describe('Compare charts at 100+ runs', () => {
  it('facets, re-axes, smooths and exports the curves, and draws parallel coordinates', async () => {
    if (server === undefined || browser === undefined) throw new Error('not started');
    const page = await browser.newPage({
      viewport: { width: 1440, height: 900 },
      acceptDownloads: true,
    });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    try {
      await page.goto(`${server.url}#/compare?experiments=1`);
      // Source × target: 2 × 2 panels; scratch (no source) joins each panel of its target.
      await expect.poll(() => count(page, 'data-facets'), { timeout: 60_000 }).toBe(4);
      expect(await count(page, 'data-count')).toBe(6); // scratch + 5 variants, not 132 runs
      expect(await count(page, 'data-lines')).toBe(4 * 6);
      const parallel = page.getByTestId('chart-parallel');
      expect(Number(await parallel.getAttribute('data-count'))).toBe(132);
      expect(Number(await parallel.getAttribute('data-axes'))).toBeGreaterThanOrEqual(4);
      // Learning curves of 4 pairs open on the first pair: 6 lines, not 24 on one plot.
      expect(await page.getByTestId('learning-pair').inputValue()).not.toBe('');
      expect(Number(await page.getByTestId('chart-learning').getAttribute('data-count'))).toBe(6);

      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        for (const [w, h] of [
          [1440, 900],
          [1280, 720],
        ] as const) {
          await page.setViewportSize({ width: w, height: h });
          await page.locator('#curves-title').evaluate((el: ScrollableElement) => {
            el.scrollIntoView({ block: 'start' });
          });
          await page.waitForTimeout(300);
          await page.screenshot({
            path: join(ARTIFACTS, `compare-charts-${scheme}-${w}x${h}.png`),
          });
        }
        await page.setViewportSize({ width: 1440, height: 900 });
        await page.locator('#parallel-title').evaluate((el: ScrollableElement) => {
          el.scrollIntoView({ block: 'start' });
        });
        await page.screenshot({ path: join(ARTIFACTS, `compare-parallel-${scheme}-1440x900.png`) });
      }
      await page.emulateMedia({ colorScheme: 'light' });

      // Other facets: by budget (2 panels), one panel.
      await page.getByTestId('curves-facet').selectOption('budget');
      await expect.poll(() => count(page, 'data-facets')).toBe(2);
      await page.getByTestId('curves-facet').selectOption('none');
      await expect.poll(() => count(page, 'data-facets')).toBe(1);
      await page.getByTestId('curves-facet').selectOption('source-target');
      await expect.poll(() => count(page, 'data-facets')).toBe(4);

      // Every run as a thin line: 120 transfer runs + 12 scratch runs drawn in 2 panels each.
      await page.locator('label', { has: page.getByTestId('curves-show-runs') }).click();
      await expect.poll(() => count(page, 'data-lines')).toBe(120 + 12 * 2);
      expect(await count(page, 'data-count')).toBe(6);
      await page.screenshot({
        path: join(ARTIFACTS, 'compare-charts-every-run-1440x900.png'),
      });
      await page.locator('label', { has: page.getByTestId('curves-show-band') }).click();
      await expect.poll(() => count(page, 'data-lines')).toBe(24);

      // Smoothing adds the faint raw line behind each smoothed one.
      await page.getByTestId('curves-smoothing').fill('0.6');
      await expect.poll(() => count(page, 'data-lines')).toBe(48);
      await expect
        .poll(() => page.getByTestId('band-label').textContent())
        .toContain('smoothed (EMA 0.60)');

      // The x axis: wall time and steps (the runs recorded their split sizes), then log y.
      await page.locator('label', { has: page.getByTestId('curves-x-wall') }).click();
      await expect.poll(() => page.locator('#curves-title').textContent()).toContain('wall time');
      await page.locator('label', { has: page.getByTestId('curves-x-step') }).click();
      await expect.poll(() => page.locator('#curves-title').textContent()).toContain('step');
      await page.getByTestId('curves-log-y').check();
      await expect.poll(() => count(page, 'data-facets')).toBe(4);
      await page.screenshot({
        path: join(ARTIFACTS, 'compare-charts-smoothed-steps-log-1440x900.png'),
      });

      // Saved as PNG and SVG, under a sanitised name; the files are what they say.
      const png = await saved(page, 'curves-save-png');
      expect(png.name).toBe('val_acc_per_step.png');
      expect([...png.bytes.subarray(0, 8)]).toEqual([
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a,
      ]);
      // Kept beside the screenshots, to look at what a user gets.
      writeFileSync(join(ARTIFACTS, 'compare-charts-export.png'), png.bytes);
      const svg = await saved(page, 'curves-save-svg');
      expect(svg.name).toBe('val_acc_per_step.svg');
      expect(svg.bytes.subarray(0, 200).toString('utf8')).toMatch(/^(<\?xml[^>]*>\s*)?<svg/);
      expect(svg.bytes.toString('utf8')).toContain('digits 0-4');
      writeFileSync(join(ARTIFACTS, 'compare-charts-export.svg'), svg.bytes);
      const parallelSvg = await saved(page, 'parallel-save-svg');
      expect(parallelSvg.name).toMatch(/^Parameters_test_acc\.svg$/);
      expect(parallelSvg.bytes.subarray(0, 200).toString('utf8')).toMatch(/<svg/);
      expect(pageErrors).toEqual([]);
    } catch (e) {
      await page.screenshot({
        path: join(ARTIFACTS, 'compare-charts-failure.png'),
        fullPage: true,
      });
      throw e;
    } finally {
      await page.close();
    }
  });
});
