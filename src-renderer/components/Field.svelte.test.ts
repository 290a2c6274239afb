import { createRawSnippet, type Component } from 'svelte';
import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import FieldComponent from './Field.svelte';

// typescript-eslint sees no types in .svelte files: the props are named here, loosely.
const Field = FieldComponent as unknown as Component<Record<string, unknown>>;

/** What the control is handed (Field.svelte's FieldControl). */
interface Handed {
  id: string;
  'aria-describedby': string | undefined;
  'aria-invalid': true | undefined;
}

/** Rendered on the server runtime: the markup and the attributes the control is handed. */
function field(props: Record<string, unknown>): { body: string; handed: Handed } {
  let handed: Handed | undefined;
  const control = createRawSnippet((attributes: () => Handed) => ({
    render: () => {
      handed = attributes();
      return '<input data-control>';
    },
  }));
  const { body } = render(Field, { props: { ...props, control } });
  if (!handed) throw new Error('the control was not rendered');
  return { body: body.replace(/<!--[^>]*-->/g, ''), handed };
}

describe('Field', () => {
  it('names its control with the label and describes it with the help', () => {
    const { body, handed } = field({ id: 'seeds', label: 'Seeds', help: 'One run per seed.' });
    expect(body).toMatch(/<label class="lbl[^"]*" for="seeds">Seeds/);
    expect(body).toMatch(/<span class="help[^"]*" id="help-seeds">One run per seed\.<\/span>/);
    expect(handed).toEqual({
      id: 'seeds',
      'aria-describedby': 'help-seeds',
      'aria-invalid': undefined,
    });
    // No box for problems while there is none (tests wait for `#err-…` to go away).
    expect(body).not.toContain('err-seeds');
  });

  it('shows every problem under the control and marks the control invalid', () => {
    const { body, handed } = field({
      id: 'epochs',
      label: 'Epochs',
      hint: '1–10,000',
      errors: ['Too small.', 'Not a whole number.'],
    });
    expect(body).toContain('<span class="faint">1–10,000</span>');
    expect(body).toMatch(
      /<div class="errors[^"]*" id="err-epochs"><p class="field-error[^"]*">Too small\.<\/p><p class="field-error[^"]*">Not a whole number\.<\/p><\/div>/,
    );
    expect(handed['aria-describedby']).toBe('err-epochs');
    expect(handed['aria-invalid']).toBe(true);
  });

  it('lists descriptions from outside first, and is marked invalid from outside', () => {
    const { handed } = field({
      id: 'validation-share',
      label: 'Share held out',
      help: 'A share.',
      describedBy: 'help-validation  err-validation',
      invalid: true,
    });
    expect(handed['aria-describedby']).toBe('help-validation err-validation help-validation-share');
    expect(handed['aria-invalid']).toBe(true);
  });

  it('as a group: a fieldset whose legend is the label, described as a whole', () => {
    const { body, handed } = field({
      id: 'import-size',
      label: 'Width × height',
      group: true,
      help: 'Resized.',
      errors: ['Too wide.'],
    });
    expect(body).toMatch(
      /<fieldset class="field[^"]*" aria-describedby="help-import-size err-import-size">/,
    );
    expect(body).toMatch(/<legend class="lbl[^"]*">Width × height/);
    expect(body).not.toContain('<label');
    expect(handed['aria-describedby']).toBeUndefined();
    expect(handed['aria-invalid']).toBe(true);
  });

  it('takes its place in the grid: wide, compact, concealed', () => {
    const { body } = field({ id: 'x', label: 'X', wide: true, compact: true, concealed: true });
    expect(body).toMatch(/<div class="field[^"]*\bcompact\b[^"]*\bwide\b[^"]*\bconcealed\b/);
  });
});
