import { describe, expect, it } from 'vitest';
import { runCampaign } from '../reliability/campaign';
import { useTempDirs } from '../helpers/tempDir';

/**
 * The short version of `npm run reliability` (issue 11): real `transferlab serve` and
 * `transferlab run` processes on one workspace, kill -9 of the CLI, the server or a trainer at
 * random points, restarted at random delays (at once half the time). The full campaign (50 kills)
 * is `npm run reliability`.
 */
const tempDir = useTempDirs();

describe('kill -9 at random points', () => {
  it('loses nothing committed, keeps counts true, and every run reaches a final state', async () => {
    const lines: string[] = [];
    const figures = await runCampaign({
      workspace: tempDir(),
      waves: 1,
      killsPerWave: 4,
      seed: 7,
      concurrency: 2,
      settleBoundS: 150,
      log: (line) => lines.push(line),
    });
    const context = `${lines.join('\n')}\n${JSON.stringify(figures, null, 2)}`;
    expect(figures.kills.cli + figures.kills.server + figures.kills.trainer, context).toBe(4);
    expect(figures.checks, context).toBeGreaterThanOrEqual(9);
    expect(figures.integrityFailures, context).toEqual([]);
    expect(figures.countMismatches, context).toEqual([]);
    expect(figures.lost, context).toEqual([]);
    expect(figures.unsettled, context).toBe(0);
    expect(figures.maxRunning, context).toBeLessThanOrEqual(2);
    expect(figures.statuses.queued ?? 0, context).toBe(0);
    expect(figures.statuses.running ?? 0, context).toBe(0);
  });
});
