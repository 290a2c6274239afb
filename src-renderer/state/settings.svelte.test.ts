import { describe, expect, it } from 'vitest';
import { Settings, THEME_STORAGE_KEY } from './settings.svelte';

/** The theme preference: kept in localStorage, following the OS unless the user chose one. */

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
    // A chosen theme wins over the OS's (whose query needs a browser).
    expect(settings.resolvedTheme).toBe('dark');
  });
});
