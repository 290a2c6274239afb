import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import type { Result } from '../../src-shared/result';
import { Resource } from './resource.svelte';

/** A value fetched once and again on demand: one request at a time, errors kept for the view. */

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('Resource', () => {
  it('shares one request between loads made while it is in flight', async () => {
    const answers: ReturnType<typeof deferred<Result<number>>>[] = [];
    const resource = new Resource<number>(() => {
      const answer = deferred<Result<number>>();
      answers.push(answer);
      return answer.promise;
    });
    const first = resource.load();
    const second = resource.load();
    resource.ensure();
    expect(answers).toHaveLength(1);
    expect(resource.loading).toBe(true);
    answers[0]?.resolve({ ok: true, value: 7 });
    await Promise.all([first, second]);
    expect(resource.value).toBe(7);
    expect(resource.loading).toBe(false);
    // Loaded: ensure() asks nothing more, load() asks again.
    resource.ensure();
    expect(answers).toHaveLength(1);
    const third = resource.load();
    answers[1]?.resolve({ ok: true, value: 8 });
    await third;
    expect(resource.value).toBe(8);
  });

  it('keeps the last value beside an error, and clears the error on success', async () => {
    const results: Result<string>[] = [
      { ok: true, value: 'a' },
      { ok: false, error: { code: 'internal', message: 'down' } },
      { ok: true, value: 'b' },
    ];
    const resource = new Resource<string>(() => {
      const next = results.shift();
      return next ? Promise.resolve(next) : Promise.reject(new Error('asked once too often'));
    });
    await resource.load();
    await resource.load();
    expect(resource.value).toBe('a');
    expect(resource.error).toEqual({ code: 'internal', message: 'down' });
    await resource.load();
    expect(resource.value).toBe('b');
    expect(resource.error).toBeNull();
  });

  it('tells the view of each state it goes through: loading, the value, an error', async () => {
    const results: Result<string>[] = [
      { ok: true, value: 'a' },
      { ok: false, error: { code: 'internal', message: 'down' } },
    ];
    const resource = new Resource<string>(() => {
      const next = results.shift();
      return next ? Promise.resolve(next) : Promise.reject(new Error('asked once too often'));
    });
    const seen: string[] = [];
    const stop = $effect.root(() => {
      $effect(() => {
        const state = resource.loading ? 'loading' : (resource.error?.message ?? 'ok');
        seen.push(`${state} ${resource.value ?? '-'}`);
      });
    });
    try {
      flushSync();
      const loading = resource.load();
      flushSync();
      await loading;
      flushSync();
      const again = resource.load();
      flushSync();
      await again;
      flushSync();
      expect(seen).toEqual(['ok -', 'loading -', 'ok a', 'loading a', 'down a']);
    } finally {
      stop();
    }
  });
});
