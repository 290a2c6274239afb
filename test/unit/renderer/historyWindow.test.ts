import { describe, expect, it } from 'vitest';
import {
  anchorShift,
  moveFocus,
  pagesOf,
  rowWindow,
  scrollToReveal,
} from '../../../src-renderer/lib/historyWindow';

const base = { rowHeight: 32, headerHeight: 32, viewport: 352, overscan: 5 };

describe('the virtual row window', () => {
  it('renders only the rows in view plus the overscan, with padding for the rest', () => {
    // 10 rows fit below the header (352 - 32 = 320 px).
    const top = rowWindow({ ...base, scrollTop: 0, total: 10_000 });
    expect(top).toEqual({ start: 0, end: 15, padTop: 0, padBottom: (10_000 - 15) * 32 });

    const middle = rowWindow({ ...base, scrollTop: 32 * 1000 + 10, total: 10_000 });
    expect(middle.start).toBe(995);
    expect(middle.end).toBe(1016);
    // The rendered rows and the padding always add up to the full height: no jump.
    for (const w of [top, middle]) {
      expect(w.padTop + (w.end - w.start) * 32 + w.padBottom).toBe(10_000 * 32);
    }
  });

  it('clamps at the bottom and for small or empty tables', () => {
    const bottom = rowWindow({ ...base, scrollTop: 32 * 10_000, total: 10_000 });
    expect(bottom.end).toBe(10_000);
    expect(bottom.padBottom).toBe(0);
    expect(rowWindow({ ...base, scrollTop: 0, total: 3 })).toEqual({
      start: 0,
      end: 3,
      padTop: 0,
      padBottom: 0,
    });
    expect(rowWindow({ ...base, scrollTop: 500, total: 0 })).toEqual({
      start: 0,
      end: 0,
      padTop: 0,
      padBottom: 0,
    });
    // A scroll position left over from a longer list still yields a valid window.
    const stale = rowWindow({ ...base, scrollTop: 99_999, total: 4 });
    expect(stale.start).toBeLessThanOrEqual(stale.end);
    expect(stale.end).toBe(4);
  });

  it('names the server pages that hold a range', () => {
    expect(pagesOf(0, 15, 200)).toEqual([0]);
    expect(pagesOf(195, 216, 200)).toEqual([0, 1]);
    expect(pagesOf(400, 400, 200)).toEqual([]);
    expect(pagesOf(399, 401, 200)).toEqual([1, 2]);
  });
});

describe('keyboard focus in the table', () => {
  it('moves within bounds and starts from the first row in view', () => {
    expect(moveFocus(null, 'ArrowDown', 50, 10, 7)).toBe(7);
    expect(moveFocus(null, 'End', 50, 10)).toBe(49);
    expect(moveFocus(3, 'ArrowUp', 50, 10)).toBe(2);
    expect(moveFocus(0, 'ArrowUp', 50, 10)).toBe(0);
    expect(moveFocus(49, 'ArrowDown', 50, 10)).toBe(49);
    expect(moveFocus(45, 'PageDown', 50, 10)).toBe(49);
    expect(moveFocus(5, 'PageUp', 50, 10)).toBe(0);
    expect(moveFocus(5, 'Home', 50, 10)).toBe(0);
    expect(moveFocus(5, 'ArrowDown', 0, 10)).toBeNull();
  });

  it('scrolls just enough to show the focused row below the sticky header', () => {
    const view = { scrollTop: 320, viewport: 352, rowHeight: 32, headerHeight: 32 };
    expect(scrollToReveal(12, view)).toBeNull();
    // Above the view: its top goes right under the header.
    expect(scrollToReveal(5, view)).toBe(160);
    // Below: its bottom goes to the bottom edge.
    expect(scrollToReveal(20, view)).toBe(32 + 21 * 32 - 352);
  });

  it('measures how far a run moved after a refresh', () => {
    const index = new Map([
      [7, 12],
      [8, 13],
    ]);
    expect(anchorShift(10, 7, (id) => index.get(id))).toBe(2);
    expect(anchorShift(10, 99, (id) => index.get(id))).toBe(0);
  });
});
