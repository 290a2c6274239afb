import { describe, expect, it } from 'vitest';
import { waitsForSourceEnding } from '../../../src-main/core/clusterMonitor';
import { cancelQueuedRun } from '../../../src-main/store/runs';
import { useTempDirs } from '../../helpers/tempDir';
import { plannedWorkspace } from './clusterWorkspace';

/**
 * Issue 16: Slurm cancels a transfer task (DependencyNeverSatisfied) as soon as its source task
 * failed, and the monitor may see that before it sees the source's own end (seen in CI). The
 * transfer run then waits for its source run to end here, which ends it with the workspace's own
 * words, as for a local run; once the source has ended, Slurm's reason may end it.
 */

const tempDir = useTempDirs();
const cancelledForDependency = (jobId: string) =>
  ({ jobId, taskId: 0, state: 'CANCELLED', reason: 'DependencyNeverSatisfied' }) as const;

describe('a transfer task Slurm cancelled for its dependency', () => {
  it('waits for its source run to end in the workspace first', async () => {
    const w = await plannedWorkspace(tempDir());
    expect(waitsForSourceEnding(w.db, w.source, cancelledForDependency('9'))).toBe(true);
    // Other endings, and runs without a source, never wait.
    expect(waitsForSourceEnding(w.db, w.source, { jobId: '9', taskId: 0, state: 'TIMEOUT' })).toBe(
      false,
    );
    expect(
      waitsForSourceEnding(w.db, w.source, { jobId: '9', taskId: 0, state: 'CANCELLED' }),
    ).toBe(false);
    expect(waitsForSourceEnding(w.db, null, cancelledForDependency('9'))).toBe(false);
    // Once the source run has ended here, nothing is left to wait for.
    cancelQueuedRun(w.db, w.source);
    expect(waitsForSourceEnding(w.db, w.source, cancelledForDependency('9'))).toBe(false);
  });
});
