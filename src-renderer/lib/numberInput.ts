/**
 * Number inputs bound to nullable form fields: an empty (or unreadable) input is null, and null
 * shows as an empty input. Shared by the designer's forms.
 */

/** The input's number, or null when it is empty or not a number. */
export function numberOf(input: HTMLInputElement): number | null {
  const v = input.valueAsNumber;
  return Number.isNaN(v) ? null : v;
}

/** A field's value as a number input shows it: the number, or empty. */
export function numberOrEmpty(value: unknown): number | '' {
  return typeof value === 'number' ? value : '';
}
