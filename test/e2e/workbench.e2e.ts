import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, useWorkbench } from './workbench';

const bench = useWorkbench('main');

async function points(page: Page, testId: string): Promise<number> {
  const value = await page.getByTestId(testId).first().getAttribute('data-points');
  return Number(value ?? '0');
}

describe('the headless workbench in Chromium', () => {
  it('runs the built-in example from the UI, streams curves, and keeps everything across a reload', async () => {
    const page = await bench.browser.newPage({ viewport: { width: 1400, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));

    await page.goto(bench.server.url);
    await page.getByTestId('nav-experiments').click();
    await page.getByTestId('new-experiment').click();
    await page.getByTestId('example-select').selectOption('digits-0-4-to-5-9');
    // Two seeds keep the test short: 2 source runs, 2 scratch runs, 2 fine-tune runs.
    await page.getByTestId('seeds').fill('0, 1');
    await page.getByTestId('start-experiment').click();

    // The experiment view shows its runs, and their curves grow while they train.
    await expect.poll(() => page.getByTestId('run-row').count(), { timeout: 30_000 }).toBe(6);
    await expect
      .poll(() => page.locator('[data-testid="run-row"][data-status="running"]').count(), {
        timeout: 60_000,
      })
      .toBeGreaterThan(0);
    const first = await points(page, 'chart-loss');
    await expect.poll(() => points(page, 'chart-loss'), { timeout: 60_000 }).toBeGreaterThan(first);
    await expect
      .poll(() => page.locator('[data-testid="run-row"][data-status="completed"]').count(), {
        timeout: 180_000,
        interval: 1000,
      })
      .toBe(6);

    // Open a fine-tune run: its detail shows the backend, the curves and the metrics table.
    await page.locator('[data-testid="run-row"]', { hasText: 'fine-tune' }).first().click();
    await expect
      .poll(() => page.getByTestId('metrics-table').locator('tbody tr').count(), {
        timeout: 10_000,
      })
      .toBe(30);
    await expect.poll(() => points(page, 'chart-acc')).toBe(30);
    expect(await page.getByTestId('run-status').textContent()).toMatch(/completed/i);
    expect(await page.getByTestId('run-backend').textContent()).toMatch(/wasm|cpu|tensorflow/);
    // The trainer's log is kept with the run: digits' 0–16 pixels are scaled to [0, 1].
    await expect
      .poll(() => page.getByTestId('run-log').textContent(), { timeout: 10_000 })
      .toContain('Features divided by 16');
    await page
      .locator('section', { has: page.getByTestId('run-log') })
      .screenshot({ path: join(ARTIFACTS, 'run-log.png') });
    await page.screenshot({ path: join(ARTIFACTS, 'run-view.png'), fullPage: true });

    // Reload: the history still lists every run with its status, and a run's metrics are there.
    await page.reload();
    await page.getByTestId('nav-runs').click();
    const rows = page.getByTestId('history-table').locator('[data-testid="run-row"]');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(6);
    expect(
      await page
        .locator('[data-testid="history-table"] [data-testid="run-row"][data-status="completed"]')
        .count(),
    ).toBe(6);
    await rows.first().click();
    await expect
      .poll(() => page.getByTestId('metrics-table').locator('tbody tr').count(), {
        timeout: 10_000,
      })
      .toBe(30);
    await page.screenshot({ path: join(ARTIFACTS, 'history-run-view.png'), fullPage: true });

    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('cancels running runs from the experiment view', async () => {
    const page = await bench.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(bench.server.url);
    await page.getByTestId('nav-experiments').click();
    await page.getByTestId('new-experiment').click();
    await page.getByTestId('example-select').selectOption('digits-0-4-to-5-9');
    await page.getByTestId('seeds').fill('7');
    // Long target runs: the source run (20 epochs) finishes, then scratch trains until cancelled.
    await page.getByTestId('epochs').fill('5000');
    await page.getByTestId('start-experiment').click();

    const row = (strategy: string) =>
      page.locator('[data-testid="run-row"]', { hasText: strategy });
    await expect
      .poll(() => row('scratch').getAttribute('data-status'), { timeout: 60_000 })
      .toBe('running');
    await row('scratch').getByTestId('cancel-run').click();
    await expect
      .poll(() => row('scratch').getAttribute('data-status'), { timeout: 10_000 })
      .toBe('cancelled');

    // The fine-tune starts next; "Cancel all" stops it.
    await expect
      .poll(() => row('fine-tune').getAttribute('data-status'), { timeout: 30_000 })
      .toBe('running');
    await page.screenshot({ path: join(ARTIFACTS, 'cancel-view.png') });
    await page.getByTestId('cancel-all').click();
    await expect
      .poll(() => row('fine-tune').getAttribute('data-status'), { timeout: 10_000 })
      .toBe('cancelled');
    expect(await row('source').first().getAttribute('data-status')).toBe('completed');
    await page.close();
  });
});
