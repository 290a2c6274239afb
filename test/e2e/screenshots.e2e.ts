import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openView, prepareEveryView } from './everyView';
import { ARTIFACTS, useWorkbench } from './workbench';

/**
 * Issue 14's "done means": every view screenshotted at 1280×720 and 1440×900 in both themes, for
 * a person to look at (test-results/screens/, kept by CI and ignored by git). One server, one
 * browser, one page: a view is opened once per theme and shot at both sizes, then whole (the
 * page at its full height) at the larger. Besides the files,
 * the test checks what a picture cannot hide: no page error, and no horizontal scrollbar on the
 * page itself (the shell scrolls inside <main>, tables inside their own boxes).
 */

const bench = useWorkbench('screenshots');
const SCREENS = join(ARTIFACTS, 'screens');
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
] as const;

/** Whether the document is wider than the window (a layout that spills sideways). */
const SPILLS_SIDEWAYS =
  'document.documentElement.scrollWidth > document.documentElement.clientWidth';

/**
 * The shell is one window high and scrolls inside <main>, so a full-page shot would show one
 * window: UNFOLD lets the page grow to its content's height (inline styles, which the CSP
 * allows), FOLD takes them back.
 */
const UNFOLD = `for (const el of [document.documentElement, document.body, document.querySelector('.shell')])
  if (el) el.style.height = 'auto';
const main = document.querySelector('main');
if (main) main.style.overflow = 'visible';`;
const FOLD = `for (const el of [document.documentElement, document.body, document.querySelector('.shell'), document.querySelector('main')])
  if (el) { el.style.removeProperty('height'); el.style.removeProperty('overflow'); }`;

describe('screenshots of every view (issue 14)', () => {
  it('shoots every view at two sizes in both themes', async () => {
    mkdirSync(SCREENS, { recursive: true });
    const page = await bench.browser.newPage({ viewport: SIZES[0] });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const views = await prepareEveryView(bench, page);
    // The pointer rests where setup last clicked; over a table row it would show hover states.
    await page.mouse.move(0, 0);
    const spills: string[] = [];
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const view of views) {
        await page.setViewportSize(SIZES[0]);
        await openView(page, bench.server.url, view);
        await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe(scheme);
        for (const size of SIZES) {
          await page.setViewportSize(size);
          // ECharts redraws a resized chart with a short animation; the shot waits it out.
          await page.waitForTimeout(400);
          const path = join(SCREENS, `${view.name}-${size.width}x${size.height}-${scheme}.png`);
          await page.screenshot({ path });
          expect(statSync(path).size).toBeGreaterThan(5_000);
          if (await page.evaluate<boolean>(SPILLS_SIDEWAYS))
            spills.push(`${view.name} ${size.width}×${size.height} ${scheme}`);
        }
        // The whole page at the larger size, charts below the fold included.
        await page.evaluate(UNFOLD);
        await page.waitForTimeout(400);
        await page.screenshot({
          path: join(SCREENS, `${view.name}-1440-whole-${scheme}.png`),
          fullPage: true,
        });
        await page.evaluate(FOLD);
      }
    }
    await page.close();
    expect(spills).toEqual([]);
    expect(errors).toEqual([]);
  });
});
