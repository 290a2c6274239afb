import { describe, expect, it } from 'vitest';
import { REQUIRE_SLURM, slurmPolicy } from '../../helpers/slurm';

/** Where the Slurm tests run, fail or skip (test/helpers/slurm.ts); no cluster needed. */
describe('the Slurm tests without a cluster', () => {
  it('run where one answers, whatever the environment says', () => {
    expect(slurmPolicy(undefined, {})).toEqual({ action: 'run' });
    expect(slurmPolicy(undefined, { [REQUIRE_SLURM]: '1' })).toEqual({ action: 'run' });
  });

  it('fail in CI, which requires one, and skip elsewhere, saying how to start one', () => {
    const missing = 'sbatch not found: is this a Slurm login node?';
    const ci = slurmPolicy(missing, { [REQUIRE_SLURM]: '1' });
    const here = slurmPolicy(missing, { [REQUIRE_SLURM]: undefined });
    expect(ci.action).toBe('fail');
    expect(here.action).toBe('skip');
    for (const p of [ci, here]) {
      if (p.action === 'run') continue;
      expect(p.message).toContain(missing);
      expect(p.message).toContain('scripts/slurm/start-one-node.sh');
    }
    expect(slurmPolicy(missing, { [REQUIRE_SLURM]: '0' }).action).toBe('skip');
  });
});
