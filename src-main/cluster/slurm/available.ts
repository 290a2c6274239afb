import { runSlurmCommand, SlurmCommandError, type SlurmCallOptions } from './command';

/**
 * Whether this machine can submit to Slurm (issue 16): the designer offers "Run on: Slurm" and
 * the CLI accepts --executor slurm only where sbatch runs and slurmctld answers. The partitions
 * come with the answer, for the choice of a partition.
 */

export interface SlurmPartition {
  name: string;
  /** The partition a job without --partition goes to. */
  isDefault: boolean;
  up: boolean;
}

export type SlurmAvailability =
  | { available: true; version: string; partitions: SlurmPartition[] }
  | { available: false; reason: string };

export async function slurmAvailability(
  options: SlurmCallOptions = {},
): Promise<SlurmAvailability> {
  try {
    // sbatch alone says whether the client is installed; sinfo also needs slurmctld to answer.
    const { stdout: version } = await runSlurmCommand('sbatch', ['--version'], options);
    const { stdout: partitions } = await runSlurmCommand(
      'sinfo',
      ['--noheader', '--format=%P|%a'],
      options,
    );
    return {
      available: true,
      version: version.trim(),
      partitions: parseSinfoPartitions(partitions),
    };
  } catch (e) {
    if (e instanceof SlurmCommandError) return { available: false, reason: e.message };
    throw e;
  }
}

/** `sinfo --noheader --format=%P|%a`: one line per partition, the default one marked with '*'. */
export function parseSinfoPartitions(text: string): SlurmPartition[] {
  const partitions: SlurmPartition[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const match = /^([^|*]+)(\*?)\|(\S+)$/.exec(line.trim());
    if (match === null) throw new Error(`sinfo printed an unexpected line: ${line}`);
    const [, name = '', star, availability] = match;
    partitions.push({ name, isDefault: star === '*', up: availability === 'up' });
  }
  return partitions;
}
