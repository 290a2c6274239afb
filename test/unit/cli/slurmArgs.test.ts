import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs, RunArgsSchema, UsageError } from '../../../src-main/cli/args';
import { formatIssue } from '../../../src-shared/result';
import { useTempDirs } from '../../helpers/tempDir';

/**
 * Issue 16, point 1: `transferlab run spec.json --executor slurm [--partition P] …`. The Slurm
 * flags mean nothing to a local run, so they are refused without `--executor slurm`, each by
 * its name, instead of being silently ignored.
 */

const tempDir = useTempDirs();

function specFile(): string {
  const file = join(tempDir(), 'spec.json');
  writeFileSync(file, '{}');
  return file;
}

function usageIssues(raw: Record<string, unknown>): string[] {
  try {
    parseArgs(RunArgsSchema, raw);
  } catch (e) {
    if (e instanceof UsageError) return e.issues.map(formatIssue);
    throw e;
  }
  throw new Error('expected a UsageError');
}

describe('run’s Slurm arguments', () => {
  it('parse the Slurm options, numbers as numbers, with --executor slurm', () => {
    const spec = specFile();
    expect(
      parseArgs(RunArgsSchema, {
        spec,
        executor: 'slurm',
        partition: ' gpu ',
        time: '02:00:00',
        cpusPerTask: '4',
        gpusPerTask: '1',
        mem: '4G',
        arrayParallelism: '8',
        account: 'lab-42',
        sbatchArg: ['--qos=high', '--exclusive'],
        detach: true,
      }),
    ).toEqual({
      spec,
      json: false,
      executor: 'slurm',
      partition: 'gpu',
      time: '02:00:00',
      cpusPerTask: 4,
      gpusPerTask: 1,
      mem: '4G',
      arrayParallelism: 8,
      account: 'lab-42',
      sbatchArg: ['--qos=high', '--exclusive'],
      detach: true,
    });
  });

  it('run locally by default, without detaching', () => {
    const spec = specFile();
    expect(parseArgs(RunArgsSchema, { spec })).toEqual({
      spec,
      json: false,
      executor: 'local',
      detach: false,
    });
    expect(usageIssues({ spec, executor: 'kubernetes' })).toHaveLength(1);
    expect(usageIssues({ spec, executor: 'kubernetes' })[0]).toMatch(/^--executor: /);
  });

  it('refuse a count that is not a whole number of at least 1, naming it', () => {
    const spec = specFile();
    // The flag's spelling is the last test's business.
    const flag = '--array-?[pP]arallelism';
    const issues = (value: string): string[] =>
      usageIssues({ spec, executor: 'slurm', arrayParallelism: value });
    expect(issues('0')).toEqual([expect.stringMatching(`^${flag}: must be at least 1$`)]);
    for (const bad of ['x', '1.5', '-2', '']) {
      expect(issues(bad), bad).toEqual([
        expect.stringMatching(`^${flag}: must be a whole number$`),
      ]);
    }
  });

  it('refuse Slurm options and --detach without --executor slurm, each by name, all at once', () => {
    const spec = specFile();
    expect(usageIssues({ spec, partition: 'gpu' })).toEqual([
      '--partition: is a Slurm option: add --executor slurm',
    ]);
    expect(
      usageIssues({
        spec,
        executor: 'local',
        time: '1:00',
        mem: '4G',
        account: 'a',
        detach: true,
      }),
    ).toEqual([
      '--time: is a Slurm option: add --executor slurm',
      '--mem: is a Slurm option: add --executor slurm',
      '--account: is a Slurm option: add --executor slurm',
      '--detach: only with --executor slurm (local runs need this process)',
    ]);
  });

  it('name a multi-word flag as it is typed on the command line', () => {
    const spec = specFile();
    // Issues are named by FLAG_NAMES, not by the camelCase key commander hands over.
    expect(
      usageIssues({
        spec,
        cpusPerTask: '2',
        gpusPerTask: '1',
        arrayParallelism: '3',
        sbatchArg: ['--qos=high'],
      }),
    ).toEqual([
      '--cpus-per-task: is a Slurm option: add --executor slurm',
      '--gpus-per-task: is a Slurm option: add --executor slurm',
      '--array-parallelism: is a Slurm option: add --executor slurm',
      '--sbatch-arg: is a Slurm option: add --executor slurm',
    ]);
  });
});
