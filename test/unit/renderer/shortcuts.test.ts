import { describe, expect, it } from 'vitest';
import { createShortcutHandler, type KeyLike } from '../../../src-renderer/state/shortcuts';

function setup() {
  const calls: string[] = [];
  let now = 0;
  const handle = createShortcutHandler(
    {
      go: (section) => calls.push(`go:${section}`),
      newExperiment: () => calls.push('new'),
      focusSearch: () => {
        calls.push('search');
        return true;
      },
      escape: () => calls.push('esc'),
      toggleHelp: () => calls.push('help'),
    },
    () => now,
  );
  const press = (key: string, extra: Partial<KeyLike> = {}) =>
    handle({ key, ctrlKey: false, metaKey: false, altKey: false, inField: false, ...extra });
  return {
    calls,
    press,
    wait: (ms: number) => {
      now += ms;
    },
  };
}

describe('keyboard shortcuts', () => {
  it('navigates with g then a letter', () => {
    const s = setup();
    expect(s.press('g')).toBe(true);
    expect(s.press('r')).toBe(true);
    s.press('g');
    s.press('e');
    expect(s.calls).toEqual(['go:runs', 'go:experiments']);
  });

  it('forgets a g after 1.5 s', () => {
    const s = setup();
    s.press('g');
    s.wait(2000);
    expect(s.press('r')).toBe(false);
    expect(s.calls).toEqual([]);
  });

  it('handles n, / and ?', () => {
    const s = setup();
    s.press('n');
    s.press('/');
    s.press('?');
    expect(s.calls).toEqual(['new', 'search', 'help']);
  });

  it('leaves text fields and modified keys alone, except Esc', () => {
    const s = setup();
    expect(s.press('n', { inField: true })).toBe(false);
    expect(s.press('g', { ctrlKey: true })).toBe(false);
    expect(s.press('Escape', { inField: true })).toBe(true);
    expect(s.calls).toEqual(['esc']);
  });
});
