import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src-main/store/db';
import { ARTIFACTS, onPage, useWorkbench } from './workbench';

const EXAMPLE = 'digits-0-4-to-5-9';
const bench = useWorkbench('history');

const rows = (page: Page) => page.locator('[data-testid="history-table"] [data-testid="run-row"]');
const rowOf = (page: Page, id: number) =>
  page.locator(`[data-testid="history-table"] [data-testid="run-row"][data-run-id="${id}"]`);

async function rowIds(page: Page): Promise<number[]> {
  const ids: number[] = [];
  for (const row of await rows(page).all()) ids.push(Number(await row.getAttribute('data-run-id')));
  return ids;
}

/** What the tests read of the scroll container (they compile without the DOM's types). */
interface Scroller {
  scrollTop: number;
  scrollHeight: number;
  querySelector(selector: string): { offsetHeight: number } | null;
}

async function metricValues(page: Page): Promise<number[]> {
  const texts = await rows(page).getByTestId('metric-value').allTextContents();
  return texts.map((t) => Number(t.trim()));
}

async function count(page: Page): Promise<string> {
  return (await page.getByTestId('history-count').textContent()) ?? '';
}

async function openHistory(page: Page): Promise<void> {
  await page.goto(`${bench.server.url}#/runs`);
  await expect.poll(() => rows(page).count(), { timeout: 15_000 }).toBeGreaterThan(0);
}

describe('History', () => {
  it('searches, filters, sorts, annotates, archives and deletes runs', async () => {
    await onPage(bench, 'history-failure.png', async (page) => {
      // A short experiment: two seeds, so 2 source runs, 2 scratch runs and 2 fine-tune runs.
      await page.goto(`${bench.server.url}#/experiments/new?example=${EXAMPLE}`);
      await expect.poll(() => page.getByTestId('example-select').inputValue()).toBe(EXAMPLE);
      await page.getByTestId('seeds').fill('0, 1');
      await page.getByTestId('epochs').fill('2');
      await page.getByTestId('start-experiment').click();
      await page.waitForURL(/#\/experiments\/\d+$/, { timeout: 30_000 });

      // History lists them at once and follows their progress live, without a reload.
      await page.getByTestId('nav-runs').click();
      await expect.poll(() => rows(page).count(), { timeout: 15_000 }).toBe(6);
      await expect
        .poll(() => page.locator('[data-testid="run-row"][data-status="completed"]').count(), {
          timeout: 180_000,
          interval: 1000,
        })
        .toBe(6);
      expect(await count(page)).toBe('6 runs');
      const all = await rowIds(page);
      // Newest first by default, and the header says so.
      expect(all).toEqual([...all].sort((a, b) => b - a));
      expect(await page.getByTestId('col-id').getAttribute('aria-sort')).toBe('descending');

      // Search (debounced, on the server) narrows the table; clearing it brings all back.
      await page.getByTestId('history-search').fill('scratch');
      await expect.poll(() => rows(page).count()).toBe(2);
      expect(await count(page)).toBe('2 runs');
      await page.getByTestId('history-search').fill('');
      await expect.poll(() => rows(page).count()).toBe(6);

      // A strategy filter, then "clear filters".
      await page.getByTestId('filter-strategy').locator('summary').click();
      await page
        .getByTestId('filter-strategy')
        .getByRole('checkbox', { name: 'fine-tune' })
        .check();
      await expect.poll(() => rows(page).count()).toBe(2);
      const strategies = await rows(page).locator('td:nth-child(4)').allTextContents();
      expect(strategies).toEqual(['fine-tune', 'fine-tune']);
      await page.getByTestId('clear-filters').click();
      await expect.poll(() => rows(page).count()).toBe(6);

      // Sort by the summary metric (test_acc): highest first, then lowest first. Transfer runs
      // are ranked among themselves; a source run's value is on its source task, so source runs
      // come after them either way (issue 14).
      const kinds = async (): Promise<(string | null)[]> => {
        const out: (string | null)[] = [];
        for (let i = 0; i < (await rows(page).count()); i++)
          out.push(await rows(page).nth(i).getAttribute('data-kind'));
        return out;
      };
      const grouped = (values: number[], k: (string | null)[], dir: 1 | -1): number[] => {
        const of = (kind: string): number[] =>
          values.filter((_, i) => k[i] === kind).sort((a, b) => dir * (a - b));
        return [...of('transfer'), ...of('source')];
      };
      await page.getByTestId('col-metric').getByRole('button').click();
      await expect
        .poll(() => page.getByTestId('col-metric').getAttribute('aria-sort'))
        .toBe('descending');
      await expect.poll(() => metricValues(page)).toHaveLength(6);
      const desc = await metricValues(page);
      const descKinds = await kinds();
      expect(desc.every(Number.isFinite)).toBe(true);
      expect(descKinds.lastIndexOf('transfer')).toBeLessThan(descKinds.indexOf('source'));
      expect(desc).toEqual(grouped(desc, descKinds, -1));
      await page.getByTestId('col-metric').getByRole('button').click();
      await expect.poll(() => metricValues(page)).toEqual(grouped(desc, descKinds, 1));

      // Keyboard: '/' focuses the search; arrows move, Space selects, Enter opens a run.
      await page.getByRole('heading', { name: 'Runs' }).click();
      await page.keyboard.press('/');
      expect(await page.locator(':focus').getAttribute('data-testid')).toBe('history-search');
      await page.keyboard.press('Escape');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      const second = rows(page).nth(1);
      await expect.poll(() => second.getAttribute('class')).toContain('focused');
      await page.keyboard.press(' ');
      await expect
        .poll(() => page.getByTestId('selected-count').textContent())
        .toBe('1 run selected');
      await page.keyboard.press(' ');
      await expect
        .poll(() => page.getByTestId('selected-count').textContent())
        .toBe('No run selected');
      const secondId = Number(await second.getAttribute('data-run-id'));
      await page.keyboard.press('Enter');
      await page.waitForURL(new RegExp(`#/runs/${secondId}$`));
      await page.goBack();
      await expect.poll(() => rows(page).count()).toBe(6);

      // Notes and a tag, saved from the side panel, survive a reload and are searchable.
      const scratchIds: number[] = [];
      for (const row of await rows(page).filter({ hasText: 'scratch' }).all()) {
        scratchIds.push(Number(await row.getAttribute('data-run-id')));
      }
      const [scratchA = 0, scratchB = 0] = scratchIds;
      await rowOf(page, scratchA).getByTestId('edit-run').click();
      const panel = page.getByTestId('run-panel');
      await panel.getByTestId('notes-input').fill('Baseline without transfer, for the paper');
      await panel.getByTestId('tag-input').fill('keeper');
      await panel.getByTestId('tag-input').press('Enter');
      await panel.getByTestId('save-run').click();
      await expect.poll(() => panel.getByTestId('saved').count()).toBe(1);
      await expect
        .poll(() => rowOf(page, scratchA).getByTestId('run-tag').allTextContents())
        .toEqual(['keeper']);

      await page.reload();
      await expect.poll(() => rows(page).count(), { timeout: 15_000 }).toBe(6);
      await expect
        .poll(() => rowOf(page, scratchA).getByTestId('run-tag').allTextContents())
        .toEqual(['keeper']);
      await rowOf(page, scratchA).getByTestId('edit-run').click();
      expect(await page.getByTestId('notes-input').inputValue()).toBe(
        'Baseline without transfer, for the paper',
      );
      await page.getByTestId('history-search').fill('for the paper');
      await expect.poll(() => rowIds(page)).toEqual([scratchA]);
      await page.getByTestId('history-search').fill('');
      await expect.poll(() => rows(page).count()).toBe(6);

      // Archive hides a run; "archived: only" shows just it.
      await rowOf(page, scratchB).getByTestId('select-run').check();
      await page.getByTestId('archive-selected').click();
      await expect.poll(() => rows(page).count()).toBe(5);
      expect(await rowOf(page, scratchB).count()).toBe(0);
      await page.getByTestId('filter-archived').selectOption('only');
      await expect.poll(() => rowIds(page)).toEqual([scratchB]);
      await page.getByTestId('filter-archived').selectOption('exclude');
      await expect.poll(() => rows(page).count()).toBe(5);
      await page
        .getByTestId('selection-bar')
        .getByRole('button', { name: 'Clear selection' })
        .click();

      // A source run cannot go while its fine-tune runs stay: the refusal shows in the dialog.
      const source = rows(page).filter({ hasText: 'source model' }).first();
      const sourceId = Number(await source.getAttribute('data-run-id'));
      await source.getByTestId('select-run').check();
      await page.getByTestId('delete-selected').click();
      const dialog = page.getByTestId('delete-dialog');
      await expect.poll(() => dialog.isVisible()).toBe(true);
      expect(await dialog.textContent()).toContain('cannot be undone');
      await dialog.getByTestId('confirm-delete').click();
      await expect
        .poll(() => dialog.getByRole('alert').textContent())
        .toContain(`Run #${sourceId} is the source model of run`);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await expect.poll(() => dialog.isVisible()).toBe(false);
      expect(await rowOf(page, sourceId).count()).toBe(1);
      await source.getByTestId('select-run').uncheck();

      // Deleting the annotated scratch run, confirmed, removes it for good.
      await rowOf(page, scratchA).getByTestId('select-run').check();
      await page.getByTestId('delete-selected').click();
      expect(await dialog.getByRole('heading').textContent()).toBe('Delete 1 run?');
      await dialog.getByTestId('confirm-delete').click();
      await expect.poll(() => dialog.isVisible()).toBe(false);
      await expect.poll(() => rows(page).count()).toBe(4);
      expect(await rowOf(page, scratchA).count()).toBe(0);
      expect(await count(page)).toBe('4 runs');
      await page.getByTestId('filter-archived').selectOption('include');
      await expect.poll(() => rows(page).count()).toBe(5);
      await page.getByTestId('filter-archived').selectOption('exclude');
      await expect.poll(() => rows(page).count()).toBe(4);

      // The picture: a selection, the side panel, the metric column sorted.
      await openHistory(page);
      await rows(page).nth(0).getByTestId('select-run').check();
      await rows(page).nth(2).getByTestId('select-run').check();
      const shown = await rowIds(page);
      const picked = [shown[0] ?? 0, shown[2] ?? 0].sort((a, b) => a - b);
      expect(await page.getByTestId('compare-selected').getAttribute('href')).toBe(
        `#/compare?runs=${picked.join(',')}`,
      );
      await rows(page).nth(1).getByTestId('edit-run').click();
      await page.getByTestId('notes-input').fill('Fine-tune from the 0–4 digits model');
      await page.getByTestId('tag-input').fill('paper, seed-0');
      await page.getByTestId('save-run').click();
      await expect.poll(() => page.getByTestId('saved').count()).toBe(1);
      await page.screenshot({ path: join(ARTIFACTS, 'history.png') });
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.screenshot({ path: join(ARTIFACTS, 'history-dark.png') });
      await page.emulateMedia({ colorScheme: 'light' });
      await page.getByRole('button', { name: 'Close the panel' }).click();
      await page.screenshot({ path: join(ARTIFACTS, 'history-table.png') });

      // A search with no match says how to get out of it.
      await page.getByTestId('history-search').fill('no such run anywhere');
      await expect.poll(() => page.getByTestId('empty-clear-filters').count()).toBe(1);
      await page.getByTestId('empty-clear-filters').click();
      await expect.poll(() => rows(page).count()).toBe(4);
    });
  });

  it('keeps only the rows in view in the DOM and pages through thousands of runs', async () => {
    // 1,500 finished runs written straight into the workspace, as years of work would leave.
    const db = openDb(join(bench.workspace, 'transferlab.sqlite'));
    try {
      db.exec(`
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500)
        INSERT INTO runs (experiment_id, kind, strategy, domain_id, source_domain_id, budget, seed,
          status, config, config_hash, epochs, epochs_done, created_at, finished_at)
        SELECT r.experiment_id, 'transfer', 'bulk-sweep', r.domain_id, r.source_domain_id, r.budget,
          1000 + n.i, 'completed', r.config, r.config_hash, r.epochs, r.epochs, r.created_at,
          r.finished_at
        FROM n, (SELECT * FROM runs ORDER BY id LIMIT 1) r;
      `);
    } finally {
      db.close();
    }
    await onPage(bench, 'history-paging-failure.png', async (page) => {
      await page.goto(`${bench.server.url}#/runs`);
      await page.getByTestId('history-search').fill('bulk-sweep');
      await expect.poll(() => count(page)).toBe('1,500 runs');
      const scroller = page.getByTestId('history-scroll');
      const metrics = () =>
        scroller.evaluate((el: Scroller) => ({
          scrollHeight: el.scrollHeight,
          header: el.querySelector('thead')?.offsetHeight ?? 0,
        }));
      const scrollTo = (top: number | 'end') =>
        scroller.evaluate((el: Scroller, to: number | 'end') => {
          el.scrollTop = to === 'end' ? el.scrollHeight : to;
        }, top);
      const before = await metrics();
      // The scroll height stands for every row, though only a window of them exists.
      expect(Math.abs(before.scrollHeight - (before.header + 1500 * 32))).toBeLessThanOrEqual(2);
      expect(await rows(page).count()).toBeLessThan(60);

      // Jump to the bottom: the last page is fetched, the height does not change.
      await scrollTo('end');
      const last = rows(page).last();
      await expect.poll(() => last.getAttribute('data-index')).toBe('1499');
      const ids = await rowIds(page);
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
      expect(await rows(page).count()).toBeLessThan(60);
      expect((await metrics()).scrollHeight).toBe(before.scrollHeight);

      // And to the middle, a page never loaded before.
      await scrollTo(32 * 700);
      await expect.poll(() => rows(page).first().getAttribute('data-index')).toMatch(/^6[89]\d$/);
      expect((await metrics()).scrollHeight).toBe(before.scrollHeight);
    });
  });
});
