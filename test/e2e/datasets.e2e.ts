import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ARTIFACTS, onPage, useWorkbench } from './workbench';

const bench = useWorkbench('datasets');
const folder = mkdtempSync(join(tmpdir(), 'transferlab-e2e-csv-'));
afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

/**
 * 120 rows, 4 numeric features, 2 classes named `left` and `right` (mapped to 0 and 1 by the
 * importer): class `right` sits 2 units further along every feature. A small LCG makes the file
 * the same on every run, so its content hash is too.
 */
function writeBlobs(path: string): void {
  let state = 12345;
  const random = (): number => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const lines = ['f1,f2,f3,f4,class'];
  for (let i = 0; i < 120; i++) {
    const right = i % 2 === 1;
    const features = [0, 1, 2, 3].map((j) => ((right ? 2 : 0) + j * 0.5 + random()).toFixed(4));
    lines.push([...features, right ? 'right' : 'left'].join(','));
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

describe('datasets in the UI', () => {
  it('previews a built-in image dataset through a class subset and a transform', async () => {
    const page = await bench.browser.newPage({ viewport: { width: 1400, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(bench.server.url);
    await page.getByTestId('nav-datasets').click();
    await page.getByTestId('open-dataset-digits').click();
    const grid = page.getByTestId('image-grid');
    await expect.poll(() => grid.locator('canvas').count(), { timeout: 30_000 }).toBe(80);

    // Keep classes 3 and 5 (relabelled 0 and 1), rotated and inverted.
    await page.getByTestId('domain-editor').getByRole('button', { name: 'None' }).click();
    await page.getByTestId('class-3').click();
    await page.getByTestId('class-5').click();
    await page.getByTestId('transform-rotateDeg').fill('90');
    await page.getByTestId('transform-invert').check();
    await expect.poll(() => grid.locator('canvas').count(), { timeout: 15_000 }).toBe(16);
    expect(await grid.textContent()).toMatch(/5\s*→ 1/);
    // Every class has a bar; the eight left out are faint.
    const chart = page.getByTestId('class-chart');
    expect(await chart.getAttribute('data-bars')).toBe('10');
    await expect.poll(() => chart.getAttribute('data-muted')).toBe('8');
    await page.screenshot({ path: join(ARTIFACTS, 'dataset-image-preview.png'), fullPage: true });
    await grid.screenshot({ path: join(ARTIFACTS, 'dataset-image-grid.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(ARTIFACTS, 'dataset-image-preview-dark.png') });
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('imports a CSV, previews it, defines a target domain and runs an experiment on it', async () => {
    const csv = join(folder, 'blobs.csv');
    writeBlobs(csv);
    await onPage(bench, 'datasets-failure.png', run);

    async function run(page: Page): Promise<void> {
      await page.goto(bench.server.url);
      await page.getByTestId('nav-datasets').click();
      await page.screenshot({ path: join(ARTIFACTS, 'datasets-empty.png') });

      // Choose the file: it is uploaded and inspected; the panel shows its columns.
      await page.getByTestId('import-file').setInputFiles(csv);
      const panel = page.getByTestId('import-panel');
      await expect
        .poll(() => panel.getByTestId('import-format').textContent(), { timeout: 30_000 })
        .toMatch(/CSV/);
      expect(await page.getByTestId('csv-columns').locator('tbody tr').count()).toBe(5);
      expect(await page.getByTestId('label-class').isChecked()).toBe(true);
      expect(await page.getByTestId('feature-f1').isChecked()).toBe(true);
      expect(await page.getByTestId('import-name').inputValue()).toBe('blobs');
      expect(await page.getByTestId('missing-summary').textContent()).toMatch(/No empty cells/);
      await panel.screenshot({ path: join(ARTIFACTS, 'datasets-import-panel.png') });

      // Import: the report says what was kept and how the labels were mapped.
      await page.getByTestId('import-submit').click();
      const report = page.getByTestId('import-report');
      await report.waitFor({ timeout: 60_000 });
      expect(await page.getByTestId('report-kept').textContent()).toBe('120');
      expect(await report.textContent()).toMatch(/left → 0/);
      expect(await report.textContent()).toMatch(/right → 1/);
      await expect
        .poll(() => page.getByTestId('dataset-row-blobs').count(), { timeout: 10_000 })
        .toBe(1);
      await page.screenshot({ path: join(ARTIFACTS, 'datasets-imported.png'), fullPage: true });

      // The preview: the first rows, one histogram per feature, the class distribution.
      await page.getByTestId('open-dataset-blobs').click();
      await expect
        .poll(() => page.getByTestId('histograms').locator('figure').count(), { timeout: 30_000 })
        .toBe(4);
      expect(await page.getByTestId('preview-rows').locator('tbody tr').count()).toBe(50);
      expect(await page.getByTestId('class-chart').getAttribute('data-bars')).toBe('2');
      await page.screenshot({ path: join(ARTIFACTS, 'dataset-preview.png'), fullPage: true });

      // A target domain: the features shifted by 3; the live preview follows.
      const firstCell = page
        .getByTestId('preview-rows')
        .locator('tbody tr')
        .first()
        .locator('td')
        .first();
      const before = Number(await firstCell.textContent());
      await page.getByTestId('domain-name').fill('blobs shifted');
      await page.getByTestId('transform-shift').fill('3');
      await expect
        .poll(async () => Number(await firstCell.textContent()), { timeout: 15_000 })
        .toBeCloseTo(before + 3, 3);
      await page.getByTestId('domain-samplesPerClass').fill('50');
      await page.screenshot({ path: join(ARTIFACTS, 'dataset-domain-editor.png'), fullPage: true });
      await page.getByTestId('use-as-target').click();

      // The designer has it as a second target; keep only it, train from scratch only.
      await page.waitForURL(/#\/experiments\/new/);
      await expect
        .poll(() => page.getByTestId('domain-targets-1-name').inputValue(), { timeout: 30_000 })
        .toBe('blobs shifted');
      expect(await page.getByTestId('domain-targets-1').textContent()).toMatch(/blobs.*shift 3/);
      await page.getByTestId('remove-targets-0').click();
      expect(await page.getByTestId('domain-targets-0-name').inputValue()).toBe('blobs shifted');
      while ((await page.getByTestId('entry-0-remove').count()) > 0)
        await page.getByTestId('entry-0-remove').click();
      await page.getByTestId('add-strategy-select').selectOption('scratch');
      await page.getByTestId('add-strategy').click();
      await page.getByTestId('seeds').fill('0');
      await page.getByTestId('budgets').fill('all');
      await page.getByTestId('epochs').fill('3');
      await page.getByLabel('Name', { exact: true }).fill('Shifted blobs from scratch');
      await page
        .locator('section.panel', { has: page.getByRole('heading', { name: 'Design' }) })
        .screenshot({ path: join(ARTIFACTS, 'dataset-designer.png') });
      await page.getByTestId('start-experiment').click();

      // One scratch run on the shifted target, which completes.
      await page.waitForURL(/#\/experiments\/\d+$/, { timeout: 30_000 });
      await expect
        .poll(() => page.locator('[data-testid="run-row"][data-status="completed"]').count(), {
          timeout: 180_000,
          interval: 1000,
        })
        .toBe(1);
      expect(await page.getByTestId('run-row').count()).toBe(1);
      expect(await page.locator('h1').textContent()).toBe('Shifted blobs from scratch');
      await page.screenshot({ path: join(ARTIFACTS, 'dataset-experiment.png'), fullPage: true });

      // The experiment uses the dataset: a delete is refused, and the refusal shows in its row.
      await page.getByTestId('nav-datasets').click();
      await page.getByTestId('delete-blobs').click();
      await page.locator('[data-testid^="confirm-delete-"]').click();
      const refusal = page.getByRole('alert').filter({ hasText: 'Not deleted' });
      await refusal.waitFor({ timeout: 15_000 });
      expect(await page.getByTestId('dataset-row-blobs').count()).toBe(1);
      await page
        .getByTestId('datasets-table')
        .screenshot({ path: join(ARTIFACTS, 'datasets-delete-refused.png') });
    }
  });
});
