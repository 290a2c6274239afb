import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BatchCoalescer, Coalescer, FrameBuffer } from '../../../src-renderer/lib/coalesce';

describe('coalescing', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs a burst of requests once', async () => {
    const task = vi.fn(() => Promise.resolve());
    const c = new Coalescer(task, 100);
    for (let i = 0; i < 50; i++) c.request();
    await vi.advanceTimersByTimeAsync(100);
    expect(task).toHaveBeenCalledTimes(1);
  });

  it('runs once more when requested while running, never twice at once', async () => {
    let running = 0;
    let maxRunning = 0;
    let release: () => void = () => undefined;
    const task = vi.fn(async () => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      running -= 1;
    });
    const c = new Coalescer(task, 10);
    c.request();
    await vi.advanceTimersByTimeAsync(10);
    c.request();
    c.request();
    release();
    await vi.advanceTimersByTimeAsync(10);
    release();
    await vi.advanceTimersByTimeAsync(10);
    expect(task).toHaveBeenCalledTimes(2);
    expect(maxRunning).toBe(1);
  });

  it('hands collected keys over in one batch', async () => {
    const batches: number[][] = [];
    const c = new BatchCoalescer<number>((keys) => {
      batches.push(keys);
      return Promise.resolve();
    }, 50);
    c.add(1);
    c.add(2);
    c.add(1);
    await vi.advanceTimersByTimeAsync(50);
    expect(batches).toEqual([[1, 2]]);
  });
});

describe('frame buffer', () => {
  it('keeps the latest value per key until the frame', () => {
    const frames: (() => void)[] = [];
    const flushed: [string, number][][] = [];
    const buffer = new FrameBuffer<string, number>(
      (entries) => flushed.push(entries),
      (cb) => frames.push(cb),
    );
    buffer.set('a', 1);
    buffer.set('a', 2);
    buffer.set('b', 3);
    buffer.set('c', 4);
    buffer.delete('c');
    expect(frames).toHaveLength(1);
    frames[0]?.();
    expect(flushed).toEqual([
      [
        ['a', 2],
        ['b', 3],
      ],
    ]);
    buffer.set('a', 5);
    expect(frames).toHaveLength(2);
  });
});
