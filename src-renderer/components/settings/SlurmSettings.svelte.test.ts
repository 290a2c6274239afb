import type { Component } from 'svelte';
import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import type { SlurmAvailabilityInfo } from '../../../src-shared/domain/cluster';
import { formFromSlurmOptions, type SlurmProblems } from '../../lib/slurmProfile';
import SlurmProfileFieldsComponent from './SlurmProfileFields.svelte';
import SlurmReachabilityComponent from './SlurmReachability.svelte';

// typescript-eslint sees no types in .svelte files: the props are named here, loosely.
const SlurmReachability = SlurmReachabilityComponent as unknown as Component<
  Record<string, unknown>
>;
const SlurmProfileFields = SlurmProfileFieldsComponent as unknown as Component<
  Record<string, unknown>
>;

/**
 * Settings' Slurm panel (issue 16), rendered on the server runtime: what it says of the cluster,
 * the partition as a choice or as text, and the server's problems at their inputs.
 */

function text(html: string): string {
  return html
    .replace(/<!--[^>]*-->/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function reachability(slurm: SlurmAvailabilityInfo): string {
  return render(SlurmReachability, { props: { slurm, checking: false, oncheck: () => {} } }).body;
}

const PARTITIONS = [
  { name: 'debug', isDefault: true, up: true },
  { name: 'gpu', isDefault: false, up: false },
];

describe('SlurmReachability', () => {
  it('names the version and the partitions, the default and the down ones marked', () => {
    const html = reachability({
      available: true,
      version: 'slurm 22.05.8',
      partitions: PARTITIONS,
    });
    expect(text(html)).toMatch(
      /^Reachable slurm 22\.05\.8 · debug \(default\), gpu \(down\) Check again/,
    );
  });

  it('gives the reason when the cluster is not reachable', () => {
    const reason = 'sbatch not found: is this a Slurm login node?';
    const html = reachability({ available: false, reason });
    expect(text(html)).toContain(`Not reachable ${reason} Check again`);
  });
});

interface Fields {
  partition: { tag: 'select' | 'input'; options: string[]; selected: string | undefined };
  errors: Record<string, string[]>;
  invalid: string[];
}

function fields(
  options: Parameters<typeof formFromSlurmOptions>[0],
  partitions: typeof PARTITIONS | null,
  problems: SlurmProblems = {},
): Fields {
  const { body } = render(SlurmProfileFields, {
    props: { form: formFromSlurmOptions(options), partitions, problems },
  });
  const html = body.replace(/<!--[^>]*-->/g, '');
  const select = /<select[^>]*id="slurm-partition"[^>]*>([\s\S]*?)<\/select>/.exec(html);
  const options_ = [...(select?.[1] ?? '').matchAll(/<option([^>]*)>([^<]*)<\/option>/g)];
  const errors: Record<string, string[]> = {};
  for (const m of html.matchAll(/<div class="errors[^"]*" id="err-([^"]+)">([\s\S]*?)<\/div>/g)) {
    errors[m[1] ?? ''] = [...(m[2] ?? '').matchAll(/<p[^>]*>([^<]*)<\/p>/g)].map((p) => p[1] ?? '');
  }
  return {
    partition: {
      tag: select ? 'select' : 'input',
      options: options_.map((m) => m[2] ?? ''),
      selected: options_.find((m) => /\sselected/.test(m[1] ?? ''))?.[2],
    },
    errors,
    invalid: [
      ...html.matchAll(
        /id="([^"]+)"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="([^"]+)"/g,
      ),
    ].map((m) => m[1] ?? m[2] ?? ''),
  };
}

describe('SlurmProfileFields', () => {
  it('offers the cluster’s partitions, the default named, a saved one it lacks kept and marked', () => {
    expect(fields({ partition: 'gpu' }, PARTITIONS).partition).toEqual({
      tag: 'select',
      options: ['Cluster default (debug)', 'debug', 'gpu (down)'],
      selected: 'gpu (down)',
    });
    expect(fields({ partition: 'old' }, PARTITIONS).partition).toEqual({
      tag: 'select',
      options: ['Cluster default (debug)', 'debug', 'gpu (down)', 'old (not on this cluster)'],
      selected: 'old (not on this cluster)',
    });
  });

  it('takes the partition as text when the cluster is not reachable', () => {
    expect(fields({ partition: 'debug' }, null).partition.tag).toBe('input');
  });

  it('shows each problem under its input and marks the input invalid', () => {
    const shown = fields({ time: '25:99:99' }, PARTITIONS, {
      time: ['--time: sbatch would not read 25:99:99'],
      sbatchArgs: ['--array is set by Transferlab'],
    });
    expect(shown.errors).toEqual({
      'slurm-time': ['--time: sbatch would not read 25:99:99'],
      'slurm-args': ['--array is set by Transferlab'],
    });
    expect(shown.invalid.sort()).toEqual(['slurm-args', 'slurm-time']);
  });
});
