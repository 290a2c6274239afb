import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src-main/core/paths';
import { openView, prepareEveryView, type ViewCase } from './everyView';
import { ARTIFACTS, useWorkbench } from './workbench';

/**
 * Issue 14's accessibility items, on every view in both themes: axe-core finds no WCAG 2 A/AA
 * violation (text contrast ≥ 4.5:1 included), and the Tab key reaches every control, each with a
 * visible focus ring.
 */

const bench = useWorkbench('accessibility');
const AXE_SOURCE = readFileSync(
  join(projectRoot(), 'node_modules', 'axe-core', 'axe.min.js'),
  'utf8',
);
/** Every WCAG 2.0 and 2.1 rule at levels A and AA; none is turned off. */
const WCAG_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

let views: ViewCase[] = [];
let page: Page;

beforeAll(async () => {
  page = await bench.browser.newPage({ viewport: { width: 1280, height: 720 } });
  views = await prepareEveryView(bench, page);
}, 240_000);

/** One violation as the report lists it: the rule, and the elements it names. */
interface Finding {
  rule: string;
  impact: string | null;
  help: string;
  targets: string[];
  summary: string[];
}

async function axeFindings(p: Page): Promise<Finding[]> {
  // Evaluated rather than added as a <script>: the app's CSP (script-src 'self') refuses inline
  // scripts, rightly, and a test should not loosen it. Evaluation over the DevTools protocol is
  // not subject to it.
  const loaded = await p.evaluate(() => 'axe' in globalThis);
  if (!loaded) await p.evaluate(AXE_SOURCE);
  return p.evaluate(async (tags) => {
    interface AxeNode {
      target: unknown[];
      failureSummary?: string;
    }
    interface AxeResult {
      id: string;
      impact?: string | null;
      help: string;
      nodes: AxeNode[];
    }
    const axe = (
      globalThis as unknown as {
        axe: {
          run(context: unknown, options: unknown): Promise<{ violations: AxeResult[] }>;
        };
      }
    ).axe;
    const doc = (globalThis as unknown as { document: unknown }).document;
    const { violations } = await axe.run(doc, { runOnly: { type: 'tag', values: tags } });
    return violations.map((v) => ({
      rule: v.id,
      impact: v.impact ?? null,
      help: v.help,
      targets: v.nodes.map((n) => n.target.map(String).join(' ')),
      summary: v.nodes.map((n) => (n.failureSummary ?? '').split('\n').slice(1, 2).join('')),
    }));
  }, WCAG_AA);
}

describe('accessibility (issue 14)', () => {
  it('axe finds no WCAG 2 AA violation on any view, light or dark', async () => {
    const found: string[] = [];
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const view of views) {
        await openView(page, bench.server.url, view);
        await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe(scheme);
        for (const f of await axeFindings(page)) {
          found.push(
            `${view.name} (${scheme}): ${f.rule} [${f.impact ?? '?'}] ${f.help}\n` +
              f.targets.map((t, i) => `    ${t} — ${f.summary[i] ?? ''}`).join('\n'),
          );
        }
      }
    }
    expect(found.join('\n')).toBe('');
  });

  it('Tab reaches every control of every view, each with a visible focus ring', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    const problems: string[] = [];
    for (const view of views) {
      await openView(page, bench.server.url, view);
      const result = await tabThrough(page);
      for (const missed of result.unreached) problems.push(`${view.name}: not reached: ${missed}`);
      for (const bare of result.ringless) problems.push(`${view.name}: no focus ring: ${bare}`);
      if (result.reached === 0) problems.push(`${view.name}: Tab reached nothing`);
    }
    if (problems.length > 0)
      await page.screenshot({ path: join(ARTIFACTS, 'accessibility-keyboard-failure.png') });
    expect(problems.join('\n')).toBe('');
  });
});

interface TabResult {
  reached: number;
  unreached: string[];
  ringless: string[];
}

/*
 * The page-side scripts of the keyboard check, as source text: they run in Chromium, where the
 * DOM's types (which this project's e2e code compiles without) are real, and text keeps the test
 * transpiler's helpers out of them.
 */

/** How a control is named in a report: tag, test id or label, and a little text. */
const NAME_OF = `(el) => {
  const id = el.getAttribute('data-testid');
  const label = el.getAttribute('aria-label') ?? (el.textContent ?? '').trim().slice(0, 40);
  return el.tagName.toLowerCase() + (id ? '[data-testid=' + id + ']' : '') + (label ? ' "' + label + '"' : '');
}`;

/**
 * What an element looks like, as far as a focus indicator can show: outline, shadow, border and
 * background of the element and of its ::before and ::after (a resize handle's bar, say); for a
 * visually hidden input, of its label too.
 */
const LOOK_OF = `(el) => {
  const parts = [];
  const label = el.matches('input')
    ? el.closest('label') ?? (el.id ? document.querySelector('label[for="' + CSS.escape(el.id) + '"]') : null)
    : null;
  for (const e of label ? [el, label] : [el])
    for (const pseudo of [null, '::before', '::after']) {
      const s = getComputedStyle(e, pseudo);
      parts.push(s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.borderColor, s.backgroundColor);
    }
  return parts.join('|');
}`;

/**
 * Marks each visible, enabled Tab stop (in the open modal dialog, if any) with data-a11y-key,
 * records how it looks unfocused, and returns how many there are. A radio group is one stop
 * (arrow keys move inside it, as the browser does); tabindex="-1" marks an element a widget
 * focuses itself, not a Tab stop.
 */
const MARK_CONTROLS = `(() => {
  const selector = 'a[href], button, input, select, textarea, summary, [tabindex], [contenteditable="true"]';
  const keys = new Set();
  const looks = new Map();
  let n = 0;
  for (const el of document.querySelectorAll('[data-a11y-key]')) el.removeAttribute('data-a11y-key');
  // An open modal dialog makes the rest of the page inert: its controls are the only Tab stops.
  const root = document.querySelector('dialog[open]') ?? document;
  for (const el of root.querySelectorAll(selector)) {
    if (el.closest('[inert], [aria-hidden="true"]') || el.matches(':disabled, input[type="hidden"]')) continue;
    if (el.getAttribute('tabindex') !== null && el.tabIndex < 0) continue;
    if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: false })) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    const key = el.matches('input[type="radio"]') && el.name ? 'radio:' + el.name : 'c' + n++;
    el.setAttribute('data-a11y-key', key);
    keys.add(key);
    looks.set(el, (${LOOK_OF})(el));
  }
  globalThis.__a11yUnfocusedLook = looks;
  return keys.size;
})()`;

/**
 * The focused element: its key, whether a focus indicator shows (an outline on it or its label,
 * or any change from how it looked unfocused), and its name.
 */
const DESCRIBE_FOCUS = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  if (!el.hasAttribute('data-a11y-key')) el.setAttribute('data-a11y-key', 'unmarked-' + Math.random());
  const ringOn = (e) => {
    if (!e) return false;
    const s = getComputedStyle(e);
    return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  };
  const label = el.closest('label') ?? (el.id ? document.querySelector('label[for="' + CSS.escape(el.id) + '"]') : null);
  const unfocused = globalThis.__a11yUnfocusedLook?.get(el);
  return {
    key: el.getAttribute('data-a11y-key'),
    // An outline, or any visible change from the look the control had before it had focus.
    ring: ringOn(el) || (el.matches('input') && ringOn(label)) ||
      (unfocused !== undefined && unfocused !== (${LOOK_OF})(el)),
    label: (${NAME_OF})(el),
  };
})()`;

/** The marked controls whose key is not among those focused. */
function unreachedScript(seen: string[]): string {
  return `(() => {
    const seen = new Set(${JSON.stringify(seen)});
    const missed = [];
    for (const el of document.querySelectorAll('[data-a11y-key]')) {
      const key = el.getAttribute('data-a11y-key');
      if (!seen.has(key)) { seen.add(key); missed.push((${NAME_OF})(el)); }
    }
    return missed;
  })()`;
}

/**
 * Presses Tab from the top of the page until focus comes round to the first stop again (or
 * twice as many times as there are stops), and says which stops were never focused and which
 * showed no ring when they were.
 */
async function tabThrough(p: Page): Promise<TabResult> {
  // Nothing focused and nothing hovered while the unfocused looks are recorded.
  await p.mouse.move(0, 0);
  await p.evaluate(
    'document.activeElement && document.activeElement.blur && document.activeElement.blur()',
  );
  const total = await p.evaluate<number>(MARK_CONTROLS);
  const seen = new Set<string>();
  const ringless = new Set<string>();
  let first: string | null = null;
  for (let i = 0; i < total * 2 + 10; i++) {
    await p.keyboard.press('Tab');
    const focus = await p.evaluate<{ key: string; ring: boolean; label: string } | null>(
      DESCRIBE_FOCUS,
    );
    if (focus === null) continue;
    if (focus.key === first) break;
    first ??= focus.key;
    seen.add(focus.key);
    if (!focus.ring) ringless.add(focus.label);
  }
  const unreached = await p.evaluate<string[]>(unreachedScript([...seen]));
  return { reached: seen.size, unreached, ringless: [...ringless] };
}
