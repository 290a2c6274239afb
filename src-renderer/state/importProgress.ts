import type { Api } from '../../src-shared/rpc/api';
import type { DatasetImportProgressEvent } from '../../src-shared/rpc/events';
import { formatInt } from '../lib/format';

/** What the import panel shows of a running import: a bar (when the total is known) and text. */
export interface ImportProgressView {
  /** 0..1 over the whole import; null while the total is not known (a spinner then). */
  fraction: number | null;
  /** Short enough for the panel's header, e.g. `Pass 2/2: writing` or `Reading 1,200 rows`. */
  text: string;
  /** How much of what, for a tooltip, e.g. `310.5 MiB of 512.0 MiB`. */
  detail: string;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

function amount(n: number, unit: DatasetImportProgressEvent['unit']): string {
  return unit === 'bytes' ? formatBytes(n) : formatInt(n);
}

/**
 * A CSV is read twice, each pass half of the bar (as in the CLI's, cli/importProgress.ts);
 * other formats count rows or files, one pass.
 */
export function importProgressView(e: DatasetImportProgressEvent): ImportProgressView {
  const part = e.total > 0 ? Math.min(1, e.done / e.total) : null;
  const detail = `${amount(e.done, e.unit)}${e.total > 0 ? ` of ${amount(e.total, e.unit)}` : ''}`;
  switch (e.phase) {
    case 'scan':
      return { fraction: part === null ? null : part / 2, text: 'Pass 1/2: scanning', detail };
    case 'write':
      return { fraction: part === null ? null : 0.5 + part / 2, text: 'Pass 2/2: writing', detail };
    case 'read':
      return {
        fraction: part,
        text: `Reading ${formatInt(e.done)} ${e.unit === 'files' ? 'files' : 'rows'}`,
        detail,
      };
  }
}

/** A fresh id for one import: random, so two windows' imports never share one. */
export function newImportId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Calls `update` with each `dataset.importProgress` event of the import named `importId`,
 * ignoring every other client's imports. Returns the unsubscribe function.
 */
export function watchImportProgress(
  onEvent: Api['onEvent'],
  importId: string,
  update: (view: ImportProgressView) => void,
): () => void {
  return onEvent((event) => {
    if (event.type !== 'dataset.importProgress' || event.importId !== importId) return;
    update(importProgressView(event));
  });
}
