import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { describeOnSlurm } from '../../helpers/slurm';
import { useTempDirs } from '../../helpers/tempDir';
import { tinySpec } from '../../helpers/tinySpec';
import { transferlab } from '../../helpers/transferlabCli';

/**
 * Issue 16 as a user drives it: `transferlab run spec.json --executor slurm` on a real one-node
 * cluster (bin/transferlab.js, as typed), to completion, and `--detach` followed by
 * `transferlab sync`. The runs' tasks are real `transferlab worker` processes.
 */

const tempDir = useTempDirs();
const WAIT_MS = 300_000;

const RunJson = z.object({
  experimentId: z.int(),
  runs: z.array(
    z.object({ id: z.int(), kind: z.string(), strategy: z.string(), status: z.string() }),
  ),
});
const RunsJson = z.array(z.object({ id: z.int(), status: z.string() }));

function specFile(dir: string, name: string): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(tinySpec(name)));
  return file;
}

await describeOnSlurm('transferlab run --executor slurm (issue 16)', () => {
  it(
    'runs a spec on Slurm to completion and prints its summary',
    async () => {
      const dir = tempDir();
      const workspace = join(dir, 'ws');
      const result = await transferlab([
        'run',
        specFile(dir, 'on-slurm'),
        '--workspace',
        workspace,
        '--executor',
        'slurm',
        '--time',
        '00:10:00',
        '--json',
      ]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(
        /Experiment #1: 3 of 3 run\(s\) submitted to Slurm as 3 array job\(s\)/,
      );
      const output = RunJson.parse(JSON.parse(result.stdout));
      expect(output.runs.map((r) => [r.kind, r.strategy, r.status])).toEqual([
        ['source', 'source', 'completed'],
        ['transfer', 'scratch', 'completed'],
        ['transfer', 'fine-tune', 'completed'],
      ]);
    },
    WAIT_MS + 60_000,
  );

  it(
    '--detach submits and returns; sync brings the results in',
    async () => {
      const dir = tempDir();
      const workspace = join(dir, 'ws');
      const submitted = await transferlab([
        'run',
        specFile(dir, 'detached'),
        '--workspace',
        workspace,
        '--executor',
        'slurm',
        '--detach',
      ]);
      expect(submitted.code, submitted.stderr).toBe(0);
      expect(submitted.stderr).toMatch(/Detached: the runs go on in Slurm/);

      const deadline = Date.now() + WAIT_MS;
      let statuses: string[] = [];
      while (Date.now() < deadline) {
        const sync = await transferlab(['sync', '--workspace', workspace, '--json']);
        expect(sync.code, sync.stderr).toBe(0);
        const runs = await transferlab(['runs', '--workspace', workspace, '--json']);
        statuses = RunsJson.parse(JSON.parse(runs.stdout)).map((r) => r.status);
        if (statuses.every((s) => s === 'completed')) break;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      expect(statuses).toEqual(['completed', 'completed', 'completed']);
    },
    WAIT_MS + 60_000,
  );

  it('refuses Slurm options without --executor slurm, and a time limit sbatch would misread', async () => {
    const dir = tempDir();
    const spec = specFile(dir, 'refused');
    const flagOnly = await transferlab([
      'run',
      spec,
      '--workspace',
      join(dir, 'a'),
      '--time',
      '10',
    ]);
    expect(flagOnly.code).toBe(2);
    expect(flagOnly.stderr).toMatch(/time: is a Slurm option: add --executor slurm/);
    const badTime = await transferlab([
      'run',
      spec,
      '--workspace',
      join(dir, 'b'),
      '--executor',
      'slurm',
      '--time',
      'soon',
    ]);
    expect(badTime.code).toBe(2);
    expect(badTime.stderr).toMatch(/--time "soon" is not valid/);
  });
});
