import { flushSync } from 'svelte';
import { SvelteMap, createSubscriber } from 'svelte/reactivity';
import { describe, expect, it } from 'vitest';

/**
 * The runes specs run on Svelte's client runtime, as the renderer does. On the server build
 * (what Vitest's node environment loads unless vitest.config.ts says otherwise) effects never
 * run, `$state` is a plain field, `SvelteMap` is a `Map` and `createSubscriber` does nothing:
 * every spec that reads state after a change would still pass, testing no reactivity at all.
 * These fail as soon as the runes project stops compiling for, and resolving, the client.
 */

class Counter {
  count = $state(0);
  readonly double: number = $derived(this.count * 2);
}

describe('the runes project’s runtime', () => {
  it('runs effects, and runs them again when the $state or $derived they read changes', () => {
    const counter = new Counter();
    const seen: number[] = [];
    const stop = $effect.root(() => {
      $effect(() => {
        seen.push(counter.double);
      });
    });
    try {
      flushSync();
      expect(seen).toEqual([0]);
      counter.count = 2;
      flushSync();
      expect(seen).toEqual([0, 4]);
    } finally {
      stop();
    }
    // Destroyed: a change no longer reaches it.
    counter.count = 3;
    flushSync();
    expect(seen).toEqual([0, 4]);
  });

  it('tells readers of a SvelteMap of the keys they read', () => {
    const map = new SvelteMap<string, number>();
    expect(map).toBeInstanceOf(SvelteMap);
    const seen: (number | undefined)[] = [];
    const stop = $effect.root(() => {
      $effect(() => {
        seen.push(map.get('a'));
      });
    });
    try {
      flushSync();
      map.set('a', 1);
      flushSync();
      map.set('b', 2);
      flushSync();
      map.delete('a');
      flushSync();
      expect(seen).toEqual([undefined, 1, undefined]);
    } finally {
      stop();
    }
  });

  it('starts a createSubscriber for its first reader and stops it after the last', async () => {
    const events: string[] = [];
    let update: () => void = () => undefined;
    const subscribe = createSubscriber((next) => {
      events.push('start');
      update = next;
      return () => {
        events.push('stop');
      };
    });
    let reads = 0;
    const stop = $effect.root(() => {
      $effect(() => {
        subscribe();
        reads += 1;
      });
      $effect(() => {
        subscribe();
      });
    });
    flushSync();
    expect(events).toEqual(['start']);
    expect(reads).toBe(1);
    update();
    flushSync();
    expect(reads).toBe(2);
    stop();
    // The count goes down a microtask after the readers are destroyed.
    await Promise.resolve();
    expect(events).toEqual(['start', 'stop']);
  });
});
