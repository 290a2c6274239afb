import type { Section } from '../lib/routes';

export interface ShortcutActions {
  go(section: Section): void;
  newExperiment(): void;
  focusSearch(): boolean;
  escape(): void;
  toggleHelp(): void;
}

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** True when the key went to a text field (shortcuts other than Esc are then left alone). */
  inField: boolean;
}

const GO_KEYS: Record<string, Section> = {
  e: 'experiments',
  r: 'runs',
  d: 'datasets',
  m: 'models',
  c: 'compare',
  s: 'settings',
};

export const SHORTCUTS: readonly { keys: string; action: string }[] = [
  { keys: 'g e', action: 'Experiments' },
  { keys: 'g r', action: 'Runs' },
  { keys: 'g d', action: 'Datasets' },
  { keys: 'g m', action: 'Models' },
  { keys: 'g c', action: 'Compare' },
  { keys: 'g s', action: 'Settings' },
  { keys: 'n', action: 'New experiment' },
  { keys: '/', action: 'Focus the search field' },
  { keys: 'Esc', action: 'Close, leave a field, leave the designer (asks if changed)' },
  { keys: '?', action: 'Show these shortcuts' },
  { keys: '↑ ↓', action: 'Runs table: move the focused run' },
  { keys: 'PgUp PgDn Home End', action: 'Runs table: a page up or down, the first or last run' },
  { keys: 'Enter', action: 'Runs table: open the focused run' },
  { keys: 'Space', action: 'Runs table: select or unselect the focused run' },
];

/**
 * Keyboard shortcuts as a small state machine ("g" then a letter within 1.5 s), free of the DOM
 * so it can be tested. Returns true when the key was handled (the caller prevents the default).
 */
export function createShortcutHandler(actions: ShortcutActions, now: () => number = Date.now) {
  let pendingG: number | null = null;
  return (key: KeyLike): boolean => {
    if (key.ctrlKey || key.metaKey || key.altKey) return false;
    if (key.key === 'Escape') {
      pendingG = null;
      actions.escape();
      return true;
    }
    if (key.inField) return false;
    if (pendingG !== null && now() - pendingG < 1500) {
      pendingG = null;
      const section = GO_KEYS[key.key];
      if (section) {
        actions.go(section);
        return true;
      }
      return false;
    }
    pendingG = null;
    switch (key.key) {
      case 'g':
        pendingG = now();
        return true;
      case 'n':
        actions.newExperiment();
        return true;
      case '/':
        return actions.focusSearch();
      case '?':
        actions.toggleHelp();
        return true;
      default:
        return false;
    }
  };
}
