import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, useWorkbench } from './workbench';
import { openCore } from '../../src-main/core/core';

const EXAMPLE = 'digits-0-4-to-5-9';
const bench = useWorkbench('model');

describe('model type and early stopping in the experiment designer', () => {
  it('sends a CNN with early stopping, after the server flags one too big for 8×8 digits', async () => {
    const page = await bench.browser.newPage({ viewport: { width: 1400, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${bench.server.url}#/experiments/new?example=${EXAMPLE}`);
    await expect.poll(() => page.getByTestId('example-select').inputValue()).toBe(EXAMPLE);

    // The example's MLP, and early stopping off with its settings hidden.
    expect(await page.getByTestId('model-hidden').inputValue()).toBe('64, 32');
    expect(await page.getByTestId('earlyStopping').isChecked()).toBe(false);
    expect(await page.getByTestId('earlyStopping-patience').isVisible()).toBe(false);

    const section = page.locator('section.panel', {
      has: page.getByRole('heading', { name: 'Model and training' }),
    });
    await section.screenshot({ path: join(ARTIFACTS, 'designer-model-training-mlp.png') });

    // The schema's default CNN (two 3×3 blocks) is too big for 8×8 digits: the server says so,
    // next to the model type.
    await page.getByTestId('model-modelType').selectOption('cnn');
    expect(await page.getByTestId('model-conv').inputValue()).toBe('32, 64');
    await page.getByTestId('start-experiment').click();
    await expect
      .poll(() => page.locator('#err-modelType').first().textContent(), { timeout: 30_000 })
      .toMatch(/too small/);

    // A CNN small enough for them (one 3×3 block), and early stopping on accuracy.
    await page.getByTestId('model-conv').fill('8');
    await page.getByTestId('model-dense').fill('16');
    await page.getByTestId('model-kernelSize').fill('3');
    await page.getByTestId('earlyStopping').check();
    await page.getByTestId('earlyStopping-monitor').selectOption('val_acc');
    await page.getByTestId('earlyStopping-patience').fill('2');
    await page.getByTestId('earlyStopping-restoreBest').uncheck();
    await page.getByTestId('seeds').fill('0');
    await page.getByTestId('epochs').fill('2');

    // The server's mark went away with the spec it judged.
    expect(await page.locator('#err-modelType').count()).toBe(0);
    await page.getByTestId('epochs').blur();
    await section.screenshot({ path: join(ARTIFACTS, 'designer-model-training.png') });

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
      expect(detail.spec.model).toEqual({ type: 'cnn', conv: [8], dense: [16], kernelSize: 3 });
      expect(detail.spec.training).toMatchObject({
        epochs: 2,
        earlyStopping: { monitor: 'val_acc', patience: 2, restoreBest: false },
      });
      // The example's source-model training is sent as it was.
      expect(detail.spec.sourceTraining?.earlyStopping).toBeUndefined();
      expect(detail.spec.sourceTraining?.epochs).toBe(20);
    } finally {
      await reader.close();
    }

    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
