import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { onPage, useWorkbench } from './workbench';
import { openCore } from '../../src-main/core/core';

const bench = useWorkbench('variants');
/** Screenshots to look at (the brief's folder), apart from the CI artifacts. */
const SHOTS = '/tmp/shots';

/** Two sources, one target: a plan whose source runs a count of target runs would leave out. */
const SPEC = {
  name: 'Two sources, fine-tune variants',
  sources: [
    { name: 'digits 0–4', dataset: 'digits', classes: [0, 1, 2, 3, 4] },
    { name: 'digits 0–2', dataset: 'digits', classes: [0, 1, 2] },
  ],
  targets: [{ name: 'digits 5–9', dataset: 'digits', classes: [5, 6, 7, 8, 9] }],
  strategies: [{ id: 'scratch' }, { id: 'fine-tune' }],
  budgets: [10],
  seeds: [0],
  model: { type: 'mlp', hidden: [16], activation: 'relu' },
  training: { epochs: 2, learningRate: 0.003, batchSize: 16, optimizer: 'adam', backend: 'auto' },
};

async function openSpec(page: Page, spec: object): Promise<void> {
  await page.getByTestId('spec-file').setInputFiles({
    name: 'two-sources.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(spec)),
  });
  await expect
    .poll(() => page.getByTestId('entry-1').getAttribute('data-strategy'))
    .toBe('fine-tune');
}

/** The plan panel's count once it answers the form as it is. */
async function planned(page: Page, testId: string): Promise<string> {
  const panel = page.getByTestId('plan-panel');
  await expect.poll(() => panel.getAttribute('data-state'), { timeout: 30_000 }).toBe('current');
  return (await page.getByTestId(testId).textContent()) ?? '';
}

async function shoot(page: Page, name: string, testId: string): Promise<void> {
  await page.getByTestId(testId).scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, `designer-${name}.png`) });
}

describe('strategy variants and the plan in the experiment designer', () => {
  it('adds a second fine-tune with L2-SP and a sweep, and queues what the plan says', async () => {
    mkdirSync(SHOTS, { recursive: true });
    await onPage(bench, 'designer-variants-failure.png', async (page) => {
      await page.setViewportSize({ width: 1280, height: 720 });
      await page.goto(`${bench.server.url}#/experiments/new`);
      await openSpec(page, SPEC);
      expect(await page.getByTestId('entry-0').getAttribute('data-strategy')).toBe('scratch');

      // A second fine-tune entry: the same variant twice until its λ differs.
      await page.getByTestId('add-strategy-select').selectOption('fine-tune');
      await page.getByTestId('add-strategy').click();
      const l2sp = page.getByTestId('entry-2');
      expect(await l2sp.getAttribute('data-strategy')).toBe('fine-tune');
      await expect.poll(() => l2sp.locator('.field-error').count()).toBeGreaterThan(0);
      await page.getByTestId('entry-2-param-l2sp').fill('0.01');
      await expect
        .poll(() => page.getByTestId('entry-2-label').getAttribute('placeholder'))
        .toBe('fine-tune · l2sp λ=0.01');
      expect(await l2sp.locator('.field-error').count()).toBe(0);

      // A sweep: two values of λ, every one a variant.
      await page.getByTestId('entry-2-list-l2sp').click();
      expect(await page.getByTestId('entry-2-values-l2sp').inputValue()).toBe('0.01');
      await page.getByTestId('entry-2-values-l2sp').fill('0.01, 0.1');
      await expect
        .poll(() => page.getByTestId('entry-2-variants').getAttribute('data-count'))
        .toBe('2');
      expect(await page.getByTestId('entry-2-variants').textContent()).toContain(
        'fine-tune · l2sp λ=0.1',
      );

      // The plan: 2 source runs, then 2 sources × 3 fine-tune variants + 1 scratch run.
      expect(await planned(page, 'plan-queued')).toBe('9');
      expect(await page.getByTestId('plan-new-sources').textContent()).toBe('2');
      expect(await page.getByTestId('plan-transfer').textContent()).toBe('7');
      expect(await page.getByTestId('plan-variants').textContent()).toBe('4');
      expect(await page.getByTestId('plan-summary').textContent()).toMatch(/9 runs queued/);

      // Nothing measured yet; a calibration times short real runs and gives an estimate.
      await page.getByTestId('calibrate-estimate').click();
      await expect.poll(() => page.getByTestId('calibrate-estimate').isDisabled()).toBe(true);
      await expect
        .poll(() => page.getByTestId('plan-estimate').textContent(), { timeout: 120_000 })
        .toMatch(/≈ .* on \d+ trainers?/);
      expect(await page.getByTestId('plan-estimate').textContent()).toMatch(/calibrated/);

      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await shoot(page, `entries-${scheme}`, 'entry-1');
        await shoot(page, `sweep-${scheme}`, 'entry-2-variants');
        await shoot(page, `plan-${scheme}`, 'plan-panel');
      }
      await page.emulateMedia({ colorScheme: 'light' });

      // Launch: exactly what the plan said is queued.
      const queued = Number(await planned(page, 'plan-queued'));
      await page.getByTestId('start-experiment').click();
      await page.waitForURL(/#\/experiments\/\d+$/, { timeout: 30_000 });
      const id = Number(/#\/experiments\/(\d+)$/.exec(page.url())?.[1]);
      const reader = await openCore({
        workspaceDir: bench.workspace,
        transport: 'in-process',
        queue: 'none',
      });
      try {
        const runs = await reader.handlers['runs.list']({ experimentId: id });
        expect(runs).toHaveLength(queued);
        const detail = await reader.handlers['experiments.get']({ id });
        expect(detail.spec.strategies).toEqual([
          { id: 'scratch', params: {} },
          { id: 'fine-tune', params: {} },
          // The swept λ is the sweep's alone.
          { id: 'fine-tune', params: {}, sweep: { l2sp: [0.01, 0.1] } },
        ]);
      } finally {
        await reader.close();
      }
    });
  });

  it('shows reused source runs, and asks before launching more than 300 runs', async () => {
    await onPage(bench, 'designer-confirm-failure.png', async (page) => {
      await page.setViewportSize({ width: 1280, height: 720 });
      await page.goto(`${bench.server.url}#/experiments/new`);
      await openSpec(page, SPEC);

      // The first test's source runs (queued, running or done) are reused, not queued again.
      expect(await planned(page, 'plan-reused-sources')).toBe('2');
      expect(await page.getByTestId('plan-new-sources').textContent()).toBe('0');
      expect(await page.getByTestId('plan-queued').textContent()).toBe('3');
      expect(await page.getByTestId('plan-reused').textContent()).toMatch(/#\d+/);

      // 100 seeds (the most a spec takes): 2 × 99 new source runs and 3 × 100 transfer runs.
      await page.getByTestId('seeds').fill(Array.from({ length: 100 }, (_, i) => i).join(', '));
      expect(await planned(page, 'plan-queued')).toBe('498');
      await page.getByTestId('start-experiment').click();
      const dialog = page.getByTestId('launch-dialog');
      await expect.poll(() => dialog.isVisible()).toBe(true);
      expect(await dialog.getByRole('heading').textContent()).toBe('Launch 498 runs?');
      expect(await page.getByTestId('launch-count').textContent()).toMatch(/498 runs queued/);
      await page.screenshot({ path: join(SHOTS, 'designer-confirm-light.png') });

      // Esc cancels: nothing is created and the designer stays.
      await page.keyboard.press('Escape');
      await expect.poll(() => dialog.isVisible()).toBe(false);
      expect(page.url()).toMatch(/#\/experiments\/new$/);

      // Keyboard only: Start, then Cancel has the focus; Enter on it cancels too.
      await page.getByTestId('start-experiment').focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => dialog.isVisible()).toBe(true);
      expect(await page.locator(':focus').getAttribute('data-testid')).toBe('launch-cancel');
      await page.keyboard.press('Enter');
      await expect.poll(() => dialog.isVisible()).toBe(false);

      const reader = await openCore({
        workspaceDir: bench.workspace,
        transport: 'in-process',
        queue: 'none',
      });
      try {
        expect(await reader.handlers['experiments.list']({})).toHaveLength(1);
      } finally {
        await reader.close();
      }
    });
  });
});
