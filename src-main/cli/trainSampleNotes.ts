import type { RunDetail } from '../../src-shared/domain/runs';
import { trainMetricSample, trainMetricSampleText } from '../../src-shared/domain/trainMetrics';
import type { ProgressReporter, RunDescriber } from './progress';

/** Reads what a run recorded (`runs.get`). */
export type RunReader = (runId: number) => Promise<Pick<RunDetail, 'config' | 'splitSizes'>>;

/**
 * Adds to `reporter` one line per run whose per-epoch `loss` and `acc` are measured on a fixed
 * sample of its training rows (issue 12), e.g. `run #3 … train metrics on a fixed sample of
 * 10,000 of 60,000 rows`, so the epoch lines are not read as whole-split figures. The sizes are
 * known once the trainer has loaded the data, which the `running` status naming the backend
 * announces; the line follows it.
 */
export function withTrainSampleNotes(
  readRun: RunReader,
  reporter: ProgressReporter,
  describe: RunDescriber,
): ProgressReporter {
  const asked = new Set<number>();
  let stopped = false;
  const noteFor = async (runId: number): Promise<void> => {
    const run = await readRun(runId);
    const sample = trainMetricSample(run.config, run.splitSizes);
    if (sample !== null && !stopped)
      reporter.note(`run ${describe(runId)} ${trainMetricSampleText(sample)}`);
  };
  return {
    handle(event) {
      reporter.handle(event);
      if (
        event.type === 'run.status' &&
        event.status === 'running' &&
        event.backend !== null &&
        !asked.has(event.runId)
      ) {
        asked.add(event.runId);
        // A note only: a run read back too late (the workspace closing) just goes without one.
        noteFor(event.runId).catch(() => undefined);
      }
    },
    note(line) {
      reporter.note(line);
    },
    stop() {
      stopped = true;
      reporter.stop();
    },
  };
}
