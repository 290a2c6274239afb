import { describe, expect, it } from 'vitest';
import { goToHash } from './everyView';
import { call } from './rpc';
import { onPage, useWorkbench } from './workbench';

/**
 * Issue 14: the renderer bundle stays lean. The page starts on the app's own chunk; Compare and
 * ECharts are chunks of their own (App.svelte, lib/echarts.ts), fetched the first time they are
 * needed and not before.
 */

const bench = useWorkbench('bundle');

/** The file name of a script the page fetched, without its content hash. */
function chunkName(url: string): string {
  return (
    new URL(url).pathname
      .split('/')
      .pop()
      ?.replace(/-[\w-]{8}\.js$/, '') ?? url
  );
}

describe('a lean renderer bundle (issue 14)', () => {
  it('loads Compare and ECharts only when a page needs them', async () => {
    const [digits] = (await call(bench.server.url, 'datasets.list', {})).filter(
      (d) => d.name === 'digits',
    );
    if (digits === undefined) throw new Error('the built-in digits dataset is missing');
    await onPage(bench, 'bundle-failure.png', async (page) => {
      const scripts: string[] = [];
      page.on('request', (r) => {
        if (r.resourceType() === 'script') scripts.push(chunkName(r.url()));
      });

      await goToHash(page, bench.server.url, '#/experiments');
      await page.locator('main h1', { hasText: 'Experiments' }).waitFor();
      expect(scripts.some((s) => s.startsWith('index'))).toBe(true);
      expect(scripts.filter((s) => /CompareView|echartsCore/.test(s))).toEqual([]);

      // Compare's chunk arrives with the view, and its placeholder gives way to it.
      await goToHash(page, bench.server.url, '#/compare');
      await page.locator('main h1', { hasText: 'Compare' }).waitFor();
      expect(scripts.filter((s) => s.startsWith('CompareView'))).toHaveLength(1);
      expect(await page.getByTestId('lazy-loading').count()).toBe(0);

      // The first chart (a dataset's class distribution) brings ECharts, which draws it.
      await goToHash(page, bench.server.url, `#/datasets/${digits.id}`);
      await page.locator('main .chart canvas').first().waitFor({ timeout: 30_000 });
      expect(scripts.filter((s) => s.startsWith('echartsCore'))).toHaveLength(1);

      // A second visit to Compare fetches nothing again.
      await goToHash(page, bench.server.url, '#/compare');
      await page.locator('main h1', { hasText: 'Compare' }).waitFor();
      expect(scripts.filter((s) => s.startsWith('CompareView'))).toHaveLength(1);
    });
  });
});
