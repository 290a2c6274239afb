import type { CliIo } from './io';

/** What finishes within this shows no notice: it would only flicker. */
export const SLOW_AFTER_MS = 1000;

/**
 * Says `text` on stderr only when what follows takes more than a second ("Building the
 * report…", "Probing backends…"). Returns the function that cancels it once the work is done.
 */
export function slowNotice(io: Pick<CliIo, 'err'>, text: string): () => void {
  const timer = setTimeout(() => {
    io.err(`${text}\n`);
  }, SLOW_AFTER_MS);
  return () => {
    clearTimeout(timer);
  };
}
