import type { ImportProgress, ImportProgressListener, ImportStep } from './types';

/**
 * The least time between two reports of one import: about 5 a second, enough for a smooth bar.
 * A CSV reader sees a 256 KiB chunk every millisecond or so, and every report may become a
 * message to each connected window.
 */
export const PROGRESS_INTERVAL_MS = 200;

export interface ProgressReporter {
  /** A reader's step: passed on unless the last one went out under PROGRESS_INTERVAL_MS ago. */
  step(step: ImportStep): void;
  /** The last report, `done` == `total`, once every row is written; later steps are dropped. */
  finish(rows: number): void;
}

/** Throttles one import's steps for `listener`, naming the file and the client's import id. */
export function progressReporter(
  listener: ImportProgressListener | undefined,
  job: { file: string; importId?: string | undefined },
  now: () => number = Date.now,
): ProgressReporter {
  const about = {
    file: job.file,
    ...(job.importId !== undefined ? { importId: job.importId } : {}),
  };
  let lastAt = -Infinity;
  let last: ImportStep | null = null;
  let finished = false;
  const send = (step: ImportStep, final: boolean): void => {
    const progress: ImportProgress = { ...step, ...about, final };
    listener?.(progress);
  };
  return {
    step(step) {
      if (finished) return;
      last = step;
      const at = now();
      if (at - lastAt < PROGRESS_INTERVAL_MS) return;
      lastAt = at;
      send(step, false);
    },
    finish(rows) {
      if (finished) return;
      finished = true;
      // A CSV ends its second pass at the file's size; other formats count the rows written.
      const end: ImportStep =
        last !== null && last.total > 0
          ? { ...last, done: last.total }
          : { phase: 'read', unit: last?.unit ?? 'rows', done: rows, total: rows };
      send(end, true);
    },
  };
}
