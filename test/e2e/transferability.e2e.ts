import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, useWorkbench } from './workbench';
import { openCore } from '../../src-main/core/core';

const EXAMPLE = 'digits-0-4-to-5-9';
const bench = useWorkbench('tx');

async function openDesigner(page: Page): Promise<void> {
  await page.goto(`${bench.server.url}#/experiments/new?example=${EXAMPLE}`);
  await expect.poll(() => page.getByTestId('example-select').inputValue()).toBe(EXAMPLE);
}

const row = (page: Page) => page.getByTestId('estimate-row').first();

describe('transferability in the experiment designer', () => {
  it('scores a pair once its source model exists, and sends the domain options', async () => {
    const page = await bench.browser.newPage({ viewport: { width: 1400, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));

    // Before any run: the pair has no source model, and says when it will.
    await openDesigner(page);
    await page.getByTestId('seeds').fill('0');
    await row(page).getByTestId('score-pair').click();
    await expect
      .poll(() => row(page).getAttribute('data-status'), { timeout: 60_000 })
      .toBe('no-source-model');
    expect(await row(page).textContent()).toMatch(/scores appear once it has been/);

    // Run the example (one seed, short target runs; the source model trains as the example says).
    await page.getByTestId('epochs').fill('2');
    await page.getByTestId('start-experiment').click();
    await expect.poll(() => page.getByTestId('run-row').count(), { timeout: 30_000 }).toBe(3);
    await expect
      .poll(() => page.locator('[data-testid="run-row"][data-status="completed"]').count(), {
        timeout: 180_000,
        interval: 1000,
      })
      .toBe(3);

    // The designer with the same example: Score shows progress, then the four scores.
    await openDesigner(page);
    const button = row(page).getByTestId('score-pair');
    await button.focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(() => row(page).getAttribute('data-status'), { timeout: 90_000 })
      .toBe('scored');
    for (const key of ['leep', 'nce', 'hScore', 'logMe']) {
      const text = await row(page).getByTestId(`score-${key}`).textContent();
      expect(Number.isFinite(Number(text))).toBe(true);
    }
    // The app scrolls inside its shell: a shot of the viewport around the section, not the page.
    await page.getByTestId('transferability-estimates').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'designer-transferability.png') });

    // A rotation entered in the designer marks the scores outdated and reaches the spec.
    await page.getByTestId('domain-targets-0-rotateDeg').fill('30');
    await expect.poll(() => button.textContent()).toMatch(/Rescore/);
    await page
      .locator('.domains')
      .screenshot({ path: join(ARTIFACTS, 'designer-domain-options.png') });
    await page.getByTestId('seeds').fill('3');
    await page.getByTestId('epochs').fill('1');
    await page.getByTestId('start-experiment').click();
    await page.waitForURL(/#\/experiments\/\d+$/, { timeout: 30_000 });
    const id = Number(/#\/experiments\/(\d+)$/.exec(page.url())?.[1]);
    const reader = await openCore({
      workspaceDir: bench.workspace,
      transport: 'in-process',
      queue: 'none',
    });
    try {
      const detail = await reader.handlers['experiments.get']({ id });
      expect(detail.spec.targets[0]?.transform).toEqual({ rotateDeg: 30 });
      expect(detail.spec.sources[0]?.transform).toBeUndefined();
    } finally {
      await reader.close();
    }

    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
