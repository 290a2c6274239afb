import { MediaQuery } from 'svelte/reactivity';
import type { ResolvedTheme } from '../lib/chartTheme';

export type ThemePreference = 'system' | 'light' | 'dark';
export const THEME_STORAGE_KEY = 'transferlab.theme';

function isThemePreference(value: unknown): value is ThemePreference {
  return value === 'system' || value === 'light' || value === 'dark';
}

/** User preferences kept in localStorage; the theme follows the OS unless overridden. */
export class Settings {
  readonly #prefersDark = new MediaQuery('(prefers-color-scheme: dark)', false);
  readonly #storage: Storage | null;
  theme = $state<ThemePreference>('system');
  readonly resolvedTheme: ResolvedTheme = $derived(
    this.theme === 'system' ? (this.#prefersDark.current ? 'dark' : 'light') : this.theme,
  );

  constructor(storage: Storage | null) {
    this.#storage = storage;
    try {
      const stored = storage?.getItem(THEME_STORAGE_KEY);
      if (isThemePreference(stored)) this.theme = stored;
    } catch {
      // Storage disabled: follow the OS.
    }
  }

  setTheme(theme: ThemePreference): void {
    this.theme = theme;
    try {
      if (theme === 'system') this.#storage?.removeItem(THEME_STORAGE_KEY);
      else this.#storage?.setItem(THEME_STORAGE_KEY, theme);
    } catch {
      // Not persisted; still applied for this session.
    }
  }
}
