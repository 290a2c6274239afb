import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSinfoPartitions } from '../../../../src-main/cluster/slurm/available';
import { runSlurmCommand, SlurmCommandError } from '../../../../src-main/cluster/slurm/command';
import { parseParsable } from '../../../../src-main/cluster/slurm/submit';

describe('parseParsable', () => {
  it("reads sbatch --parsable's job id, with a cluster or after a submit filter's notice", () => {
    expect(parseParsable('1234\n')).toEqual({ jobId: '1234' });
    expect(parseParsable('1234;hpc2\n')).toEqual({ jobId: '1234', cluster: 'hpc2' });
    expect(parseParsable('NOTICE: charged to lab-42\n77\n')).toEqual({ jobId: '77' });
    expect(() => parseParsable('Submitted batch job 12\n')).toThrow(/no job id/);
  });
});

describe('parseSinfoPartitions', () => {
  it("reads sinfo's partitions and marks the default one", () => {
    const captured = readFileSync(
      join(import.meta.dirname, '../../../fixtures/slurm/sinfo-partitions.txt'),
      'utf8',
    );
    expect(parseSinfoPartitions(captured)).toEqual([{ name: 'debug', isDefault: true, up: true }]);
    expect(parseSinfoPartitions('gpu|up\nlong|down\n')).toEqual([
      { name: 'gpu', isDefault: false, up: true },
      { name: 'long', isDefault: false, up: false },
    ]);
  });
});

describe('runSlurmCommand', () => {
  it('says that a missing command means this is not a Slurm login node', async () => {
    const error: unknown = await runSlurmCommand('transferlab-no-such-sbatch', ['--version']).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SlurmCommandError);
    expect((error as Error).message).toBe(
      'transferlab-no-such-sbatch not found: is this a Slurm login node?',
    );
  });

  it("reports a failed command's exit code and stderr, and passes stdin", async () => {
    const error: unknown = await runSlurmCommand('sh', [
      '-c',
      'echo "no such job" >&2; exit 3',
    ]).catch((e: unknown) => e);
    expect(error).toMatchObject({ exitCode: 3, stderr: 'no such job' });
    expect((error as Error).message).toBe('sh failed (exit code 3): no such job');
    await expect(runSlurmCommand('cat', [], { input: '#!/bin/sh\n' })).resolves.toEqual({
      stdout: '#!/bin/sh\n',
      stderr: '',
    });
  });

  it('stops at once a client that finds no slurm.conf, instead of its 60 s of retries', async () => {
    // What every Slurm client prints, then retries, when its configuration file is missing.
    const message =
      'sinfo: error: s_p_parse_file: cannot stat file /etc/slurm/slurm.conf: No such file or ' +
      'directory, retrying in 1sec up to 60sec';
    const started = Date.now();
    const error: unknown = await runSlurmCommand('sh', [
      '-c',
      `echo '${message}' >&2; sleep 60`,
    ]).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((error as Error).message).toBe(
      'sh finds no Slurm configuration (/etc/slurm/slurm.conf): set SLURM_CONF, or is this a ' +
        'Slurm login node?',
    );
  });

  it('kills a command that does not finish in time', async () => {
    const error: unknown = await runSlurmCommand('sleep', ['5'], { timeoutMs: 100 }).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toBe('sleep did not finish in time: is slurmctld reachable?');
  });
});
