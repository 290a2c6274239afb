import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src-main/core/paths';
import { call, tinySpec, waitForExperiment } from './rpc';
import { ARTIFACTS, onPage, useWorkbench } from './workbench';

/**
 * The Models view (issue 13) in a browser against `transferlab serve`: ONNX files made by
 * PyTorch imported through the file chooser (uploaded, converted by the core), the refusal of an
 * unsupported operator shown whole, a model's page with its layers, a rename, an ONNX download,
 * and the view in both themes at two window sizes.
 */

const bench = useWorkbench('models');
const FIXTURES = join(projectRoot(), 'test', 'fixtures', 'pretrained');

/** What the checks read of an element in the page (this project's e2e code has no DOM types). */
interface Box {
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
}

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
] as const;

/** The page at each size, light then dark (the app follows the OS unless Settings pins one). */
async function shoot(page: Page, name: string, below?: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe(scheme);
      await page.waitForTimeout(150);
      await page.screenshot({
        path: join(ARTIFACTS, `${name}-${size.width}x${size.height}-${scheme}.png`),
      });
      // What lies below the fold (the app scrolls inside its shell, not the page).
      if (below !== undefined) {
        await page.getByTestId(below).scrollIntoViewIfNeeded();
        await page.screenshot({
          path: join(ARTIFACTS, `${name}-${below}-${size.width}x${size.height}-${scheme}.png`),
        });
        await page.locator('main').evaluate((el: Box) => {
          el.scrollTop = 0;
        });
      }
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(SIZES[0]);
}

/** Chooses files in the view's chooser and imports them with the form as it stands. */
async function importFiles(page: Page, ...names: string[]): Promise<void> {
  await page.getByTestId('model-file').setInputFiles(names.map((n) => join(FIXTURES, n)));
  const panel = page.getByTestId('model-import-panel');
  await expect.poll(() => panel.getAttribute('data-phase')).toBe('ready');
  await page.getByTestId('model-import-submit').click();
}

describe('models in the UI', () => {
  it('imports PyTorch ONNX models, refuses an unsupported one, shows and exports a model', async () => {
    await onPage(bench, 'models-failure.png', async (page) => {
      await page.setViewportSize(SIZES[0]);
      await page.goto(bench.server.url);
      await page.getByTestId('nav-models').click();
      await page.waitForURL(/#\/models$/);
      await page.getByTestId('models-empty').waitFor();
      expect(await page.getByTestId('models-empty').textContent()).toContain(
        'npx transferlab models import',
      );
      await shoot(page, 'models-empty');

      // The CNN: uploaded, converted, listed under its file's name.
      await importFiles(page, 'cnn.onnx');
      const result = page.getByTestId('model-import-result');
      await result.waitFor({ timeout: 60_000 });
      expect(await result.getAttribute('data-already')).toBe('false');
      expect(await result.textContent()).toMatch(/Imported as m1 "cnn"/);
      const rows = page.getByTestId('models-table').locator('tbody tr');
      await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(1);
      const cnnRow = page.getByTestId('model-row-cnn');
      expect(await cnnRow.textContent()).toMatch(/m1.*cnn.*ONNX.*28 × 28 × 1.*hidden_1.*576/s);

      // An unsupported operator: the refusal is shown whole where the import happened, and
      // nothing is added to the list.
      await importFiles(page, 'unsupported.onnx');
      const refusal = page.getByTestId('model-import-error');
      await refusal.waitFor({ timeout: 60_000 });
      const refusalText = (await refusal.textContent()) ?? '';
      expect(refusalText).toContain('Erf');
      expect(refusalText).toContain('Supported operators');
      // Not cut off: the box is as tall as its text and its last words are on screen.
      expect(await refusal.evaluate((el: Box) => el.scrollHeight <= el.clientHeight + 1)).toBe(
        true,
      );
      await page
        .getByTestId('model-import-panel')
        .screenshot({ path: join(ARTIFACTS, 'models-refused.png') });
      expect(await page.getByTestId('model-import-panel').getAttribute('data-phase')).toBe('ready');
      await page.getByTestId('models-table').waitFor();
      expect(await rows.count()).toBe(1);

      // The MLP, then the CNN again: the same file is stored once, and said so.
      await importFiles(page, 'mlp.onnx');
      await result.waitFor({ timeout: 60_000 });
      await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2);
      await importFiles(page, 'cnn.onnx');
      await expect
        .poll(() => result.getAttribute('data-already'), { timeout: 60_000 })
        .toBe('true');
      expect(await result.textContent()).toMatch(/Already imported as m1 "cnn"/);
      expect(await rows.count()).toBe(2);
      await shoot(page, 'models-list');
      await page.getByTestId('model-import-close').click();

      // The CNN's page: eight layers, the features from hidden_1, the only layer that can be.
      await page.getByTestId('open-model-1').click();
      await page.waitForURL(/#\/models\/1$/);
      const layers = page.getByTestId('model-layers').locator('tbody tr');
      await expect.poll(() => layers.count(), { timeout: 10_000 }).toBe(8);
      expect(await page.getByTestId('layer-hidden_1').getAttribute('data-role')).toBe('features');
      expect(await page.getByTestId('layer-output').getAttribute('data-role')).toBe('head');
      expect(await page.locator('[data-can-be-features="true"]').count()).toBe(1);
      expect(await page.getByTestId('model-feature-choice').isDisabled()).toBe(true);
      expect(await page.getByTestId('model-feature-only').textContent()).toContain('hidden_1');
      const provenance = (await page.getByTestId('model-provenance').textContent()) ?? '';
      expect(provenance).toMatch(/pytorch/);
      expect(provenance).toMatch(/Conv, Relu, MaxPool, Flatten, Gemm/);

      // Rename it: the title and the list follow.
      await page.getByTestId('model-rename').fill('PyTorch CNN');
      await page.getByTestId('model-rename-save').click();
      await expect
        .poll(() => page.getByTestId('model-title').textContent(), { timeout: 10_000 })
        .toMatch(/m1\s*PyTorch CNN/);

      // Export ONNX: the browser receives a non-empty .onnx file.
      const [download] = await Promise.all([
        page.waitForEvent('download', { timeout: 60_000 }),
        page.getByTestId('export-onnx').click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^[A-Za-z0-9._-]+\.onnx$/);
      const saved = join(ARTIFACTS, 'models-export.onnx');
      await download.saveAs(saved);
      expect(statSync(saved).size).toBeGreaterThan(1000);
      // An ONNX file is a protobuf ModelProto: its first field is ir_version (tag 0x08).
      expect(readFileSync(saved)[0]).toBe(0x08);
      await page.getByTestId('export-done').waitFor();
      await shoot(page, 'model-detail', 'model-layers');

      // The MLP: hidden_1 is its only feature layer too.
      await page.goto(`${bench.server.url}#/models/2`);
      await page.getByTestId('layer-hidden_1').waitFor({ timeout: 10_000 });
      expect(await page.getByTestId('layer-hidden_1').getAttribute('data-role')).toBe('features');
      expect(await page.locator('[data-can-be-features="true"]').count()).toBe(1);

      // Delete it (no run uses it): back to the list, one model left.
      await page.getByTestId('model-delete').click();
      await page.getByTestId('model-confirm-delete').click();
      await page.waitForURL(/#\/models$/);
      await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(1);
    });
  });

  it('exports the model a source run trained, from the run page', async () => {
    const url = bench.server.url;
    const spec = tinySpec('export from a run');
    // Transfer runs keep no model with this setting; source runs always keep theirs.
    await call(url, 'models.setKeep', { keep: 'none' });
    const { experimentId } = await call(url, 'experiments.create', {
      spec: { ...spec, strategies: [{ id: 'fine-tune' }], seeds: [0] },
    });
    await waitForExperiment(url, experimentId);
    const runs = await call(url, 'runs.list', { experimentId });
    const source = runs.find((r) => r.kind === 'source');
    const transfer = runs.find((r) => r.kind === 'transfer');
    if (!source || !transfer) throw new Error('a source and a transfer run were expected');
    expect(source.status).toBe('completed');

    await onPage(bench, 'models-run-export-failure.png', async (page) => {
      // A transfer run that kept no model offers no export.
      await page.goto(`${url}#/runs/${transfer.id}`);
      await page.getByTestId('run-status').waitFor();
      expect(await page.getByTestId('export-onnx').count()).toBe(0);

      await page.goto(`${url}#/runs/${source.id}`);
      await page.getByTestId('export-tfjs').waitFor({ timeout: 10_000 });
      const names: string[] = [];
      page.on('download', (d) => names.push(d.suggestedFilename()));
      await page.getByTestId('export-tfjs').click();
      await page.getByTestId('export-done').waitFor({ timeout: 60_000 });
      await expect.poll(() => names.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
      expect(names.some((n) => n.endsWith('.json'))).toBe(true);
      expect(names.some((n) => n.endsWith('.bin'))).toBe(true);

      const [download] = await Promise.all([
        page.waitForEvent('download', { timeout: 60_000 }),
        page.getByTestId('export-onnx').click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^run-\d+.*\.onnx$/);
      const saved = join(ARTIFACTS, 'models-run-export.onnx');
      await download.saveAs(saved);
      expect(statSync(saved).size).toBeGreaterThan(100);
      await page.screenshot({ path: join(ARTIFACTS, 'run-export.png') });
    });
  });

  it('hands an imported model to the designer as a source, and scores it before any training', async () => {
    const url = bench.server.url;
    const imported = await call(url, 'models.import', {
      files: { kind: 'path', path: join(FIXTURES, 'cnn.onnx') },
      name: 'designer CNN',
    });
    // The example's target is 8×8 digits: the CNN's images are resized to fit (an MLP taking
    // 784 values would be refused, as the designer then says).
    await onPage(bench, 'models-designer-failure.png', async (page) => {
      await page.goto(`${url}#/models/${imported.model.id}`);
      await page.getByTestId('model-use-as-source').waitFor({ timeout: 10_000 });
      // Its 10 outputs fit the 10-class datasets only.
      const options = await page
        .getByTestId('model-source-dataset')
        .locator('option')
        .allTextContents();
      expect(options.length).toBeGreaterThan(0);
      expect(options.every((o) => /· 10 classes$/.test(o))).toBe(true);
      await page.getByTestId('model-source-dataset').selectOption('fashion-mnist');
      await page.getByTestId('model-use-as-source').click();
      await page.waitForURL(/#\/experiments\/new/);

      const sources = page.locator('[data-testid^="domain-sources-"]');
      await expect
        .poll(() => sources.allTextContents(), { timeout: 10_000 })
        .toContainEqual(expect.stringMatching(new RegExp(`imported model m${imported.model.id}`)));

      // The imported model's pair is scored at once: no source run has to train first.
      const row = page.getByTestId('estimate-row').filter({ hasText: imported.model.name }).first();
      await row.getByTestId('score-pair').click();
      await expect.poll(() => row.getAttribute('data-status'), { timeout: 90_000 }).toBe('scored');
      expect(await row.locator(`a[href="#/models/${imported.model.id}"]`).count()).toBe(1);
      await page.getByTestId('transferability-estimates').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(ARTIFACTS, 'designer-imported-source.png') });
    });
  });
});
