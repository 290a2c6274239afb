import type { ExampleSpec } from '../../src-shared/domain/experiments';

/**
 * The examples the designer opens on first, best first (issue 14): the first example a new user
 * runs should show transfer that works. `fashion-clean-to-noisy` does (+10 pp and more), but it
 * needs Debian's Fashion-MNIST; without it the built-in digits example (negative transfer, and
 * its description says so) is the fallback.
 */
export const FIRST_EXAMPLES: readonly string[] = ['fashion-clean-to-noisy'];

/** The named datasets an example's domains read (generated data names none). */
function datasetsOf(example: ExampleSpec): string[] {
  return [...example.spec.sources, ...example.spec.targets].flatMap((d) =>
    typeof d.dataset === 'string' ? [d.dataset] : [],
  );
}

/**
 * The example to pre-fill: the one the route names; else the first of FIRST_EXAMPLES whose
 * datasets this workspace has; else the first of the list.
 */
export function defaultExample(
  list: readonly ExampleSpec[],
  named: string | null,
  datasetNames: readonly string[],
): ExampleSpec | undefined {
  const byName = named === null ? undefined : list.find((e) => e.id === named);
  if (byName) return byName;
  const have = new Set(datasetNames);
  for (const id of FIRST_EXAMPLES) {
    const example = list.find((e) => e.id === id);
    if (example && datasetsOf(example).every((name) => have.has(name))) return example;
  }
  return list[0];
}
