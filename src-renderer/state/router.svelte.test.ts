import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import type { Route } from '../lib/routes';
import { Router, type RouterWindow } from './router.svelte';

/**
 * The hash is the source of truth: the router reads it at start and on every `hashchange`, and
 * navigates by writing it. A browser fires `hashchange` later, and not at all when the hash is
 * written unchanged; the fake window below lets each spec say when it fires.
 */

interface FakeWindow extends RouterWindow {
  /** Every write to `location.hash` (a navigation that makes a history entry). */
  readonly hashWrites: string[];
  /** Every `history.replaceState` URL. */
  readonly replaced: string[];
  /** The browser's `hashchange`, after a write or the back button. */
  fireHashChange(): void;
  /** The user goes back (or edits the address bar): the hash changes without the router. */
  back(hash: string): void;
}

function fakeWindow(initialHash: string, base = 'app://transferlab/index.html'): FakeWindow {
  let hash = initialHash;
  const hashWrites: string[] = [];
  const replaced: string[] = [];
  const listeners: (() => void)[] = [];
  const fireHashChange = (): void => {
    for (const listener of listeners) listener();
  };
  return {
    hashWrites,
    replaced,
    location: {
      get hash() {
        return hash;
      },
      set hash(value: string) {
        hashWrites.push(value);
        hash = value;
      },
      get href() {
        return `${base}${hash}`;
      },
    },
    history: {
      state: { scroll: 0 },
      replaceState: (_state: unknown, _unused: string, url?: string | URL | null) => {
        const text = String(url ?? '');
        replaced.push(text);
        hash = text.slice(text.indexOf('#'));
      },
    },
    addEventListener: (_type, listener) => {
      listeners.push(listener);
    },
    fireHashChange,
    back: (next) => {
      hash = next;
      fireHashChange();
    },
  };
}

describe('Router', () => {
  it('starts from the hash it finds, and from the experiments list without one', () => {
    const run = new Router(fakeWindow('#/runs/7'));
    expect(run.route).toEqual({ name: 'run', id: 7 });
    expect(run.section).toBe('runs');
    const home = new Router(fakeWindow(''));
    expect(home.route).toEqual({ name: 'experiments' });
    expect(home.section).toBe('experiments');
    const lost = new Router(fakeWindow('#/nowhere/at/all'));
    expect(lost.route).toEqual({ name: 'not-found', path: '/nowhere/at/all' });
    expect(lost.section).toBeNull();
  });

  it('navigates by writing the hash, and follows it when it changes', () => {
    const routes: Route[] = [
      { name: 'experiment', id: 12 },
      { name: 'experiment-new', example: 'digits split' },
      { name: 'datasets' },
      { name: 'dataset', id: 3 },
      { name: 'compare', experiments: [1, 2], runs: [7], setup: 4 },
      { name: 'settings' },
      { name: 'runs' },
    ];
    const win = fakeWindow('#/experiments');
    const router = new Router(win);
    for (const route of routes) {
      router.go(route);
      // Nothing changes until the browser says the hash did.
      expect(router.route).not.toEqual(route);
      win.fireHashChange();
      expect(router.route).toEqual(route);
    }
    expect(win.hashWrites).toEqual([
      '#/experiments/12',
      '#/experiments/new?example=digits%20split',
      '#/datasets',
      '#/datasets/3',
      '#/compare?experiments=1,2&runs=7&setup=4',
      '#/settings',
      '#/runs',
    ]);
    expect(router.section).toBe('runs');
  });

  it('follows back and forward, which change the hash without it', () => {
    const win = fakeWindow('#/runs/5');
    const router = new Router(win);
    win.back('#/compare?runs=9,x,9&experiments=2');
    expect(router.route).toEqual({ name: 'compare', experiments: [2], runs: [9], setup: null });
    expect(router.section).toBe('compare');
    expect(win.hashWrites).toEqual([]);
  });

  it('going where it already is reads the route again without a history entry', () => {
    // A browser fires no hashchange for an unchanged hash: the route is set directly, even
    // when the router's had moved on (a view set it) while the hash stayed.
    const win = fakeWindow('#/runs/5');
    const router = new Router(win);
    router.route = { name: 'runs' };
    router.go({ name: 'run', id: 5 });
    expect(router.route).toEqual({ name: 'run', id: 5 });
    expect(win.hashWrites).toEqual([]);
  });

  it('replaces the current entry: the route at once, the URL kept but for its hash', () => {
    const win = fakeWindow('#/experiments/new');
    const router = new Router(win);
    router.replace({ name: 'experiment', id: 42 });
    expect(router.route).toEqual({ name: 'experiment', id: 42 });
    expect(router.section).toBe('experiments');
    expect(win.replaced).toEqual(['app://transferlab/index.html#/experiments/42']);
    expect(win.hashWrites).toEqual([]);
    expect(win.location.hash).toBe('#/experiments/42');
  });

  it('tells the views reading the route and its section when the hash changes', () => {
    const win = fakeWindow('#/runs/5');
    const router = new Router(win);
    const sections: (string | null)[] = [];
    const names: string[] = [];
    const stop = $effect.root(() => {
      $effect(() => {
        sections.push(router.section);
      });
      $effect(() => {
        names.push(router.route.name);
      });
    });
    try {
      flushSync();
      win.back('#/runs');
      flushSync();
      win.back('#/datasets/3');
      flushSync();
      expect(names).toEqual(['run', 'runs', 'dataset']);
      // The section is derived: a new route in the same section changes nothing for its readers.
      expect(sections).toEqual(['runs', 'datasets']);
    } finally {
      stop();
    }
  });
});
