import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src-main/core/paths';
import { runsGridWorkspace } from '../helpers/runsGridWorkspace';
import { launchChromium } from './browser';
import { startServeProcess, type ServerProcess } from './server';
import { ARTIFACTS } from './workbench';

/**
 * The Runs grid for analysis (issue 14) in Chromium against `transferlab serve`, on a workspace
 * with a finished sweep (no training to wait for): a structured query typed with completion,
 * extra metric and parameter columns, a resized column kept across a reload, and a saved view
 * applied again.
 */
let workspace = '';
let server: ServerProcess | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  workspace = mkdtempSync(join(tmpdir(), 'transferlab-e2e-runs-grid-'));
  runsGridWorkspace(workspace);
  server = await startServeProcess(workspace);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(workspace, { recursive: true, force: true });
});

const rows = (page: Page) => page.locator('[data-testid="history-table"] [data-testid="run-row"]');
const count = async (page: Page): Promise<string> =>
  (await page.getByTestId('history-count').textContent()) ?? '';
const search = (page: Page) => page.getByTestId('history-search');

const AXE_SOURCE = readFileSync(
  join(projectRoot(), 'node_modules', 'axe-core', 'axe.min.js'),
  'utf8',
);

/** axe-core's WCAG 2.1 A/AA violations on the page as it is now: rule and elements. */
async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated over the DevTools protocol: the app's CSP rightly refuses an inline script.
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    interface AxeResult {
      id: string;
      nodes: { target: unknown[] }[];
    }
    const { axe, document } = globalThis as unknown as {
      axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeResult[] }> };
      document: unknown;
    };
    const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
    const { violations } = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

async function openRuns(page: Page, url: string): Promise<void> {
  await page.goto(`${url}#/runs`);
  await expect.poll(() => rows(page).count(), { timeout: 15_000 }).toBeGreaterThan(0);
}

describe('Runs grid', () => {
  it('queries with completion, adds columns, resizes, saves a view and applies it', async () => {
    if (server === undefined || browser === undefined) throw new Error('not started');
    const url = server.url;
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    try {
      await openRuns(page, url);
      // A string: these tests compile without the DOM's types.
      await page.evaluate('localStorage.clear()');
      await openRuns(page, url);
      // compareWorkspace's 32 runs and three λ runs.
      await expect.poll(() => count(page)).toBe('35 runs');

      // Completion: a field name, then a value the workspace has, each taken with Enter.
      await search(page).click();
      await page.keyboard.type('strat');
      const suggestions = page.getByTestId('query-suggestions').getByRole('option');
      await expect.poll(() => suggestions.first().textContent()).toContain('strategy');
      await page.keyboard.press('Enter');
      expect(await search(page).inputValue()).toBe('strategy:');
      await page.keyboard.type('fine');
      await expect
        .poll(() => suggestions.allTextContents())
        .toEqual([expect.stringContaining('fine-tune')]);
      await page.keyboard.press('Enter');
      expect(await search(page).inputValue()).toBe('strategy:fine-tune ');

      // Accuracies are typed in percent, as the grid shows them: of fine-tune at budget 10
      // (78, 79, 75, 80, 79 %), three are above 78.5 %. Read as a fraction, 78.5 would find none.
      await page.keyboard.type('budget:10 test_acc>78.5');
      await page.keyboard.press('Enter');
      await expect.poll(() => count(page)).toBe('3 runs');
      const shown = await rows(page).getByTestId('metric-value').allTextContents();
      expect(shown.map(Number).sort()).toEqual([79, 79, 80]);

      // A bad term is explained and left out; the others keep applying.
      await page.keyboard.type(' colour:red');
      await expect
        .poll(() => page.getByTestId('query-pop').textContent())
        .toContain('colour:red ignored: Unknown field "colour"');
      await page.keyboard.press('Enter');
      await expect.poll(() => count(page)).toBe('3 runs');
      await search(page).fill('strategy:fine-tune budget:10 test_acc>78.5');
      await page.keyboard.press('Enter');

      // Two extra columns: val_acc's maximum (in %) and the learning rate, from the config.
      const chooser = page.getByTestId('column-chooser');
      await chooser.locator('summary').click();
      await page.getByTestId('column-val_acc-max').check();
      await page.getByTestId('column-param-lr').check();
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        expect(await axeViolations(page)).toEqual([]);
      }
      await page.emulateMedia({ colorScheme: 'light' });
      await page.keyboard.press('Escape');
      expect(await chooser.getAttribute('open')).toBeNull();
      const headers = page.getByTestId('extra-col-label');
      await expect.poll(() => headers.allTextContents()).toEqual(['val_acc max %', 'lr']);
      await expect
        .poll(async () => await rows(page).first().getByTestId('extra-cell').allTextContents())
        .toEqual([await rows(page).first().getByTestId('metric-value').textContent(), '5e-4']);

      // The lr column, widened from the keyboard, keeps its width and the columns after a reload.
      const handle = page.getByTestId('resize-lr');
      await handle.focus();
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      expect(await handle.getAttribute('aria-valuenow')).toBe('96');
      await page.reload();
      await expect.poll(() => rows(page).count(), { timeout: 15_000 }).toBeGreaterThan(0);
      await expect.poll(() => headers.allTextContents()).toEqual(['val_acc max %', 'lr']);
      expect(await page.getByTestId('resize-lr').getAttribute('aria-valuenow')).toBe('96');

      // Save the view: query, columns, metric and sort.
      await search(page).fill('strategy:fine-tune budget:10 test_acc>78.5');
      await page.keyboard.press('Enter');
      await expect.poll(() => count(page)).toBe('3 runs');
      await page.getByTestId('col-metric').getByRole('button').click();
      const views = page.getByTestId('saved-views');
      await views.locator('summary').click();
      await expect.poll(() => views.textContent()).toContain('No saved views yet');
      await page.getByTestId('view-name').fill('fine-tune above 78.5 %');
      await page.getByTestId('save-view').click();
      await expect
        .poll(() => page.getByTestId('apply-view').allTextContents())
        .toEqual([expect.stringContaining('fine-tune above 78.5 %')]);
      await page.keyboard.press('Escape');

      // Clear everything, then apply the view again: the same rows, columns and sort come back.
      await search(page).fill('');
      await page.keyboard.press('Enter');
      await chooser.locator('summary').click();
      await chooser.getByRole('button', { name: 'Remove the extra columns' }).click();
      await page.keyboard.press('Escape');
      await page.getByTestId('col-id').getByRole('button').click();
      await expect.poll(() => count(page)).toBe('35 runs');
      expect(await headers.count()).toBe(0);

      // The view is kept in the workspace: a reloaded page lists it.
      await page.reload();
      await expect.poll(() => rows(page).count(), { timeout: 15_000 }).toBeGreaterThan(0);
      await views.locator('summary').click();
      await page.getByTestId('apply-view').click();
      await expect.poll(() => count(page)).toBe('3 runs');
      expect(await search(page).inputValue()).toBe('strategy:fine-tune budget:10 test_acc>78.5');
      await expect.poll(() => headers.allTextContents()).toEqual(['val_acc max %', 'lr']);
      expect(await page.getByTestId('col-metric').getAttribute('aria-sort')).toBe('descending');
      const sorted = (await rows(page).getByTestId('metric-value').allTextContents()).map(Number);
      expect(sorted).toEqual([80, 79, 79]);

      // Screenshots of the grid with its query and columns, in both themes and both sizes.
      for (const [width, height] of [
        [1280, 720],
        [1440, 900],
      ] as const) {
        for (const scheme of ['light', 'dark'] as const) {
          await page.setViewportSize({ width, height });
          await page.emulateMedia({ colorScheme: scheme });
          await page.screenshot({ path: join(ARTIFACTS, `runs-grid-${width}-${scheme}.png`) });
        }
      }

      // Deleting the view.
      await views.locator('summary').click();
      await page.getByTestId('delete-view').click();
      await expect.poll(() => views.textContent()).toContain('No saved views yet');
    } catch (e) {
      await page.screenshot({ path: join(ARTIFACTS, 'runs-grid-failure.png'), fullPage: true });
      throw e;
    }
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
