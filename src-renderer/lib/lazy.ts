/**
 * A dynamic `import()` started on first use and shared after: every caller awaits the same
 * promise, so a chunk is fetched once and a second visit renders without a loading flash. A failed
 * load (a chunk missing after an update, a dropped connection) is forgotten, so the next call
 * tries again instead of failing for the rest of the session.
 */
export function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
