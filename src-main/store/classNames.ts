import { z } from 'zod';
import { FASHION_MNIST_CLASS_NAMES } from '../../src-shared/domain/classNames';
import type { DatasetSummary } from '../../src-shared/domain/datasets';

/** The part of an import report (ImportReport, kept in provenance.report) that names labels. */
const RecordedLabels = z.object({
  labelMap: z.array(z.object({ original: z.string(), label: z.int() })).optional(),
});

/**
 * The names of a dataset's classes, in the order of `classes` (issue 14): the built-in
 * Fashion-MNIST's clothes, or the label map an import recorded (a CSV's "setosa" → 0, an image
 * folder's subfolders), which every import since the first keeps in its provenance, so
 * workspaces made before this carry their names too. Undefined when the labels are their own
 * names (digits, integer labels), or when the map does not name every class.
 */
export function recordedClassNames(
  d: Pick<DatasetSummary, 'kind' | 'name' | 'classes' | 'provenance'>,
): string[] | undefined {
  if (d.kind === 'builtin' && d.name === 'fashion-mnist') {
    return d.classes.map((c) => FASHION_MNIST_CLASS_NAMES[c] ?? String(c));
  }
  const report = d.provenance['report'];
  if (report === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(report);
  } catch {
    return undefined;
  }
  const labels = RecordedLabels.safeParse(parsed);
  const map = labels.success ? labels.data.labelMap : undefined;
  if (map === undefined) return undefined;
  const byLabel = new Map(map.map((m) => [m.label, m.original]));
  const names = d.classes.map((c) => byLabel.get(c));
  return names.every((n) => n !== undefined) ? names : undefined;
}
