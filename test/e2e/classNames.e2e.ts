import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { call, waitForExperiment } from './rpc';
import { ARTIFACTS, onPage, useWorkbench } from './workbench';

const bench = useWorkbench('class-names');
const csvDir = mkdtempSync(join(tmpdir(), 'transferlab-e2e-iris-'));
afterAll(() => {
  rmSync(csvDir, { recursive: true, force: true });
});

/** An iris-like CSV whose labels are names: 30 setosa, 45 versicolor, 60 virginica rows. */
function irisLike(): string {
  const lines = ['sepal,petal,species'];
  [
    { name: 'setosa', rows: 30, centre: 0 },
    { name: 'versicolor', rows: 45, centre: 5 },
    { name: 'virginica', rows: 60, centre: 10 },
  ].forEach((c) => {
    for (let i = 0; i < c.rows; i++) {
      const jitter = ((i * 7) % 11) / 11 - 0.5;
      lines.push(`${c.centre + jitter},${c.centre - jitter},${c.name}`);
    }
  });
  const path = join(csvDir, 'iris-like.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(ARTIFACTS, `${name}-dark.png`) });
  await page.emulateMedia({ colorScheme: 'light' });
}

describe('class names in Chromium (issue 14)', () => {
  it("shows a CSV's label names in the dataset view, the run page and the confusion matrix", async () => {
    const url = bench.server.url;
    const imported = await call(url, 'datasets.import', {
      file: { kind: 'path', path: irisLike() },
      name: 'iris-like',
      options: { format: 'csv', delimiter: 'auto', header: 'auto', missing: 'refuse' },
    });
    // The target keeps virginica, then setosa: its label 0 is virginica.
    const { experimentId } = await call(url, 'experiments.create', {
      spec: {
        name: 'iris names',
        sources: [{ name: 'iris all', dataset: 'iris-like' }],
        targets: [{ name: 'virginica + setosa', dataset: 'iris-like', classes: [2, 0] }],
        strategies: [{ id: 'scratch' }],
        budgets: [10],
        seeds: [0],
        model: { type: 'mlp', hidden: [8] },
        training: { epochs: 3, learningRate: 0.05, batchSize: 16, backend: 'wasm' },
      },
    });
    await waitForExperiment(url, experimentId);
    const [run] = await call(url, 'runs.list', { experimentId });
    expect(run?.status).toBe('completed');

    await onPage(bench, 'class-names-failure.png', async (page) => {
      await page.setViewportSize({ width: 1280, height: 720 });

      // The dataset view: each class button says its name.
      await page.goto(`${url}#/datasets/${imported.dataset.id}`);
      await expect.poll(() => page.getByTestId('class-2').textContent()).toContain('virginica');
      expect(await page.getByTestId('class-0').textContent()).toContain('setosa');
      await expect.poll(() => page.getByTestId('preview-rows').textContent()).toContain('setosa');
      await shoot(page, 'class-names-dataset');

      // The run page lists what its labels 0 and 1 are.
      await page.goto(`${url}#/runs/${run?.id ?? 0}`);
      await expect
        .poll(() => page.getByTestId('run-classes').textContent(), { timeout: 15_000 })
        .toMatch(/0\s*virginica.*1\s*setosa/s);

      // Compare: the confusion matrix is labelled virginica, setosa, in the domain's order.
      await page.goto(`${url}#/compare?experiments=${experimentId}`);
      const table = page.getByTestId('confusion-table');
      await expect.poll(() => table.count(), { timeout: 30_000 }).toBe(1);
      const header = await table.locator('thead th').allTextContents();
      expect(header.slice(1)).toEqual(['virginica', 'setosa']);
      const rows = await table.locator('tbody th').allTextContents();
      expect(rows).toEqual(['virginica', 'setosa']);
      // Its rows hold each class's own test rows: 12 virginica, 6 setosa (20 % of 60 and 30).
      const totals: number[] = [];
      for (const tr of await table.locator('tbody tr').all()) {
        const cells = await tr.locator('td').allTextContents();
        totals.push(cells.reduce((sum, text) => sum + Number(text), 0));
      }
      expect(totals).toEqual([12, 6]);
      await page.getByTestId('chart-confusion').scrollIntoViewIfNeeded();
      await shoot(page, 'class-names-confusion');
    });
  });
});
