import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { call, tinySpec, waitForExperiment } from './rpc';
import { ARTIFACTS, onPage, useWorkbench } from './workbench';

/**
 * Variants (issue 10) in Chromium: plain fine-tuning and fine-tuning with L2-SP are two rows
 * everywhere (History, Compare), model selection folds them into one row on validation, and a
 * re-run says whether it reproduced its original. The experiment is a tiny synthetic one created
 * over the RPC, so it trains in seconds whatever the designer looks like.
 */

const bench = useWorkbench('variants');
const L2SP = 'fine-tune · l2sp λ=0.01';

/** What the tests read of an element (they compile without the DOM's types). */
interface Box {
  scrollWidth: number;
  clientWidth: number;
}

const historyRows = (page: Page): Locator =>
  page.locator('[data-testid="history-table"] [data-testid="run-row"]');

/** Whether an element shows its whole text (no ellipsis). */
function whole(cell: Locator): Promise<boolean> {
  return cell.evaluate((el: Box) => el.scrollWidth <= el.clientWidth);
}

async function choose(page: Page, testId: string): Promise<void> {
  await page.locator('label', { has: page.getByTestId(testId) }).click();
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(ARTIFACTS, `${name}-dark.png`) });
  await page.emulateMedia({ colorScheme: 'light' });
}

describe('Variants in Chromium', () => {
  it('lists, filters, compares, selects among and re-runs two variants of one strategy', async () => {
    const url = bench.server.url;
    const { experimentId } = await call(url, 'experiments.create', {
      spec: tinySpec('L2-SP or not'),
    });
    await waitForExperiment(url, experimentId);
    const runs = await call(url, 'runs.list', { experimentId });
    expect(runs.filter((r) => r.variant === L2SP)).toHaveLength(2);
    const l2spRun = runs.find((r) => r.variant === L2SP)?.id ?? 0;

    await onPage(bench, 'variants-failure.png', async (page) => {
      await page.setViewportSize({ width: 1280, height: 720 });

      // History: a Variant column shows the whole label at 1280 px, its title the same.
      await page.goto(`${url}#/runs`);
      await expect.poll(() => historyRows(page).count(), { timeout: 15_000 }).toBe(8);
      const variantCells = historyRows(page).getByTestId('run-variant');
      const labels = await variantCells.allTextContents();
      expect(labels.filter((t) => t.trim() === L2SP)).toHaveLength(2);
      expect(labels.filter((t) => t.trim() === 'fine-tune')).toHaveLength(2);
      const l2spCell = variantCells.filter({ hasText: L2SP }).first();
      expect(await whole(l2spCell)).toBe(true);
      expect(await l2spCell.getAttribute('title')).toBe(L2SP);
      // The table fits the window: nothing scrolls sideways.
      expect(
        await page
          .getByTestId('history-scroll')
          .evaluate((el: Box) => el.scrollWidth <= el.clientWidth),
      ).toBe(true);
      await shoot(page, 'variants-history');

      // The variant filter tells the two fine-tunes apart; the strategy filter would not.
      await page.getByTestId('filter-variant').locator('summary').click();
      await page.getByTestId('filter-variant').getByRole('checkbox', { name: L2SP }).check();
      await expect.poll(() => historyRows(page).count()).toBe(2);
      expect((await variantCells.allTextContents()).map((t) => t.trim())).toEqual([L2SP, L2SP]);
      await page.keyboard.press('Escape');
      await page.getByTestId('clear-filters').click();
      await expect.poll(() => historyRows(page).count()).toBe(8);
      // Sorted by variant, A→Z first; search finds a variant by its parameters.
      await page.getByTestId('col-variant').getByRole('button').click();
      await expect
        .poll(() => page.getByTestId('col-variant').getAttribute('aria-sort'))
        .toBe('ascending');
      await page.getByTestId('history-search').fill('l2sp');
      await expect.poll(() => historyRows(page).count()).toBe(2);
      await page.getByTestId('history-search').fill('');

      // Compare: the two variants of fine-tune are two rows of the summary and of the gains.
      await page.goto(`${url}#/compare?experiments=${experimentId}`);
      const summaryRows = page.getByTestId('summary-row');
      await expect.poll(() => summaryRows.count(), { timeout: 30_000 }).toBe(3);
      const rowVariants = await Promise.all(
        (await summaryRows.all()).map((row) => row.getAttribute('data-variant')),
      );
      expect(rowVariants).toEqual(['scratch', 'fine-tune', L2SP]);
      expect(
        await page.locator(`[data-testid="summary-row"][data-strategy="fine-tune"]`).count(),
      ).toBe(2);
      const gainRows = page.getByTestId('gain-row');
      expect(
        await Promise.all((await gainRows.all()).map((r) => r.getAttribute('data-variant'))),
      ).toEqual(['fine-tune', L2SP]);
      expect(await page.getByTestId('row-rule').count()).toBe(0);
      // Curves are grouped by variant: three lines.
      expect(Number(await page.getByTestId('chart-curves').getAttribute('data-count'))).toBe(3);
      await shoot(page, 'variants-compare');

      // Selected on validation: one fine-tune row, its rule shown, and how it was chosen.
      await choose(page, 'selection-validation');
      await expect.poll(() => summaryRows.count(), { timeout: 15_000 }).toBe(2);
      const selected = page.locator('[data-testid="summary-row"][data-strategy="fine-tune"]');
      expect(await selected.getAttribute('data-variant')).toBe('fine-tune [selected on val_acc]');
      expect(await selected.getAttribute('data-rule')).toBe('selected-validation');
      expect((await selected.getByTestId('row-rule').textContent())?.trim()).toBe(
        'selected on validation',
      );
      const panel = page.getByTestId('model-selection');
      expect(await panel.getAttribute('data-mode')).toBe('validation');
      expect(await panel.getByTestId('selection-description').textContent()).toContain(
        'Test values play no part in the choice',
      );
      const group = panel.getByTestId('selection-group');
      expect(await group.textContent()).toMatch(/validation rows \(validation split\)/);
      expect(await group.textContent()).toContain(L2SP);
      expect(await page.getByTestId('control-select-by').inputValue()).toBe('val_acc');
      expect(await page.getByTestId('compare-oracle').count()).toBe(0);
      await shoot(page, 'variants-compare-selected');

      // The oracle says what it is, in the tables and above them.
      await choose(page, 'selection-oracle');
      await expect
        .poll(() => selected.getAttribute('data-rule'), { timeout: 15_000 })
        .toBe('selected-oracle');
      expect(await page.getByTestId('compare-oracle').textContent()).toContain('upper bound');
      expect(await page.getByTestId('gain-row').getByTestId('row-rule').textContent()).toContain(
        'oracle',
      );
      await choose(page, 'selection-none');
      await expect.poll(() => summaryRows.count(), { timeout: 15_000 }).toBe(3);

      // The experiment page: a Variant column, and the time the runs took.
      await page.goto(`${url}#/experiments/${experimentId}`);
      await expect
        .poll(() => page.getByTestId('runs-table').getByTestId('run-variant').allTextContents())
        .toContain(L2SP);
      await expect.poll(() => page.getByTestId('timing-actual').textContent()).toMatch(/^took \d/);

      // The run page: the variant, the rows used, and a re-run that reports its verdict live.
      await page.goto(`${url}#/runs/${l2spRun}`);
      await expect.poll(() => page.getByTestId('run-variant').textContent()).toBe(L2SP);
      expect(await page.getByTestId('run-split-sizes').textContent()).toMatch(
        /Trained on \d+ labelled rows, validated on \d+ \(validation split\)/,
      );
      await page.getByTestId('rerun').click();
      await page.waitForURL(/#\/runs\/\d+$/);
      await expect.poll(() => page.url()).not.toMatch(new RegExp(`#/runs/${l2spRun}$`));
      const rerunId = Number(/#\/runs\/(\d+)$/.exec(page.url())?.[1]);
      expect(rerunId).toBeGreaterThan(l2spRun);
      const verdict = page.getByTestId('reproduction');
      await expect
        .poll(() => verdict.getAttribute('data-outcome'), { timeout: 90_000, interval: 500 })
        .toMatch(/^(exact|within-tolerance)$/);
      expect(await verdict.textContent()).toMatch(/Reproduced exactly|Within tolerance/);
      expect(await page.getByTestId('reproducibility').textContent()).toContain(
        `re-run of run #${l2spRun}`,
      );
      await page.screenshot({ path: join(ARTIFACTS, 'variants-rerun.png') });

      // The original links its re-run.
      await page
        .getByTestId('reproducibility')
        .getByRole('link', { name: `run #${l2spRun}` })
        .click();
      await expect
        .poll(() => page.getByTestId('reruns').textContent())
        .toContain(`run #${rerunId}`);
    });
  });
});
