import type { Component } from 'svelte';
import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import type { RunOnOffer } from '../lib/slurmProfile';
import RunOnChoiceComponent from './RunOnChoice.svelte';

// typescript-eslint sees no types in .svelte files: the props are named here, loosely.
const RunOnChoice = RunOnChoiceComponent as unknown as Component<Record<string, unknown>>;

/**
 * The designer's "Run on" (issue 16), rendered on the server runtime: Slurm enabled only when the
 * server reaches it, the reason beside it otherwise, and the profile's line once it is chosen.
 */

interface Rendered {
  radios: { value: string; checked: boolean; disabled: boolean; title: string | undefined }[];
  help: string;
  settingsLink: boolean;
}

function runOn(offer: RunOnOffer, value: 'local' | 'slurm'): Rendered {
  const { body } = render(RunOnChoice, { props: { offer, value } });
  const html = body.replace(/<!--[^>]*-->/g, '');
  const radios = [...html.matchAll(/<label([^>]*)>\s*<input([^>]*)>/g)].map((m) => {
    const label = m[1] ?? '';
    const input = m[2] ?? '';
    return {
      value: /value="([^"]*)"/.exec(input)?.[1] ?? '',
      checked: /\schecked/.test(input),
      disabled: /\sdisabled/.test(input),
      title: /title="([^"]*)"/.exec(label)?.[1],
    };
  });
  const help = /data-testid="run-on-help"[^>]*>([\s\S]*?)<\/span>\s*<\/div>/.exec(html)?.[1] ?? '';
  return {
    radios,
    help: help
      .replace(/<[^>]+>/g, '')
      .replace(/\s+/g, ' ')
      .trim(),
    settingsLink: html.includes('href="#/settings"'),
  };
}

describe('RunOnChoice', () => {
  it('disables Slurm with the server’s reason when the cluster is not reachable', () => {
    const reason = 'sbatch not found: is this a Slurm login node?';
    const { radios, help, settingsLink } = runOn({ state: 'unavailable', reason }, 'local');
    expect(radios).toEqual([
      { value: 'local', checked: true, disabled: false, title: undefined },
      { value: 'slurm', checked: false, disabled: true, title: reason },
    ]);
    expect(help).toBe(`Slurm is not offered: ${reason}`);
    expect(settingsLink).toBe(false);
  });

  it('offers Slurm when reachable, this machine still the default', () => {
    const { radios, help } = runOn(
      { state: 'available', version: 'slurm 22.05.8', profile: null },
      'local',
    );
    expect(radios.map(({ value, checked, disabled }) => ({ value, checked, disabled }))).toEqual([
      { value: 'local', checked: true, disabled: false },
      { value: 'slurm', checked: false, disabled: false },
    ]);
    expect(help).toBe('In this machine’s trainers. Slurm is reachable (slurm 22.05.8).');
  });

  it('shows the profile in one line with a link to Settings once Slurm is chosen', () => {
    const chosen = runOn(
      {
        state: 'available',
        version: 'slurm 22.05.8',
        profile: { partition: 'debug', time: '00:10:00', cpusPerTask: 1 },
      },
      'slurm',
    );
    expect(chosen.radios.find((r) => r.checked)?.value).toBe('slurm');
    expect(chosen.help).toBe('partition debug · 00:10:00 · 1 CPU · Change in Settings');
    expect(chosen.settingsLink).toBe(true);
    const none = runOn({ state: 'available', version: 'slurm 22.05.8', profile: null }, 'slurm');
    expect(none.help).toBe('the cluster’s defaults (no profile saved) · Change in Settings');
  });

  it('keeps Slurm disabled while the answer is coming, and when asking failed', () => {
    expect(runOn({ state: 'loading' }, 'local').radios[1]?.disabled).toBe(true);
    const failed = runOn({ state: 'failed', reason: 'Could not ask: timeout' }, 'local');
    expect(failed.radios[1]).toMatchObject({ disabled: true, title: 'Could not ask: timeout' });
  });
});
