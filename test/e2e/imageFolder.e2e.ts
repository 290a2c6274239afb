import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ARTIFACTS, onPage, useWorkbench } from './workbench';

const bench = useWorkbench('image-folder');
const parent = mkdtempSync(join(tmpdir(), 'transferlab-e2e-images-'));
afterAll(() => {
  rmSync(parent, { recursive: true, force: true });
});

/** A 12×12 PNG: a coloured disc (`round`) or square on black, shifted by `i` so each differs. */
function shape(round: boolean, rgb: [number, number, number], i: number): Buffer {
  const png = new PNG({ width: 12, height: 12 });
  for (let y = 0; y < 12; y++) {
    for (let x = 0; x < 12; x++) {
      const dx = x - 5.5 - (i % 3) + 1;
      const dy = y - 5.5 - Math.floor(i / 3) + 1;
      const inside = round ? dx * dx + dy * dy <= 12 : Math.abs(dx) <= 3 && Math.abs(dy) <= 3;
      png.data.set(inside ? [...rgb, 255] : [0, 0, 0, 255], 4 * (12 * y + x));
    }
  }
  return PNG.sync.write(png);
}

/** shapes/discs and shapes/squares, 4 PNGs each, and a note that the import skips. */
function writeShapes(): string {
  const root = join(parent, 'shapes');
  for (const [cls, round, rgb] of [
    ['discs', true, [255, 80, 40]],
    ['squares', false, [40, 160, 255]],
  ] as const) {
    mkdirSync(join(root, cls), { recursive: true });
    for (let i = 0; i < 4; i++)
      writeFileSync(join(root, cls, `${i}.png`), shape(round, [...rgb], i));
  }
  writeFileSync(join(root, 'discs', 'notes.txt'), 'not an image');
  return root;
}

describe('an image folder in the browser', () => {
  it('is chosen with the folder input, uploaded file by file, imported and previewed', async () => {
    const root = writeShapes();
    await onPage(bench, 'image-folder-failure.png', run);

    async function run(page: Page): Promise<void> {
      await page.goto(bench.server.url);
      await page.getByTestId('nav-datasets').click();
      await page.getByTestId('import-folder-button').waitFor();
      // playwright-core hands a folder to a `webkitdirectory` input as the browser would.
      await page.getByTestId('import-folder').setInputFiles(root);
      const panel = page.getByTestId('import-panel');
      await expect
        .poll(() => panel.getByTestId('import-format').textContent(), { timeout: 30_000 })
        .toMatch(/Image folder/);
      expect(await panel.locator('h2').textContent()).toMatch(/shapes/);
      expect(await page.getByTestId('import-skipped').textContent()).toMatch(/1 file skipped/);
      expect(await page.getByTestId('import-name').inputValue()).toBe('shapes');
      await panel.getByLabel('Width').fill('12');
      await panel.getByLabel('Height').fill('12');
      await panel.locator('select').selectOption('rgb');
      await panel.screenshot({ path: join(ARTIFACTS, 'image-folder-import-panel.png') });

      await page.getByTestId('import-submit').click();
      const report = page.getByTestId('import-report');
      await report.waitFor({ timeout: 60_000 });
      expect(await page.getByTestId('report-kept').textContent()).toBe('8');
      expect(await report.textContent()).toMatch(/discs → 0/);
      // The uploads went with the import: nothing is left in the workspace's uploads folder.
      expect(readdirSync(join(bench.workspace, 'uploads'))).toEqual([]);

      await expect
        .poll(() => page.getByTestId('dataset-row-shapes').count(), { timeout: 10_000 })
        .toBe(1);
      await page.getByTestId('open-dataset-shapes').click();
      const grid = page.getByTestId('image-grid');
      await expect.poll(() => grid.locator('canvas').count(), { timeout: 30_000 }).toBe(8);
      await page.screenshot({ path: join(ARTIFACTS, 'image-folder-preview.png'), fullPage: true });
      await grid.screenshot({ path: join(ARTIFACTS, 'image-folder-grid.png') });
    }
  });
});
