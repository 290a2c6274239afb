import { describe, expect, it } from 'vitest';
import type { ClusterStatus } from '../../../src-shared/domain/cluster';
import {
  executorChoice,
  formFromSlurmOptions,
  placeSlurmIssues,
  runOnOffer,
  slurmOptionsFromForm,
  slurmOptionsLine,
} from '../../../src-renderer/lib/slurmProfile';

/** Settings' Slurm profile form and the designer's "Run on" (issue 16), without a DOM. */

const REACHABLE: ClusterStatus = {
  slurm: {
    available: true,
    version: 'slurm 22.05.8',
    partitions: [{ name: 'debug', isDefault: true, up: true }],
  },
  slurmProfile: { partition: 'debug', time: '00:10:00', cpusPerTask: 1 },
};

describe('the Slurm profile form', () => {
  it('round-trips every option through the inputs, sbatch arguments one per line', () => {
    const options = {
      partition: 'gpu',
      time: '1-02:00:00',
      cpusPerTask: 4,
      gpusPerTask: 1,
      mem: '8G',
      arrayParallelism: 10,
      account: 'lab42',
      sbatchArgs: ['--qos=short', '--exclusive'],
    };
    const form = formFromSlurmOptions(options);
    expect(form.sbatchArgs).toBe('--qos=short\n--exclusive');
    expect(slurmOptionsFromForm(form)).toEqual({ ok: true, options });
  });

  it('leaves out what is empty (sbatch’s default), trims, and skips blank argument lines', () => {
    const form = {
      ...formFromSlurmOptions(null),
      time: ' 30 ',
      cpusPerTask: ' 2',
      sbatchArgs: '\n  --qos=short  \n\n',
    };
    expect(slurmOptionsFromForm(form)).toEqual({
      ok: true,
      options: { time: '30', cpusPerTask: 2, sbatchArgs: ['--qos=short'] },
    });
    expect(slurmOptionsFromForm(formFromSlurmOptions(null))).toEqual({ ok: true, options: {} });
  });

  it('refuses a count that is not a whole number of at least 1, at its input', () => {
    const form = { ...formFromSlurmOptions(null), cpusPerTask: '1.5', arrayParallelism: '0' };
    const result = slurmOptionsFromForm(form);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.problems).sort()).toEqual(['arrayParallelism', 'cpusPerTask']);
    expect(result.problems.cpusPerTask?.[0]).toMatch(/whole number/);
  });

  it('places the server’s problems at the input their path names, the rest under the form', () => {
    expect(
      placeSlurmIssues([
        { path: 'time', message: 'sbatch would not read 25:99' },
        { path: 'profile.mem', message: 'not a size' },
        { path: 'executor.slurm.sbatchArgs.1', message: '--array is set by Transferlab' },
        { path: 'profile', message: 'something else' },
        { path: '', message: 'sbatch is not reachable' },
      ]),
    ).toEqual({
      time: ['sbatch would not read 25:99'],
      mem: ['not a size'],
      sbatchArgs: ['--array is set by Transferlab'],
      form: ['profile: something else', 'sbatch is not reachable'],
    });
  });
});

describe('the profile in one line', () => {
  it('reads as the designer shows it', () => {
    expect(slurmOptionsLine({ partition: 'debug', time: '00:10:00', cpusPerTask: 1 })).toBe(
      'partition debug · 00:10:00 · 1 CPU',
    );
    expect(
      slurmOptionsLine({
        cpusPerTask: 4,
        gpusPerTask: 2,
        mem: '8G',
        arrayParallelism: 3,
        account: 'lab',
        sbatchArgs: ['--qos=short'],
      }),
    ).toBe('4 CPUs · 2 GPUs · 8G memory · at most 3 at once · account lab · --qos=short');
    expect(slurmOptionsLine({})).toBe('the cluster’s defaults');
  });
});

describe('Run on', () => {
  it('offers Slurm exactly when the server reaches it, and says why not otherwise', () => {
    expect(runOnOffer(undefined, null)).toEqual({ state: 'loading' });
    expect(runOnOffer(undefined, 'unknown method')).toEqual({
      state: 'failed',
      reason: 'Could not ask whether Slurm is reachable: unknown method',
    });
    expect(
      runOnOffer(
        { slurm: { available: false, reason: 'sbatch not found' }, slurmProfile: null },
        null,
      ),
    ).toEqual({ state: 'unavailable', reason: 'sbatch not found' });
    expect(runOnOffer(REACHABLE, null)).toEqual({
      state: 'available',
      version: 'slurm 22.05.8',
      profile: REACHABLE.slurmProfile,
    });
  });

  it('sends nothing for this machine, Slurm with the saved profile (or the cluster’s defaults)', () => {
    expect(executorChoice('local', REACHABLE)).toBeUndefined();
    expect(executorChoice('slurm', REACHABLE)).toEqual({
      kind: 'slurm',
      slurm: { partition: 'debug', time: '00:10:00', cpusPerTask: 1 },
    });
    expect(executorChoice('slurm', { ...REACHABLE, slurmProfile: null })).toEqual({
      kind: 'slurm',
      slurm: {},
    });
  });
});
