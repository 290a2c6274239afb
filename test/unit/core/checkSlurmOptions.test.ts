import { describe, expect, it } from 'vitest';
import { checkSlurmOptions } from '../../../src-main/core/clusterSubmit';
import { AppFailure } from '../../../src-shared/result';

/**
 * Issue 16: Slurm options that sbatch would misread are refused before anything is created, each
 * at its own field (the designer shows the message there), all of them at once.
 */

const worker = {
  executable: '/opt/node/bin/node',
  script: '/shared/transferlab/bin/transferlab.js',
};

function failure(fn: () => void): AppFailure {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppFailure) return e;
    throw e;
  }
  throw new Error('expected an AppFailure');
}

describe('checkSlurmOptions', () => {
  it('accepts what sbatch reads as meant', () => {
    expect(() => {
      checkSlurmOptions(
        {
          partition: 'gpu,cpu',
          time: '1-12:00',
          cpusPerTask: 4,
          gpusPerTask: 1,
          mem: '4G',
          arrayParallelism: 3,
          account: 'lab-42',
          sbatchArgs: ['--qos=high', '--exclusive'],
        },
        worker,
      );
    }).not.toThrow();
    expect(() => {
      checkSlurmOptions({}, worker);
    }).not.toThrow();
  });

  it('reports each bad option at its own path, all at once', () => {
    const e = failure(() => {
      checkSlurmOptions(
        {
          partition: 'gpu',
          time: '2 hours',
          mem: '4 GB',
          account: 'a b',
          sbatchArgs: ['--qos=high', '--array=0-9', '-p gpu', '--comment=a\nb'],
        },
        worker,
      );
    });
    expect(e.code).toBe('invalid_input');
    expect(e.issues?.map((i) => i.path)).toEqual([
      'time',
      'mem',
      'account',
      'sbatchArgs.1',
      'sbatchArgs.2',
      'sbatchArgs.3',
    ]);
    expect(e.issues?.[0]?.message).toBe('--time "2 hours" is not valid');
    expect(e.issues?.[3]?.message).toBe('sbatch argument --array is set by Transferlab itself');
    expect(e.issues?.[4]?.message).toMatch(/write it as --name or --name=value/);
    expect(e.issues?.[5]?.message).toMatch(/newline/);
    // The message names every problem too, for a client that shows only it.
    for (const issue of e.issues ?? []) expect(e.message).toContain(issue.message);
    expect(e.message.startsWith('Slurm options refused: ')).toBe(true);
  });

  it('refuses counts sbatch cannot take at their paths', () => {
    const e = failure(() => {
      checkSlurmOptions({ cpusPerTask: 0, arrayParallelism: 1.5, gpusPerTask: 2 }, worker);
    });
    expect(e.issues?.map((i) => i.path)).toEqual(['cpusPerTask', 'arrayParallelism']);
  });
});
