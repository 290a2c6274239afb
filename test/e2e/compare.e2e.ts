import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, onPage, useWorkbench } from './workbench';

const bench = useWorkbench('compare');

/** The visually hidden radio of a segmented control is chosen through its label. */
async function choose(page: Page, testId: string): Promise<void> {
  await page.locator('label', { has: page.getByTestId(testId) }).click();
}

describe('Compare in Chromium', () => {
  it('compares two strategies of a finished experiment, saves the setup and exports HTML', async () => {
    await onPage(bench, 'compare-failure.png', async (page) => {
      // A quick experiment: the digits example with two seeds and 3-epoch target runs
      // (2 source runs, 2 scratch runs, 2 fine-tune runs).
      await page.goto(bench.server.url);
      await page.getByTestId('nav-experiments').click();
      await page.getByTestId('new-experiment').click();
      await page.getByTestId('example-select').selectOption('digits-0-4-to-5-9');
      await page.getByTestId('seeds').fill('0, 1');
      await page.getByTestId('epochs').fill('3');
      await page.getByTestId('start-experiment').click();
      await expect.poll(() => page.getByTestId('run-row').count(), { timeout: 30_000 }).toBe(6);
      await expect
        .poll(() => page.locator('[data-testid="run-row"][data-status="completed"]').count(), {
          timeout: 180_000,
          interval: 1000,
        })
        .toBe(6);

      // The experiment page links to Compare with the experiment selected.
      await page.getByTestId('compare-experiment-link').click();
      await page.waitForURL(/#\/compare\?experiments=\d+$/);

      // The summary table has one row per strategy; the gains table measures fine-tune
      // against scratch (the default baseline) over the two paired seeds.
      const summaryRows = page.getByTestId('summary-row');
      await expect.poll(() => summaryRows.count(), { timeout: 30_000 }).toBe(2);
      const strategies = await Promise.all(
        (await summaryRows.all()).map((row) => row.getAttribute('data-strategy')),
      );
      expect(strategies.sort()).toEqual(['fine-tune', 'scratch']);
      for (const text of await summaryRows.locator('td').allTextContents())
        expect(text).toMatch(/\d+\.\d ± \d+\.\d % \(n=2\)/);
      const gainRow = page.getByTestId('gain-row').first();
      expect(await page.getByTestId('gain-row').count()).toBe(1);
      expect(await gainRow.getAttribute('data-strategy')).toBe('fine-tune');
      expect(await gainRow.getByTestId('verdict').textContent()).toMatch(/win|tie|loss|untested/);
      expect(await page.locator('#gains-title').textContent()).toContain('scratch');
      expect(await page.getByTestId('win-tie-loss').textContent()).toContain('fine-tune');

      // The band label follows the band control.
      const bandLabel = page.getByTestId('band-label');
      await expect
        .poll(() => bandLabel.textContent())
        .toContain('95% confidence interval (Student t)');
      await choose(page, 'band-std');
      await expect
        .poll(() => bandLabel.textContent(), { timeout: 15_000 })
        .toContain('± 1 standard deviation');
      await expect
        .poll(() => page.getByTestId('compare-status').getAttribute('data-pending'))
        .toBe('false');

      // The curves, the heatmap and the confusion matrix are drawn.
      expect(Number(await page.getByTestId('chart-curves').getAttribute('data-count'))).toBe(2);
      expect(Number(await page.getByTestId('chart-heatmap').getAttribute('data-count'))).toBe(1);
      await expect
        .poll(() => page.getByTestId('chart-confusion').count(), { timeout: 15_000 })
        .toBe(1);

      // Save the setup: it is listed, and the URL names it.
      await page.getByTestId('setup-name').fill('two strategies, std band');
      await page.getByTestId('setup-save').click();
      await expect
        .poll(() => page.getByTestId('setup-list').textContent(), { timeout: 10_000 })
        .toContain('two strategies, std band');
      await page.waitForURL(/setup=\d+/);

      // The whole page in one shot: the app scrolls inside its shell, so give it a tall viewport.
      await page.setViewportSize({ width: 1400, height: 3400 });
      await page.screenshot({ path: join(ARTIFACTS, 'compare.png') });
      // The same page in the dark theme (it follows the OS unless Settings pins one).
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(ARTIFACTS, 'compare-dark.png') });
      await page.emulateMedia({ colorScheme: 'light' });
      await page.setViewportSize({ width: 1400, height: 900 });

      // Export HTML: the browser receives a download with the server's file name.
      await page.getByTestId('export-format').selectOption('html');
      const [download] = await Promise.all([
        page.waitForEvent('download', { timeout: 60_000 }),
        page.getByTestId('export').click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^[A-Za-z0-9._-]+\.html$/);
      const file = join(ARTIFACTS, 'compare-report.html');
      await download.saveAs(file);
      expect(await page.getByTestId('export-status').textContent()).toContain('.html');
      const html = readFileSync(file, 'utf8');
      expect(html).toContain('fine-tune');
      expect(html).toContain('scratch');

      // Compare opens empty from the navigation, and lists the saved setup; opening it restores
      // the selection and the band.
      await page.getByTestId('nav-compare').click();
      await expect.poll(() => page.getByTestId('compare-empty').count()).toBe(1);
      await page.getByTestId('setup-open').filter({ hasText: 'two strategies, std band' }).click();
      await page.waitForURL(/#\/compare\?experiments=\d+&setup=\d+$/);
      await expect
        .poll(() => page.getByTestId('band-label').textContent(), { timeout: 15_000 })
        .toContain('± 1 standard deviation');
      expect(await page.getByTestId('band-std').isChecked()).toBe(true);
      await expect.poll(() => page.getByTestId('summary-row').count()).toBe(2);

      // Open the report as a file, as a reader would, and keep a picture of it.
      const report = await bench.browser.newPage({ viewport: { width: 1200, height: 900 } });
      try {
        await report.goto(pathToFileURL(file).href);
        expect(await report.locator('body').textContent()).toContain('fine-tune');
        await report.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
      } finally {
        await report.close();
      }
    });
  });
});
