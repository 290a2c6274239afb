import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { onPage, useWorkbench } from './workbench';

const bench = useWorkbench('designer-domains');
/** Screenshots to look at, apart from the CI artifacts. */
const SHOTS = '/tmp/shots-designer';
/** One synthetic source and target; 2 strategies × 1 budget × 3 seeds. */
const EXAMPLE = 'related-synthetic-tasks';

/** The plan panel's count once it answers the form as it is. */
async function planned(page: Page, testId: string): Promise<string> {
  const panel = page.getByTestId('plan-panel');
  await expect.poll(() => panel.getAttribute('data-state'), { timeout: 30_000 }).toBe('current');
  return (await page.getByTestId(testId).textContent()) ?? '';
}

/** Scrolls a test id's element to the top or the middle of the viewport (a string: no DOM types here). */
async function scrollTo(page: Page, testId: string, block: 'start' | 'center'): Promise<void> {
  await page.evaluate(
    `document.querySelector('[data-testid="${testId}"]').scrollIntoView({ block: '${block}' })`,
  );
}

async function shoot(page: Page, name: string): Promise<void> {
  for (const [width, height] of [
    [1280, 720],
    [1440, 900],
  ] as const) {
    await page.setViewportSize({ width, height });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await scrollTo(page, 'add-sources', 'start');
      await page.screenshot({ path: join(SHOTS, `${name}-domains-${width}-${scheme}.png`) });
      await scrollTo(page, 'source-training', 'center');
      await page.screenshot({ path: join(SHOTS, `${name}-training-${width}-${scheme}.png`) });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

describe('sources, targets, generator and source training in the experiment designer', () => {
  it('adds a second target, edits its generator and the source training, and plans more runs', async () => {
    mkdirSync(SHOTS, { recursive: true });
    await onPage(bench, 'designer-domains-failure.png', async (page) => {
      await page.setViewportSize({ width: 1280, height: 720 });
      await page.goto(`${bench.server.url}#/experiments/new?example=${EXAMPLE}`);
      await expect.poll(() => page.getByTestId('example-select').inputValue()).toBe(EXAMPLE);

      // A source run per seed, then 2 strategies × 3 seeds on the one target.
      expect(await planned(page, 'plan-queued')).toBe('9');
      expect(await page.getByTestId('plan-new-sources').textContent()).toBe('3');
      expect(await page.getByTestId('plan-transfer').textContent()).toBe('6');

      // Synthetic data: the generator's fields and the feature fields, no image field, no split.
      await expect
        .poll(() => page.getByTestId('domain-targets-0-dataset').inputValue())
        .toBe(':synthetic');
      expect(await page.getByTestId('domain-targets-0-synthetic-angleDeg').inputValue()).toBe('30');
      expect(await page.getByTestId('domain-targets-0-multiply').isVisible()).toBe(true);
      expect(await page.getByTestId('domain-targets-0-rotateDeg').count()).toBe(0);
      expect(await page.getByTestId('domain-targets-0-scale').count()).toBe(0);
      expect(await page.getByTestId('domain-targets-0-split').count()).toBe(0);

      // The only target cannot go, and says so; by keyboard too.
      await page.getByTestId('remove-targets-0').focus();
      await page.keyboard.press('Enter');
      expect(await page.getByTestId('refusal-targets').textContent()).toMatch(
        /at least one target: add another/,
      );
      expect(await page.getByTestId('domain-targets-0').count()).toBe(1);
      await scrollTo(page, 'add-targets', 'center');
      await page.screenshot({ path: join(SHOTS, 'designer-refusal-1280-light.png') });

      // A second target, like the first; the focus goes to its data.
      await page.getByTestId('add-targets').click();
      expect(await page.getByTestId('refusal-targets').count()).toBe(0);
      expect(await page.getByTestId('domain-targets-1-name').inputValue()).toBe('task B (30°) (2)');
      await expect
        .poll(() => page.locator(':focus').getAttribute('id'))
        .toBe('domain-targets-1-dataset');

      // Renamed: typed in place, a name its role already has is refused at the input.
      const name = page.getByTestId('domain-targets-1-name');
      await name.fill('task B (30°)');
      await expect
        .poll(() => page.locator('#err-domain-targets-1-name').textContent())
        .toMatch(/Another target has this name/);
      await name.fill('task C (60°)');
      expect(await page.locator('#err-domain-targets-1-name').count()).toBe(0);

      // Its generator: a problem at its own input, then a boundary at 60°.
      await page.getByTestId('domain-targets-1-synthetic-samples').fill('5');
      await expect
        .poll(() => page.locator('#err-domain-targets-1-synthetic-samples').textContent())
        .toMatch(/from 20 to 200,000/);
      await page.getByTestId('domain-targets-1-synthetic-samples').fill('500');
      await page.getByTestId('domain-targets-1-synthetic-angleDeg').fill('60');
      expect(await page.locator('#err-domain-targets-1-synthetic-samples').count()).toBe(0);
      await expect
        .poll(() => page.getByTestId('domain-targets-1').textContent())
        .toMatch(/500 samples, angle 60°/);
      expect(await name.inputValue()).toBe('task C (60°)');

      // Source training: the example's own, edited.
      expect(await page.getByTestId('sourceTraining').isChecked()).toBe(true);
      expect(await page.getByTestId('sourceTraining-epochs').inputValue()).toBe('20');
      await page.getByTestId('sourceTraining-epochs').fill('0');
      await expect
        .poll(() => page.locator('#err-sourceTraining-epochs').textContent())
        .toMatch(/1 to 10,000/);
      await page.getByTestId('sourceTraining-epochs').fill('5');
      await page.getByTestId('sourceTraining-earlyStopping').check();
      expect(await page.getByTestId('sourceTraining-earlyStopping-patience').isVisible()).toBe(
        true,
      );

      // The plan: the same 3 source runs, now 2 targets × 2 strategies × 3 seeds.
      await expect.poll(() => planned(page, 'plan-queued'), { timeout: 30_000 }).toBe('15');
      expect(await page.getByTestId('plan-transfer').textContent()).toBe('12');
      expect(await page.getByTestId('plan-new-sources').textContent()).toBe('3');

      // A source added like the first: 3 more source runs, and its 6 fine-tune runs (scratch needs
      // no source: its 6 runs stay).
      await page.getByTestId('add-sources').click();
      await page.getByTestId('domain-sources-1-synthetic-taskSeed').fill('2');
      await expect.poll(() => planned(page, 'plan-queued'), { timeout: 30_000 }).toBe('24');
      expect(await page.getByTestId('plan-new-sources').textContent()).toBe('6');
      expect(await page.getByTestId('plan-transfer').textContent()).toBe('18');

      await shoot(page, 'designer');

      // Removing it goes back to the plan before; the focus stays in the list.
      await page.getByTestId('remove-sources-1').click();
      await expect.poll(() => planned(page, 'plan-queued'), { timeout: 30_000 }).toBe('15');
      expect(await page.locator(':focus').getAttribute('data-testid')).toBe('add-sources');

      // Image data (8×8 digits): zoom, rotation, inversion and noise; no feature or generator field.
      await page.getByTestId('example-select').selectOption('digits-0-4-to-5-9');
      await expect
        .poll(() => page.getByTestId('domain-targets-0-dataset').inputValue())
        .toBe('digits');
      await expect.poll(() => page.getByTestId('domain-targets-0-rotateDeg').count()).toBe(1);
      for (const shown of ['scale', 'invert', 'noiseStd', 'split'])
        expect(await page.getByTestId(`domain-targets-0-${shown}`).count()).toBe(1);
      for (const hidden of ['multiply', 'shift', 'synthetic-angleDeg'])
        expect(await page.getByTestId(`domain-targets-0-${hidden}`).count()).toBe(0);

      // An added image domain's problem is shown at its own input.
      await page.getByTestId('add-targets').click();
      await page.getByTestId('domain-targets-1-rotateDeg').fill('400');
      await expect
        .poll(() => page.locator('#err-domain-targets-1-rotateDeg').textContent())
        .toMatch(/−360 to 360/);
      await page.getByTestId('remove-targets-1').click();

      // The same target on the generator's data: its fields come, the image ones and the split go.
      await page.getByTestId('domain-targets-0-rotateDeg').fill('30');
      await page.getByTestId('domain-targets-0-dataset').selectOption(':synthetic');
      expect(await page.getByTestId('domain-targets-0-synthetic-angleDeg').inputValue()).toBe('0');
      for (const hidden of ['rotateDeg', 'scale', 'invert', 'split'])
        expect(await page.getByTestId(`domain-targets-0-${hidden}`).count()).toBe(0);
      expect(await page.getByTestId('domain-targets-0-multiply').count()).toBe(1);
      await page.setViewportSize({ width: 1280, height: 720 });
      await scrollTo(page, 'add-sources', 'center');
      await page.screenshot({ path: join(SHOTS, 'designer-digits-to-synthetic-1280-light.png') });
    });
  });
});
