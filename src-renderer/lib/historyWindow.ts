/**
 * Virtual scrolling maths for the History table: rows have one fixed height, so which rows are in
 * view, how much space stands in for the rest, and which server pages hold them are arithmetic on
 * the scroll position. Only those rows (plus a margin) are in the DOM, however many runs match.
 */

export interface WindowInput {
  /** The scroll container's scrollTop. */
  scrollTop: number;
  /** Its visible height (clientHeight), sticky header included. */
  viewport: number;
  rowHeight: number;
  /** The sticky header's height: rows start below it. */
  headerHeight: number;
  /** Rows matching the query, all pages together. */
  total: number;
  /** Rows kept in the DOM beyond each edge of the view. */
  overscan: number;
}

export interface RowWindow {
  /** First row index rendered (inclusive). */
  start: number;
  /** Last row index rendered (exclusive). */
  end: number;
  /** Height standing in for the rows above and below the rendered ones. */
  padTop: number;
  padBottom: number;
}

export function rowWindow(w: WindowInput): RowWindow {
  const total = Math.max(0, Math.floor(w.total));
  if (total === 0 || w.rowHeight <= 0) return { start: 0, end: 0, padTop: 0, padBottom: 0 };
  const top = Math.max(0, w.scrollTop);
  const firstVisible = Math.floor(top / w.rowHeight);
  const lastVisible = Math.ceil((top + Math.max(0, w.viewport - w.headerHeight)) / w.rowHeight);
  const start = Math.min(total, Math.max(0, firstVisible - w.overscan));
  const end = Math.min(total, Math.max(start, lastVisible + w.overscan));
  return {
    start,
    end,
    padTop: start * w.rowHeight,
    padBottom: (total - end) * w.rowHeight,
  };
}

/** Indices of the server pages that hold rows [start, end). */
export function pagesOf(start: number, end: number, pageSize: number): number[] {
  if (end <= start || pageSize <= 0) return [];
  const first = Math.floor(start / pageSize);
  const last = Math.floor((end - 1) / pageSize);
  const pages: number[] = [];
  for (let p = first; p <= last; p += 1) pages.push(p);
  return pages;
}

/**
 * The scrollTop that brings row `index` fully into view below the sticky header, moving as little
 * as possible; null when it is already in view.
 */
export function scrollToReveal(
  index: number,
  w: Pick<WindowInput, 'scrollTop' | 'viewport' | 'rowHeight' | 'headerHeight'>,
): number | null {
  const top = index * w.rowHeight;
  if (top < w.scrollTop) return top;
  const bottom = w.headerHeight + (index + 1) * w.rowHeight;
  if (bottom > w.scrollTop + w.viewport) return Math.max(0, bottom - w.viewport);
  return null;
}

export type FocusKey = 'ArrowUp' | 'ArrowDown' | 'PageUp' | 'PageDown' | 'Home' | 'End';

export function isFocusKey(key: string): key is FocusKey {
  return ['ArrowUp', 'ArrowDown', 'PageUp', 'PageDown', 'Home', 'End'].includes(key);
}

/**
 * The focused row after a key: nothing focused yet starts at the top (or at the first row in
 * view), and the result always lies within [0, total).
 */
export function moveFocus(
  current: number | null,
  key: FocusKey,
  total: number,
  pageRows: number,
  firstInView = 0,
): number | null {
  if (total <= 0) return null;
  const last = total - 1;
  const clamp = (i: number): number => Math.min(last, Math.max(0, i));
  if (current === null) {
    if (key === 'End') return last;
    if (key === 'Home') return 0;
    return clamp(firstInView);
  }
  const step = Math.max(1, pageRows);
  switch (key) {
    case 'ArrowUp':
      return clamp(current - 1);
    case 'ArrowDown':
      return clamp(current + 1);
    case 'PageUp':
      return clamp(current - step);
    case 'PageDown':
      return clamp(current + step);
    case 'Home':
      return 0;
    case 'End':
      return last;
  }
}

/**
 * How many rows the run at `oldIndex` moved after a refresh (new runs appear above it when the
 * table is sorted newest first): the view scrolls by as much, so what the user reads stays put.
 * Zero when the run is gone or not loaded.
 */
export function anchorShift(
  oldIndex: number,
  id: number,
  indexOf: (id: number) => number | undefined,
): number {
  const now = indexOf(id);
  return now === undefined ? 0 : now - oldIndex;
}
