import { Presets, SingleBar } from 'cli-progress';
import type { ImportProgress } from '../import/types';
import type { CliIo } from './io';

/** Imports shorter than this show no bar: it would only flicker. */
const SHOW_AFTER_MS = 1000;

/**
 * A progress bar on stderr for an import that takes over a second, on a terminal only (a pipe
 * or a log gets nothing: the summary says it all). A CSV's two passes are each half the bar;
 * other formats count the rows written.
 */
export function importProgress(io: CliIo): {
  handle: (p: ImportProgress) => void;
  stop: () => void;
} {
  const started = Date.now();
  let bar: SingleBar | null = null;
  let stopped = false;
  return {
    handle: (p) => {
      if (stopped || !io.stderrIsTTY || Date.now() - started < SHOW_AFTER_MS) return;
      if (bar === null) {
        bar = new SingleBar(
          {
            stream: io.stderr,
            format: 'import |{bar}| {percentage}% | {phase}',
            barsize: 30,
            hideCursor: true,
            fps: 5,
          },
          Presets.shades_classic,
        );
        bar.start(1000, 0, { phase: p.phase });
      }
      if (p.total > 0) {
        const half = p.phase === 'write' ? 500 : 0;
        bar.update(half + Math.round((500 * p.done) / p.total), {
          phase: p.phase === 'scan' ? 'pass 1/2: scanning' : 'pass 2/2: writing',
        });
      } else {
        bar.update(0, { phase: `${p.done} rows` });
      }
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      bar?.stop();
    },
  };
}
