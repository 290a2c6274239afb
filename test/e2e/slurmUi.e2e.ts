import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { describeOnSlurm } from '../helpers/slurm';
import { tinySpec } from '../helpers/tinySpec';
import { goToHash } from './everyView';
import { rpc } from './rpc';
import { ARTIFACTS, onPage, useWorkbench, type Workbench } from './workbench';

/**
 * The Slurm UI (issue 16) against `transferlab serve`: Settings says whether the server reaches
 * Slurm and keeps a profile across a reload, and the designer offers "Run on: Slurm" exactly when
 * the server reaches a cluster. Two servers: one whose SLURM_CONF names no file (every Slurm
 * client fails at once, as on a machine without a cluster), and, where a cluster runs (CI starts
 * a one-node one), one with this process's SLURM_CONF, from whose designer a tiny experiment is
 * submitted for real and followed on its run pages until it completes. Screenshots at 1280×720
 * in both themes go to test-results/slurm/.
 */

const SHOTS = join(ARTIFACTS, 'slurm');

async function openSettings(page: Page, bench: Workbench): Promise<void> {
  await goToHash(page, bench.server.url, '#/settings');
  await expect
    .poll(() => page.getByTestId('slurm-state').textContent(), { timeout: 30_000 })
    .toMatch(/reachable/i);
}

async function openDesigner(page: Page, bench: Workbench): Promise<void> {
  await goToHash(page, bench.server.url, '#/experiments/new');
  await page.getByTestId('example-select').waitFor();
  // The answer to cluster.status has come once the help line no longer says it is asking.
  await expect
    .poll(() => page.getByTestId('run-on-help').textContent(), { timeout: 30_000 })
    .not.toMatch(/Checking whether Slurm is reachable/);
}

async function shoot(
  page: Page,
  name: string,
  target: 'settings' | 'designer' | 'run',
): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.setViewportSize({ width: 1280, height: 720 });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe(scheme);
    if (target === 'settings') await page.getByTestId('settings-slurm').scrollIntoViewIfNeeded();
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(SHOTS, `${name}-1280x720-${scheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: null });
}

/** The profile inputs' values, by test id. */
async function profileValues(page: Page): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const id of ['slurm-partition', 'slurm-time', 'slurm-cpus', 'slurm-mem', 'slurm-args']) {
    values[id] = await page.getByTestId(id).inputValue();
  }
  return values;
}

describe('the Slurm UI where no cluster is reachable', () => {
  // A SLURM_CONF that names no file: sbatch and sinfo fail at once, whatever this machine runs.
  const bench = useWorkbench('slurm-off', { SLURM_CONF: '/nonexistent/slurm.conf' });

  it('says why in Settings, and keeps a profile there across a reload', async () => {
    await onPage(bench, 'slurm-off-settings-failure.png', async (page) => {
      await openSettings(page, bench);
      expect(await page.getByTestId('slurm-state').textContent()).toBe('Not reachable');
      expect((await page.getByTestId('slurm-reason').textContent())?.trim()).not.toBe('');
      // Without the cluster's partitions, the partition is typed.
      expect(await page.locator('input[data-testid="slurm-partition"]').count()).toBe(1);
      expect(await page.getByTestId('slurm-profile-state').textContent()).toMatch(
        /No profile saved/,
      );

      // A time sbatch would not read is refused by the server, and nothing is saved.
      await page.getByTestId('slurm-time').fill('soon');
      await page.getByTestId('slurm-save').click();
      await expect
        .poll(() => page.getByTestId('slurm-profile').locator('.field-error').allTextContents(), {
          timeout: 10_000,
        })
        .toEqual([expect.stringContaining('soon')]);
      expect(await page.getByTestId('slurm-profile-state').textContent()).toMatch(/Not saved yet/);

      await page.getByTestId('slurm-partition').fill('debug');
      await page.getByTestId('slurm-time').fill('00:10:00');
      await page.getByTestId('slurm-cpus').fill('2');
      await page.getByTestId('slurm-mem').fill('2G');
      await page.getByTestId('slurm-args').fill('--qos=normal\n\n--requeue');
      await page.getByTestId('slurm-save').press('Enter');
      await expect
        .poll(() => page.getByTestId('slurm-profile-state').textContent(), { timeout: 10_000 })
        .toBe('Saved.');
      await expect
        .poll(() => page.getByTestId('slurm-profile').locator('.field-error').count())
        .toBe(0);

      await page.reload();
      await openSettings(page, bench);
      expect(await profileValues(page)).toEqual({
        'slurm-partition': 'debug',
        'slurm-time': '00:10:00',
        'slurm-cpus': '2',
        'slurm-mem': '2G',
        'slurm-args': '--qos=normal\n--requeue',
      });
      await shoot(page, 'settings-unreachable', 'settings');
    });
  });

  it('keeps "Run on: Slurm" disabled in the designer, with the reason', async () => {
    await onPage(bench, 'slurm-off-designer-failure.png', async (page) => {
      await openDesigner(page, bench);
      expect(await page.getByTestId('run-on-local').isChecked()).toBe(true);
      expect(await page.getByTestId('run-on-slurm').isDisabled()).toBe(true);
      const help = await page.getByTestId('run-on-help').textContent();
      expect(help).toMatch(/Slurm is not offered: \S/);
      const title = await page
        .locator('label', { has: page.getByTestId('run-on-slurm') })
        .getAttribute('title');
      expect(help).toContain(title ?? 'no title');
      await shoot(page, 'designer-unreachable', 'designer');
    });
  });
});

await describeOnSlurm('the Slurm UI where a cluster is reachable', () => {
  const bench = useWorkbench('slurm-on', { SLURM_CONF: process.env.SLURM_CONF ?? '' });

  it('names the cluster in Settings and offers its partitions; the profile outlives a reload', async () => {
    await onPage(bench, 'slurm-on-settings-failure.png', async (page) => {
      await openSettings(page, bench);
      expect(await page.getByTestId('slurm-state').textContent()).toBe('Reachable');
      expect(await page.getByTestId('slurm-version').textContent()).toMatch(/slurm\S* \d+\.\d+/);
      const partitions = page.getByTestId('slurm-partition').locator('option');
      // "Cluster default (…)" and at least the one-node cluster's partition.
      await expect.poll(() => partitions.count()).toBeGreaterThan(1);
      const partition = await partitions.nth(1).getAttribute('value');
      expect(partition).toBeTruthy();

      await page.getByTestId('slurm-partition').selectOption(partition ?? '');
      await page.getByTestId('slurm-time').fill('00:10:00');
      await page.getByTestId('slurm-cpus').fill('1');
      await page.getByTestId('slurm-save').click();
      await expect
        .poll(() => page.getByTestId('slurm-profile-state').textContent(), { timeout: 10_000 })
        .toBe('Saved.');

      await page.reload();
      await openSettings(page, bench);
      expect(await page.getByTestId('slurm-partition').inputValue()).toBe(partition);
      expect(await page.getByTestId('slurm-time').inputValue()).toBe('00:10:00');
      await shoot(page, 'settings-reachable', 'settings');
    });
  });

  it('submits a tiny experiment from the designer to Slurm; its run pages name their tasks until the runs complete', async () => {
    await onPage(bench, 'slurm-on-submit-failure.png', async (page) => {
      // The profile the designer shows and submits with, saved as Settings would save it.
      const status = await rpc(bench.server.url, 'cluster.status', {});
      if (!status.ok || !status.value.slurm.available) throw new Error('Slurm is not reachable');
      const partition = status.value.slurm.partitions[0]?.name ?? 'no partition';
      const profile = { partition, time: '00:10:00', cpusPerTask: 1 };
      expect(await rpc(bench.server.url, 'cluster.setProfile', { profile })).toEqual({
        ok: true,
        value: { profile },
      });

      await openDesigner(page, bench);
      await openSpec(page, tinySpec('slurm-e2e'));
      expect(await page.getByTestId('run-on-local').isChecked()).toBe(true);
      // Here, the footer gives this machine's estimate (or none yet); never the Slurm note.
      await expect
        .poll(() => page.getByTestId('plan-summary').textContent(), { timeout: 30_000 })
        .toMatch(/3 runs queued/);
      expect(await page.getByTestId('plan-summary').textContent()).not.toMatch(/Slurm/);

      expect(await page.getByTestId('run-on-slurm').isDisabled()).toBe(false);
      await page.locator('label', { has: page.getByTestId('run-on-slurm') }).click();
      expect(await page.getByTestId('run-on-slurm').isChecked()).toBe(true);
      expect(await page.getByTestId('run-on-profile').textContent()).toBe(
        `partition ${partition} · 00:10:00 · 1 CPU`,
      );
      expect(await page.getByTestId('run-on-settings').getAttribute('href')).toBe('#/settings');
      // On Slurm, this machine's estimate is not the cluster's time: the footer says so instead.
      const footer = ((await page.getByTestId('plan-summary').textContent()) ?? '').trim();
      expect(footer).toMatch(/3 runs queued .* · on Slurm · no estimate: its queue decides$/);
      expect(footer).not.toMatch(/≈|trainer/);
      await shoot(page, 'designer-reachable-slurm', 'designer');

      // For real: sbatch gets the jobs on the cluster other tests share, so it may take a while.
      await page.getByTestId('start-experiment').click();
      await expect.poll(() => page.url(), { timeout: 30_000 }).toMatch(/#\/experiments\/\d+$/);
      const experimentId = Number(/(\d+)$/.exec(page.url())?.[1]);
      const listed = await rpc(bench.server.url, 'runs.list', { experimentId });
      if (!listed.ok) throw new Error(listed.error.message);
      expect(listed.value).toHaveLength(3);
      // The fine-tune run waits for its source's task: the page of a run waiting in Slurm.
      const transfer = listed.value.find((r) => r.dependsOn !== null);
      if (transfer === undefined) throw new Error('no run depends on a source run');

      await page.setViewportSize({ width: 1280, height: 720 });
      await goToHash(page, bench.server.url, `#/runs/${String(transfer.id)}`);
      const task = page.getByTestId('run-cluster-task');
      const chip = page.getByTestId('run-status');
      await expect
        .poll(() => task.textContent(), { timeout: 60_000 })
        .toMatch(/^\s*Slurm task \d+_\d+ · \S/);
      if ((await chip.getAttribute('data-status')) === 'queued') {
        expect((await chip.textContent())?.trim()).toBe('waiting in Slurm');
        await shoot(page, 'run-waiting', 'run');
      }
      await expect
        .poll(() => page.getByTestId('run-log').textContent(), { timeout: 30_000 })
        .toMatch(/Submitted to Slurm as task \d+_\d+/);
      const log = (await page.getByTestId('run-log').textContent()) ?? '';

      // Every run ends completed; the cluster may be busy with other tests' jobs first.
      await expect
        .poll(
          async () => {
            const runs = await rpc(bench.server.url, 'runs.list', { experimentId });
            return runs.ok ? runs.value.map((r) => r.status) : [runs.error.message];
          },
          { timeout: 300_000, interval: 2_000 },
        )
        .toEqual(['completed', 'completed', 'completed']);
      await expect
        .poll(() => chip.getAttribute('data-status'), { timeout: 30_000 })
        .toBe('completed');
      expect((await chip.textContent())?.trim()).toBe('completed');
      // The page asks on until the server has seen the task end.
      await expect
        .poll(() => task.textContent(), { timeout: 30_000 })
        .toMatch(/^\s*Slurm task \d+_\d+ · COMPLETED\s*$/);
      expect(await page.getByTestId('metrics-table').locator('tbody tr[data-epoch]').count()).toBe(
        2,
      );
      await shoot(page, 'run-completed', 'run');

      // The job was asked for with the saved profile: the script sbatch ran records it.
      const script = /\(script (\S+\.sbatch);/.exec(log)?.[1];
      if (script === undefined) throw new Error(`no script in the log: ${log}`);
      const directives = readFileSync(script, 'utf8');
      expect(directives).toContain(`#SBATCH --partition="${partition}"`);
      expect(directives).toContain('#SBATCH --time="00:10:00"');
    });
  }, 480_000);
});

/** Opens a spec file in the designer, as a user picks one. */
async function openSpec(page: Page, spec: object): Promise<void> {
  await page.getByTestId('spec-file').setInputFiles({
    name: 'tiny.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(spec)),
  });
  await expect
    .poll(() => page.getByTestId('entry-1').getAttribute('data-strategy'))
    .toBe('fine-tune');
}
