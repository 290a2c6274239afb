import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { call, tinySpec, waitForExperiment } from './rpc';
import { ARTIFACTS, onPage, useWorkbench } from './workbench';

/**
 * The run page's embedding panel (issue 14, point 3) in Chromium against `transferlab serve`:
 * "Compute embedding" runs the models process, both scatter plots appear with every point, the
 * discrepancy numbers sit beside them, PCA replaces UMAP on request, and a run whose model was
 * not kept says what to do. Screenshots in both themes at 1280×720.
 */

const bench = useWorkbench('embedding');

describe('embedding panel', () => {
  it('computes and shows both plots and the numbers; says when a model was not kept', async () => {
    const url = bench.server.url;
    await call(url, 'models.setKeep', { keep: 'all' });
    const spec = tinySpec('embedding');
    const { experimentId } = await call(url, 'experiments.create', {
      spec: { ...spec, strategies: [{ id: 'fine-tune' }], seeds: [0] },
    });
    await waitForExperiment(url, experimentId);
    const run = (await call(url, 'runs.list', { experimentId })).find((r) => r.kind === 'transfer');
    if (run?.status !== 'completed') throw new Error('a completed transfer run was expected');

    await call(url, 'models.setKeep', { keep: 'none' });
    const second = await call(url, 'experiments.create', {
      spec: { ...spec, name: 'not kept', strategies: [{ id: 'fine-tune' }], seeds: [1] },
    });
    await waitForExperiment(url, second.experimentId);
    const notKept = (await call(url, 'runs.list', { experimentId: second.experimentId })).find(
      (r) => r.kind === 'transfer',
    );
    if (notKept === undefined) throw new Error('a transfer run was expected');

    await onPage(bench, 'embedding-failure.png', async (page) => {
      await page.setViewportSize({ width: 1280, height: 720 });
      await page.goto(`${url}#/runs/${run.id}`);
      const compute = page.getByTestId('compute-embedding');
      await compute.waitFor({ timeout: 15_000 });
      await compute.click();
      const before = page.getByTestId('embedding-before');
      const after = page.getByTestId('embedding-after');
      await after.waitFor({ timeout: 120_000 });
      // 400 rows per domain, 20 % test: 80 source and 80 target points in each plot.
      expect(await before.getAttribute('data-points')).toBe('160');
      expect(await after.getAttribute('data-points')).toBe('160');
      await expect.poll(() => before.locator('canvas').count()).toBeGreaterThan(0);
      await expect.poll(() => after.locator('canvas').count()).toBeGreaterThan(0);
      const mmd = await page.getByTestId('mmd-row').innerText();
      expect(mmd).toMatch(/MMD²\s+\d\.\d{3}\s+\d\.\d{3}\s+[−+]?\d\.\d{3}/);
      expect(await page.getByTestId('pad-row').innerText()).toMatch(/Proxy A-dist\./);

      await page.getByTestId('embedding-panel').scrollIntoViewIfNeeded();
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe(scheme);
        await page.waitForTimeout(200);
        await page.screenshot({ path: join(ARTIFACTS, `embedding-1280x720-${scheme}.png`) });
      }
      await page.emulateMedia({ colorScheme: 'light' });
      await page.getByTestId('projection-pca').check({ force: true });
      await expect.poll(() => page.getByTestId('projection-pca').isChecked()).toBe(true);
      expect(await after.getAttribute('data-points')).toBe('160');

      // The page opened again reads the cache: no button, the plots at once.
      await page.reload();
      await page.getByTestId('embedding-after').waitFor({ timeout: 15_000 });
      expect(await page.getByTestId('compute-embedding').count()).toBe(0);

      await page.goto(`${url}#/runs/${notKept.id}`);
      const message = page.getByTestId('embedding-unavailable');
      await message.waitFor({ timeout: 15_000 });
      expect(await message.innerText()).toContain('Settings → Models → keep all');
    });
  }, 300_000);
});
