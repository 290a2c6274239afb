import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src-main/store/db';
import { insertEpoch } from '../../src-main/store/metrics';
import { appendRunLog } from '../../src-main/store/runLogs';
import { finishRun, insertRun, recordSourceModel } from '../../src-main/store/runs';
import { runConfig } from '../unit/engine/fixtures';
import { ARTIFACTS, onPage, useWorkbench } from './workbench';

const bench = useWorkbench('experiments-list');

/** Bytes of the seeded source model's files, which the delete dialog must report. */
const MODEL_BYTES = 2 + 1500;

interface Seeded {
  alpha: number;
  beta: number;
  gamma: number;
  modelDir: string;
}

/**
 * Three finished experiments written straight into the served workspace, in one transaction so
 * the server's queue never sees a run queued:
 *   alpha "Alpha transfer"  2026-01-01  a source run with a model folder + 2 transfer runs
 *   beta  "beta reuse"      2026-01-02  1 transfer run that starts from alpha's source run
 *   gamma "Gamma sweep 10"  2026-01-03  2 transfer runs, one failed
 * Every run has 2 epochs × 2 metrics and one log line.
 */
function seed(): Seeded {
  const db = openDb(join(bench.workspace, 'transferlab.sqlite'));
  try {
    return db.transaction(() => {
      const dataset = Number(
        db
          .prepare(
            `INSERT INTO datasets (name, kind, content_hash, samples, feature_shape, classes, locator, provenance, created_at)
             VALUES ('e2e-list', 'imported', 'h-e2e-list', 1, '[1]', '[0]', '{}', '{}', 'now')`,
          )
          .run().lastInsertRowid,
      );
      const domain = (name: string): number =>
        Number(
          db
            .prepare(
              `INSERT INTO domains (dataset_id, name, spec, spec_hash, created_at) VALUES (?, ?, '{}', ?, 'now')`,
            )
            .run(dataset, name, `h-${name}`).lastInsertRowid,
        );
      const source = domain('e2e-source');
      const target = domain('e2e-target');
      const experiment = (name: string, day: string): number =>
        Number(
          db
            .prepare(
              `INSERT INTO experiments (name, spec_input, spec, origin, created_at)
               VALUES (?, '{}', '{}', 'in-process', ?)`,
            )
            .run(name, `2026-01-0${day}T10:00:00.000Z`).lastInsertRowid,
        );
      let hash = 0;
      const run = (
        experimentId: number,
        kind: 'source' | 'transfer',
        dependsOn: number | null,
        status: 'completed' | 'failed' = 'completed',
      ): number => {
        const id = insertRun(db, {
          experimentId,
          kind,
          strategy: kind === 'source' ? 'source' : 'fine-tune',
          variant: kind === 'source' ? 'source' : 'fine-tune',
          domainId: kind === 'source' ? source : target,
          sourceDomainId: kind === 'source' ? null : source,
          budget: 10,
          seed: (hash += 1),
          config: runConfig(),
          configHash: `e2e-list-${hash}`,
          dependsOn,
          epochs: 2,
        });
        insertEpoch(db, id, 1, { val_acc: 0.5, val_loss: 1 }, 1);
        insertEpoch(db, id, 2, { val_acc: 0.6, val_loss: 0.9 }, 2);
        appendRunLog(db, id, 'info', `run ${id} trained`);
        finishRun(db, id, status, { finalMetrics: { test_acc: 0.6 } });
        return id;
      };
      const alpha = experiment('Alpha transfer', '1');
      const beta = experiment('beta reuse', '2');
      const gamma = experiment('Gamma sweep 10', '3');
      const sourceRun = run(alpha, 'source', null);
      run(alpha, 'transfer', sourceRun);
      run(alpha, 'transfer', sourceRun);
      run(beta, 'transfer', sourceRun);
      run(gamma, 'transfer', null);
      run(gamma, 'transfer', null, 'failed');
      const modelDir = join(bench.workspace, 'models', 'e2e-list-model');
      mkdirSync(modelDir, { recursive: true });
      writeFileSync(join(modelDir, 'model.json'), '{}');
      writeFileSync(join(modelDir, 'weights.bin'), Buffer.alloc(1500));
      recordSourceModel(db, sourceRun, source, 'e2e-list-model', modelDir);
      return { alpha, beta, gamma, modelDir };
    })();
  } finally {
    db.close();
  }
}

const rows = (page: Page) => page.locator('[data-testid="experiment-row"]');
const rowOf = (page: Page, id: number) =>
  page.locator(`[data-testid="experiment-row"][data-experiment-id="${id}"]`);

async function rowIds(page: Page): Promise<number[]> {
  const ids: number[] = [];
  for (const row of await rows(page).all())
    ids.push(Number(await row.getAttribute('data-experiment-id')));
  return ids;
}

describe('Experiments list', () => {
  it('sorts, archives, shows archived and deletes with the counts of what goes', async () => {
    const s = seed();
    await onPage(bench, 'experiments-list-failure.png', async (page) => {
      await page.setViewportSize({ width: 1280, height: 720 });
      await page.goto(`${bench.server.url}#/experiments`);
      await expect
        .poll(() => rowIds(page), { timeout: 15_000 })
        .toEqual([s.gamma, s.beta, s.alpha]);
      // Newest first by default, and the header says so; the others say they are not sorted.
      expect(await page.getByTestId('sort-created').getAttribute('aria-sort')).toBe('descending');
      expect(await page.getByTestId('sort-name').getAttribute('aria-sort')).toBe('none');

      // Names A→Z, case-blind, then Z→A.
      await page.getByTestId('sort-name').getByRole('button').click();
      await expect.poll(() => rowIds(page)).toEqual([s.alpha, s.beta, s.gamma]);
      expect(await page.getByTestId('sort-name').getAttribute('aria-sort')).toBe('ascending');
      await page.getByTestId('sort-name').getByRole('button').click();
      await expect.poll(() => rowIds(page)).toEqual([s.gamma, s.beta, s.alpha]);

      // Most runs first, by keyboard (Enter on the focused header button).
      await page.getByTestId('sort-runs').getByRole('button').focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => rowIds(page)).toEqual([s.alpha, s.gamma, s.beta]);

      // Remembered across a reload.
      await page.reload();
      await expect
        .poll(() => rowIds(page), { timeout: 15_000 })
        .toEqual([s.alpha, s.gamma, s.beta]);
      expect(await page.getByTestId('sort-runs').getAttribute('aria-sort')).toBe('descending');

      // Archive gamma: it leaves the list at once; the toggle brings it back, marked.
      await rowOf(page, s.gamma).getByTestId('archive-experiment').click();
      await expect.poll(() => rowIds(page)).toEqual([s.alpha, s.beta]);
      expect(await page.getByTestId('experiments-count').textContent()).toBe('2 · 1 archived');
      await page.getByTestId('show-archived').check();
      await expect.poll(() => rowIds(page)).toEqual([s.alpha, s.gamma, s.beta]);
      expect(await rowOf(page, s.gamma).getAttribute('data-archived')).toBe('true');
      expect(await rowOf(page, s.gamma).getByTestId('archive-experiment').textContent()).toBe(
        'Unarchive',
      );
      await page.screenshot({ path: join(ARTIFACTS, 'experiments-list-light.png') });
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.screenshot({ path: join(ARTIFACTS, 'experiments-list-dark.png') });
      await page.emulateMedia({ colorScheme: 'light' });
      // Archived survives a reload (it is in the database, not the page).
      await page.reload();
      await expect.poll(() => rowIds(page), { timeout: 15_000 }).toHaveLength(3);
      expect(await rowOf(page, s.gamma).getAttribute('data-archived')).toBe('true');
      await page.getByTestId('show-archived').uncheck();
      await expect.poll(() => rowIds(page)).toEqual([s.alpha, s.beta]);

      // Alpha cannot go while beta's run starts from its source model: the dialog says so.
      const dialog = page.getByTestId('delete-experiment-dialog');
      await rowOf(page, s.alpha).getByTestId('delete-experiment').click();
      await expect.poll(() => dialog.getByTestId('delete-blockers').count()).toBe(1);
      expect(await dialog.getByTestId('delete-blockers').textContent()).toContain(
        `Experiment #${s.beta} “beta reuse” has 1 run`,
      );
      expect(await dialog.getByTestId('confirm-delete-experiment').isDisabled()).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS, 'experiments-delete-blocked.png') });
      await page.keyboard.press('Escape');
      await expect.poll(() => dialog.isVisible()).toBe(false);

      // Beta: one run, its 4 metric values and 1 log line, no model files of its own.
      await rowOf(page, s.beta).getByTestId('delete-experiment').click();
      await expect
        .poll(() => dialog.getByTestId('delete-goes').textContent())
        .toContain('1 run, with their 4 metric values and 1 log line');
      expect(await dialog.getByTestId('delete-goes').textContent()).toContain(
        'No saved model files',
      );
      await dialog.getByTestId('confirm-delete-experiment').click();
      await expect.poll(() => rowIds(page)).toEqual([s.alpha]);

      // Alpha now: 3 runs, 12 values, 3 lines and its source model's folder with its bytes.
      await rowOf(page, s.alpha).getByTestId('delete-experiment').click();
      await expect
        .poll(() => dialog.getByTestId('delete-goes').textContent())
        .toContain('3 runs, with their 12 metric values and 3 log lines');
      expect(await dialog.getByTestId('delete-goes').textContent()).toContain(
        `1 saved model folder (${(MODEL_BYTES / 1024).toFixed(1)} KiB on disk)`,
      );
      await page.screenshot({ path: join(ARTIFACTS, 'experiments-delete-dialog.png') });
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.screenshot({ path: join(ARTIFACTS, 'experiments-delete-dialog-dark.png') });
      await page.emulateMedia({ colorScheme: 'light' });
      await dialog.getByTestId('confirm-delete-experiment').click();
      await expect.poll(() => rowIds(page)).toEqual([]);
      expect(await page.getByTestId('experiments-no-match').textContent()).toContain(
        'Show archived',
      );
      expect(existsSync(s.modelDir)).toBe(false);
    });

    const db = openDb(join(bench.workspace, 'transferlab.sqlite'));
    try {
      const left = db.prepare('SELECT id FROM experiments ORDER BY id').all() as { id: number }[];
      expect(left).toEqual([{ id: s.gamma }]);
      const runs = db.prepare('SELECT experiment_id AS e FROM runs').all() as { e: number }[];
      expect(runs.every((r) => r.e === s.gamma)).toBe(true);
    } finally {
      db.close();
    }
  });
});
