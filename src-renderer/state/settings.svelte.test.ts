import { flushSync } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Settings, THEME_STORAGE_KEY } from './settings.svelte';

/**
 * The theme preference: kept in localStorage, following the OS unless the user chose one. The OS's
 * choice is Svelte's `MediaQuery`, which asks `window.matchMedia` (the runes specs have no DOM:
 * the fake below answers) and follows its `change` events while an effect reads it.
 */

/** What `matchMedia` answers for the dark-scheme query; `change` is the OS switching. */
class FakeMediaQueryList extends EventTarget implements MediaQueryList {
  onchange: MediaQueryList['onchange'] = null;

  constructor(
    readonly media: string,
    public matches: boolean,
  ) {
    super();
  }

  change(matches: boolean): void {
    this.matches = matches;
    this.dispatchEvent(new Event('change'));
  }

  // The deprecated listener API, which Svelte does not use.
  addListener(): void {
    throw new Error('use addEventListener');
  }

  removeListener(): void {
    throw new Error('use removeEventListener');
  }
}

let osDark: FakeMediaQueryList;

beforeEach(() => {
  osDark = new FakeMediaQueryList('(prefers-color-scheme: dark)', false);
  const fakeWindow: Pick<Window, 'matchMedia'> = {
    matchMedia: (query) => {
      if (query !== osDark.media) throw new Error(`unexpected media query ${query}`);
      return osDark;
    },
  };
  vi.stubGlobal('window', fakeWindow);
});
afterEach(() => {
  vi.unstubAllGlobals();
});

function memoryStorage(initial: Record<string, string> = {}): Storage {
  const items = new Map(Object.entries(initial));
  return {
    get length() {
      return items.size;
    },
    clear: () => {
      items.clear();
    },
    getItem: (key) => items.get(key) ?? null,
    key: (i) => [...items.keys()][i] ?? null,
    removeItem: (key) => {
      items.delete(key);
    },
    setItem: (key, value) => {
      items.set(key, value);
    },
  };
}

describe('Settings', () => {
  it('restores a stored choice and ignores what it does not know', () => {
    expect(new Settings(memoryStorage({ [THEME_STORAGE_KEY]: 'dark' })).theme).toBe('dark');
    expect(new Settings(memoryStorage({ [THEME_STORAGE_KEY]: 'purple' })).theme).toBe('system');
    expect(new Settings(null).theme).toBe('system');
  });

  it('keeps a chosen theme, and forgets it when the user goes back to the system’s', () => {
    const storage = memoryStorage();
    const settings = new Settings(storage);
    settings.setTheme('light');
    expect(storage.getItem(THEME_STORAGE_KEY)).toBe('light');
    settings.setTheme('system');
    expect(storage.getItem(THEME_STORAGE_KEY)).toBeNull();
    expect(settings.theme).toBe('system');
  });

  it('still applies a choice when storage refuses it (private mode, quota)', () => {
    const refusing = memoryStorage();
    refusing.setItem = () => {
      throw new Error('QuotaExceededError');
    };
    refusing.getItem = () => {
      throw new Error('SecurityError');
    };
    const settings = new Settings(refusing);
    expect(settings.theme).toBe('system');
    settings.setTheme('dark');
    expect(settings.theme).toBe('dark');
    expect(settings.resolvedTheme).toBe('dark');
  });

  it('follows the OS’s scheme as it changes, unless the user chose one', () => {
    osDark.change(true);
    const settings = new Settings(memoryStorage());
    const seen: string[] = [];
    const stop = $effect.root(() => {
      $effect(() => {
        seen.push(settings.resolvedTheme);
      });
    });
    try {
      flushSync();
      expect(seen).toEqual(['dark']);
      osDark.change(false);
      flushSync();
      expect(seen).toEqual(['dark', 'light']);
      // A chosen theme wins over the OS's.
      settings.setTheme('dark');
      flushSync();
      osDark.change(true);
      osDark.change(false);
      flushSync();
      expect(seen).toEqual(['dark', 'light', 'dark']);
      settings.setTheme('system');
      flushSync();
      expect(seen).toEqual(['dark', 'light', 'dark', 'light']);
    } finally {
      stop();
    }
  });
});
