import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src-main/store/db';
import { call, tinySpec, waitForExperiment } from './rpc';
import { ARTIFACTS, onPage, useWorkbench } from './workbench';

/**
 * Issue 14, "broken or wrong today": run ids of four to six digits shown whole, the Runs table
 * beside the notes panel at 1280 × 720, the shortcuts dialog's layout, and Esc in the designer
 * asking before it drops a changed design. Each view is shot at two sizes in both themes.
 */

const bench = useWorkbench('ui-fixes');

/** What the checks read of an element in the page (this project's e2e code has no DOM types). */
interface Box {
  scrollTop: number;
  scrollLeft: number;
  scrollWidth: number;
  clientWidth: number;
}

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
] as const;

/** The page at each size, light then dark; `before` runs after each resize (e.g. to scroll). */
async function shoot(page: Page, name: string, before?: () => Promise<void>): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe(scheme);
      await page.waitForTimeout(150);
      if (before) await before();
      await page.screenshot({
        path: join(ARTIFACTS, `${name}-${size.width}x${size.height}-${scheme}.png`),
      });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(SIZES[0]);
}

/** True when the cell's text is shown whole (no ellipsis, nothing hidden). */
const whole = (cell: Locator): Promise<boolean> =>
  cell.evaluate((el: Box) => el.scrollWidth <= el.clientWidth);

/** The longest names the table must show whole (names as researchers write them). */
const SOURCE = 'digits 0–4 upright';
const TARGET = 'digits rotated 30°';
const BIG_ID = 123456;

let experimentId = 0;

/**
 * A workspace where ids run past 1,000: one tiny experiment trained for real, 1,100 copies of its
 * first run (as years of work would leave), a second experiment whose runs get ids past 1,100,
 * and one run numbered 123456.
 */
async function seed(): Promise<void> {
  const url = bench.server.url;
  // Source runs of the same source and training are reused: the second experiment trains its
  // source models for 3 epochs, so its runs are all new.
  const spec = (name: string, sourceEpochs: number) => {
    const base = tinySpec(name);
    return {
      ...base,
      sources: base.sources.map((d) => ({ ...d, name: SOURCE })),
      targets: base.targets.map((d) => ({ ...d, name: TARGET })),
      sourceTraining: { ...base.sourceTraining, epochs: sourceEpochs },
    };
  };
  const first = await call(url, 'experiments.create', { spec: spec('Early work', 2) });
  await waitForExperiment(url, first.experimentId);
  const db = openDb(join(bench.workspace, 'transferlab.sqlite'));
  try {
    db.exec(`
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1100)
      INSERT INTO runs (experiment_id, kind, strategy, domain_id, source_domain_id, budget, seed,
        status, config, config_hash, epochs, epochs_done, created_at, finished_at)
      SELECT r.experiment_id, 'transfer', 'bulk-sweep', r.domain_id, r.source_domain_id, r.budget,
        1000 + n.i, 'completed', r.config, r.config_hash, r.epochs, r.epochs, r.created_at,
        r.finished_at
      FROM n, (SELECT * FROM runs WHERE kind = 'transfer' ORDER BY id LIMIT 1) r;
    `);
  } finally {
    db.close();
  }
  const second = await call(url, 'experiments.create', { spec: spec('Rotation sweep', 3) });
  experimentId = second.experimentId;
  await waitForExperiment(url, experimentId);
  const again = openDb(join(bench.workspace, 'transferlab.sqlite'));
  try {
    again.exec(`
      INSERT INTO runs (id, experiment_id, kind, strategy, domain_id, source_domain_id, budget,
        seed, status, config, config_hash, epochs, epochs_done, created_at, finished_at)
      SELECT ${BIG_ID}, r.experiment_id, r.kind, r.strategy, r.domain_id, r.source_domain_id,
        r.budget, 99, r.status, r.config, r.config_hash, r.epochs, r.epochs_done, r.created_at,
        r.finished_at
      FROM (SELECT * FROM runs WHERE experiment_id = ${experimentId} AND kind = 'transfer'
        ORDER BY id LIMIT 1) r;
    `);
  } finally {
    again.close();
  }
}

const historyRows = (page: Page) =>
  page.locator('[data-testid="history-table"] [data-testid="run-row"]');

describe('issue 14: layout and keyboard fixes', () => {
  it('shows run ids of four to six digits whole, in Runs and on the experiment page', async () => {
    await seed();
    await onPage(bench, 'ui-ids-failure.png', async (page) => {
      await page.setViewportSize(SIZES[0]);
      await page.goto(`${bench.server.url}#/runs`);
      await expect.poll(() => historyRows(page).count(), { timeout: 15_000 }).toBeGreaterThan(0);
      // Newest first: the six-digit run, then the second experiment's four-digit ones.
      const big = historyRows(page).first();
      expect(await big.getAttribute('data-run-id')).toBe(String(BIG_ID));
      const idCell = (row: Locator) => row.locator('td').nth(1);
      expect((await idCell(big).textContent())?.trim()).toBe(`#${BIG_ID}`);
      for (const row of (await historyRows(page).all()).slice(0, 10)) {
        expect(Number(await row.getAttribute('data-run-id'))).toBeGreaterThan(1000);
        expect(await whole(idCell(row))).toBe(true);
      }
      // Ids line up: every digit is as wide as every other (tabular numerals).
      expect(
        await idCell(big).evaluate(
          (el: object) =>
            (
              globalThis as unknown as {
                getComputedStyle(e: object): { fontVariantNumeric: string };
              }
            ).getComputedStyle(el).fontVariantNumeric,
        ),
      ).toContain('tabular-nums');
      await shoot(page, 'ui-runs-ids');

      await page.goto(`${bench.server.url}#/experiments/${experimentId}`);
      const table = page.getByTestId('runs-table');
      const rows = table.getByTestId('run-row');
      await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(9);
      for (const row of await rows.all()) {
        const id = Number(await row.getAttribute('data-run-id'));
        expect(id).toBeGreaterThan(1000);
        const cell = row.locator('td').first();
        expect((await cell.textContent())?.trim()).toBe(`#${id}`);
        expect(await whole(cell)).toBe(true);
      }
      // The transferability panel names the same runs: whole there too.
      const scored = page.getByTestId('transferability').locator('tbody tr td:first-child');
      await expect.poll(() => scored.count(), { timeout: 15_000 }).toBeGreaterThan(0);
      for (const cell of await scored.all()) {
        expect((await cell.textContent())?.trim()).toMatch(/^#\d{4,6}$/);
        expect(await whole(cell)).toBe(true);
      }
      // At 1280 px "source → target" keeps room for names (it had 98 px: "digits 0…").
      const domains = rows.filter({ hasText: 'fine-tune' }).first().locator('td').nth(2);
      expect((await domains.boundingBox())?.width ?? 0).toBeGreaterThanOrEqual(120);
      expect(await domains.getAttribute('title')).toContain('→');
      await shoot(page, 'ui-experiment-ids', () => table.scrollIntoViewIfNeeded());
      await shoot(page, 'ui-experiment-scores', () =>
        page.getByTestId('transferability').scrollIntoViewIfNeeded(),
      );
    });
  });

  it('keeps the select and run columns and whole names beside the notes panel', async () => {
    await onPage(bench, 'ui-panel-failure.png', async (page) => {
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await page.goto(`${bench.server.url}#/runs`);
        await page.getByTestId('history-search').fill('Rotation sweep');
        await expect.poll(() => historyRows(page).count(), { timeout: 15_000 }).toBe(9);
        const row = historyRows(page).nth(1);
        await row.getByTestId('edit-run').click();
        await expect.poll(() => page.getByTestId('run-panel').isVisible()).toBe(true);
        await page.waitForTimeout(200);

        const scroller = page.getByTestId('history-scroll');
        const header = (key: string) => page.getByTestId(`col-${key}`);
        // The select box and the run id stay in view, whatever the table scrolled to.
        const box = await scroller.boundingBox();
        const select = await row.getByTestId('select-run').boundingBox();
        const idBox = await row.locator('td').nth(1).boundingBox();
        expect(box && select && idBox).toBeTruthy();
        if (box && select && idBox) {
          expect(select.x).toBeGreaterThanOrEqual(box.x);
          expect(idBox.x).toBeGreaterThanOrEqual(box.x);
          expect(idBox.x + idBox.width).toBeLessThanOrEqual(box.x + box.width);
        }
        expect(await header('id').isVisible()).toBe(true);
        // Source and target names of this length are shown whole, with the name as a tooltip.
        for (const key of ['source', 'target']) {
          const index = await header(key).evaluate(
            (el: { parentElement: { children: ArrayLike<object> } | null }) =>
              Array.from(el.parentElement?.children ?? []).indexOf(el),
          );
          const cell = row.locator('td').nth(index);
          const text = (await cell.textContent())?.trim();
          expect(text).toBe(key === 'source' ? SOURCE : TARGET);
          expect(await whole(cell)).toBe(true);
          expect(await cell.getAttribute('title')).toBe(text);
        }
        // The tags, which open the panel for another run, are in view too (pinned right).
        const inView = async (target: Locator): Promise<boolean> => {
          const outer = await scroller.boundingBox();
          const inner = await target.boundingBox();
          if (!outer || !inner) return false;
          return inner.x >= outer.x - 1 && inner.x + inner.width <= outer.x + outer.width + 1;
        };
        expect(await inView(row.getByTestId('edit-run'))).toBe(true);
        // Scrolled sideways to the end: the select box, the run and the tags stay, and the
        // metric is there whole.
        await scroller.evaluate((el: Box) => {
          el.scrollLeft = el.scrollWidth;
        });
        await page.waitForTimeout(100);
        expect(await inView(row.getByTestId('select-run'))).toBe(true);
        expect(await inView(row.locator('td').nth(1))).toBe(true);
        expect(await inView(row.getByTestId('edit-run'))).toBe(true);
        const metric = await row.getByTestId('metric-value').boundingBox();
        const tags = await row.getByTestId('edit-run').boundingBox();
        if (metric && tags) expect(metric.x + metric.width).toBeLessThanOrEqual(tags.x);
        await scroller.evaluate((el: Box) => {
          el.scrollLeft = 0;
        });
        await page
          .getByRole('button', { name: 'Close the panel' })
          .click()
          .catch(() => undefined);
      }
      // The pictures, with the panel open.
      await page.getByTestId('history-search').fill('');
      await expect.poll(() => historyRows(page).count(), { timeout: 15_000 }).toBeGreaterThan(9);
      await historyRows(page).nth(2).getByTestId('edit-run').click();
      await expect.poll(() => page.getByTestId('run-panel').isVisible()).toBe(true);
      await shoot(page, 'ui-runs-panel');
    });
  });

  it('lays out the shortcuts dialog with each key beside its description', async () => {
    await onPage(bench, 'ui-shortcuts-failure.png', async (page) => {
      await page.goto(`${bench.server.url}#/experiments`);
      await page.locator('main').click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('?');
      const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
      await expect.poll(() => dialog.isVisible()).toBe(true);
      const rows = dialog.getByTestId('shortcut');
      expect(await rows.count()).toBeGreaterThan(10);
      for (const row of await rows.all()) {
        const keys = await row.getByTestId('shortcut-keys').boundingBox();
        const action = await row.getByTestId('shortcut-action').boundingBox();
        expect(keys && action).toBeTruthy();
        if (!keys || !action) continue;
        // The keycaps end before the description starts: nothing overlaps.
        expect(keys.x + keys.width).toBeLessThanOrEqual(action.x);
        // Every keycap lies inside its key cell.
        for (const kbd of await row.locator('kbd').all()) {
          const cap = await kbd.boundingBox();
          if (cap) expect(cap.x + cap.width).toBeLessThanOrEqual(action.x);
        }
      }
      // Each description starts at the same x: a column, not text after ragged keys.
      const starts = new Set<number>();
      for (const a of await dialog.getByTestId('shortcut-action').all()) {
        starts.add(Math.round((await a.boundingBox())?.x ?? -1));
      }
      expect(starts.size).toBe(1);
      await shoot(page, 'ui-shortcuts');
      await page.keyboard.press('Escape');
      await expect.poll(() => dialog.isVisible()).toBe(false);
    });
  });

  it('asks before Esc or Cancel drops a changed design, and leaves at once when untouched', async () => {
    await onPage(bench, 'ui-designer-failure.png', async (page) => {
      const designer = page.getByTestId('seeds');
      const open = async (): Promise<void> => {
        await page.goto(`${bench.server.url}#/experiments/new`);
        await expect.poll(() => designer.inputValue(), { timeout: 15_000 }).not.toBe('');
      };
      const dialog = page.getByTestId('discard-dialog');

      // Untouched: Esc leaves at once.
      await open();
      await page.keyboard.press('Escape');
      await page.waitForURL(/#\/experiments$/);
      expect(await dialog.isVisible()).toBe(false);
      // Untouched: Cancel too.
      await open();
      await page.getByTestId('designer-cancel').click();
      await page.waitForURL(/#\/experiments$/);

      // Changed: Esc in the field leaves the field, the next Esc asks.
      await open();
      await designer.fill('0, 1, 2, 3');
      await page.keyboard.press('Escape');
      await page.keyboard.press('Escape');
      await expect.poll(() => dialog.isVisible()).toBe(true);
      expect(page.url()).toMatch(/#\/experiments\/new$/);
      expect(await dialog.getByRole('heading').textContent()).toBe('Discard this design?');
      await shoot(page, 'ui-designer-discard');
      // Esc in the dialog keeps the design.
      await page.keyboard.press('Escape');
      await expect.poll(() => dialog.isVisible()).toBe(false);
      expect(page.url()).toMatch(/#\/experiments\/new$/);
      expect(await designer.inputValue()).toBe('0, 1, 2, 3');

      // Cancel asks too; "Keep editing" keeps it.
      await page.getByTestId('designer-cancel').click();
      await expect.poll(() => dialog.isVisible()).toBe(true);
      await dialog.getByTestId('discard-keep').click();
      await expect.poll(() => dialog.isVisible()).toBe(false);
      expect(await designer.inputValue()).toBe('0, 1, 2, 3');

      // Keyboard only: Esc asks, the focus is on "Discard", Enter leaves.
      await page.locator('h1').click();
      await page.keyboard.press('Escape');
      await expect.poll(() => dialog.isVisible()).toBe(true);
      expect(await page.locator(':focus').getAttribute('data-testid')).toBe('discard-confirm');
      await page.keyboard.press('Enter');
      await page.waitForURL(/#\/experiments$/);

      // Back to what was loaded: nothing to lose, so no question.
      await open();
      const loaded = await designer.inputValue();
      await designer.fill('5');
      await designer.fill(loaded);
      await page.locator('h1').click();
      await page.keyboard.press('Escape');
      await page.waitForURL(/#\/experiments$/);
    });
  });
});
