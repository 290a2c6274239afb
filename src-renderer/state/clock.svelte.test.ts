import { flushSync } from 'svelte';
import type { createSubscriber } from 'svelte/reactivity';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Clock } from './clock.svelte';

/**
 * "Now", ticking once a second while something reads it, and costing nothing otherwise. Svelte's
 * `createSubscriber` starts the ticking when the first effect reads `now` and stops it after the
 * last one goes: the last spec has effects read it, the others play that part themselves to pin
 * down the timer. Fake timers fake `Date` too, so the ticks are exact and nothing waits for the
 * wall clock.
 */

const START = Date.UTC(2026, 11, 6, 10, 0, 0);

type Start = Parameters<typeof createSubscriber>[0];

/** A `createSubscriber` that hands the spec the clock's start function and counts the reads. */
function recordingSubscriber(): {
  subscriber: typeof createSubscriber;
  starts: Start[];
  reads: () => number;
} {
  const starts: Start[] = [];
  let reads = 0;
  const subscriber: typeof createSubscriber = (start) => {
    starts.push(start);
    return () => {
      reads += 1;
    };
  };
  return { subscriber, starts, reads: () => reads };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(START);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Clock', () => {
  it('reads the time without starting a timer when nothing subscribes', () => {
    const clock = new Clock();
    expect(clock.now).toBe(START);
    vi.advanceTimersByTime(2500);
    expect(clock.now).toBe(START + 2500);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('subscribes its reader on every read of now', () => {
    const { subscriber, starts, reads } = recordingSubscriber();
    const clock = new Clock(subscriber);
    expect(starts).toHaveLength(1);
    expect(reads()).toBe(0);
    expect(clock.now).toBe(START);
    vi.setSystemTime(START + 1234);
    expect(clock.now).toBe(START + 1234);
    expect(reads()).toBe(2);
    // Reading alone starts nothing: the subscriber starts the ticking for the first effect.
    expect(vi.getTimerCount()).toBe(0);
  });

  it('ticks once a second while subscribed, and stops ticking when let go', () => {
    const { subscriber, starts } = recordingSubscriber();
    const clock = new Clock(subscriber);
    expect(clock.now).toBe(START);
    const [start] = starts;
    if (start === undefined) throw new Error('the clock made no subscriber');
    const update = vi.fn<() => void>();
    const stop = start(update);
    expect(vi.getTimerCount()).toBe(1);

    vi.advanceTimersByTime(999);
    expect(update).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(update).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(2000);
    expect(update).toHaveBeenCalledTimes(3);

    stop?.();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(5000);
    expect(update).toHaveBeenCalledTimes(3);
  });

  it('re-runs the effects that read now once a second, and stops when the last one goes', async () => {
    const clock = new Clock();
    const first: number[] = [];
    const second: number[] = [];
    const stopFirst = $effect.root(() => {
      $effect(() => {
        first.push(clock.now);
      });
    });
    const stopSecond = $effect.root(() => {
      $effect(() => {
        second.push(clock.now);
      });
    });
    flushSync();
    expect(first).toEqual([START]);
    // One timer for both readers.
    expect(vi.getTimerCount()).toBe(1);

    vi.advanceTimersByTime(999);
    flushSync();
    expect(first).toEqual([START]);
    vi.advanceTimersByTime(1);
    flushSync();
    expect(first).toEqual([START, START + 1000]);
    vi.advanceTimersByTime(1000);
    flushSync();
    // Ticks that come between two flushes make one re-run, with the latest time.
    vi.advanceTimersByTime(2000);
    flushSync();
    expect(first).toEqual([START, START + 1000, START + 2000, START + 4000]);
    expect(second).toEqual(first);

    // The ticking goes on while one reader is left, and stops a microtask after the last goes.
    stopFirst();
    await Promise.resolve();
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(1000);
    flushSync();
    expect(second.at(-1)).toBe(START + 5000);
    expect(first).toHaveLength(4);
    stopSecond();
    await Promise.resolve();
    expect(vi.getTimerCount()).toBe(0);
  });
});
