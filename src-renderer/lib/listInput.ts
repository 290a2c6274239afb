/**
 * Lists typed into one text input ("64, 32", "5; 20 all"): split on commas, semicolons or spaces.
 * Shared by the designer's budgets, seeds and layer-width inputs.
 */
export interface Parsed<T> {
  values: T[];
  problems: string[];
}

export function items(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function parseIntList(
  text: string,
  { min, max, what, example }: { min: number; max: number; what: string; example: string },
): Parsed<number> {
  const values: number[] = [];
  const problems: string[] = [];
  for (const item of items(text)) {
    const n = Number(item);
    if (/^\d+$/.test(item) && n >= min && n <= max) values.push(n);
    else
      problems.push(
        `"${item}" is not a whole number from ${min} to ${max.toLocaleString('en-US')}.`,
      );
  }
  if (values.length === 0 && problems.length === 0)
    problems.push(`Give at least one ${what}, e.g. "${example}".`);
  return { values, problems };
}
