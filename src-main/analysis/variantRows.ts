import { createHash } from 'node:crypto';
import { canonicalJson } from '../../src-shared/canonicalJson';
import type { ComparedRun } from '../../src-shared/rpc/compare';

/**
 * Which row of the comparison each transfer run belongs to (issue 10). A run's row is its
 * variant's label, so plain fine-tuning and L2-SP never merge. Within one experiment a label
 * names one set of settings, but two experiments may give one label different settings (a
 * `fine-tune` at two learning rates of their specs): merging those would pair seeds of different
 * things. When, in one (source, target) cell, a label covers runs of different settings, every run
 * of that label gets its experiment added to its row, and a note says why.
 */

/**
 * What must be equal for two runs of one label and cell to be the same thing: the strategy, the
 * revision of its procedure and its parameters, the model, the training settings (the backend aside: the backend a run used is
 * recorded per run, and a preference of `auto` or `wasm` may pick the same one) and the domains.
 * How many rows the train metrics were measured on (`trainMetricRows`, issue 12) is a measurement
 * setting, not a training one: runs before and after the cap train the same thing.
 */
function settingsOf(run: ComparedRun): string {
  const training: Partial<typeof run.config.training> = { ...run.config.training };
  delete training.backend;
  return canonicalJson({
    strategy: run.config.strategy,
    // Two revisions of a strategy's procedure are two things (StrategyInfo.revision).
    revision: run.config.strategyRevision ?? 1,
    params: run.config.strategyParams,
    model: run.config.model,
    training,
    domain: run.config.domain,
    sourceDomain: run.config.sourceDomain ?? null,
  });
}

/** Fields whose values differ between two settings, for the note (`training.learningRate`). */
function differingFields(a: ComparedRun, b: ComparedRun): string[] {
  const flat = (run: ComparedRun): Map<string, string> => {
    const out = new Map<string, string>();
    const walk = (value: unknown, path: string): void => {
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
      } else out.set(path, JSON.stringify(value));
    };
    walk(run.config, '');
    return out;
  };
  const x = flat(a);
  const y = flat(b);
  const ignored = new Set(['seed', 'budget', 'training.backend', 'trainMetricRows']);
  return [...new Set([...x.keys(), ...y.keys()])]
    .filter((k) => !ignored.has(k) && x.get(k) !== y.get(k))
    .sort();
}

/** Rows whose runs, in one (source, target) cell, have different settings: a pair of each. */
function conflicts(runs: readonly ComparedRun[]): Map<string, [ComparedRun, ComparedRun]> {
  const settingsByCell = new Map<string, Map<string, ComparedRun>>();
  const found = new Map<string, [ComparedRun, ComparedRun]>();
  for (const run of runs) {
    if (run.kind === 'source') continue;
    const cell = JSON.stringify([run.variant, run.sourceName, run.targetName]);
    const seen = settingsByCell.get(cell) ?? new Map<string, ComparedRun>();
    settingsByCell.set(cell, seen);
    const key = settingsOf(run);
    const other = [...seen.entries()].find(([k]) => k !== key)?.[1];
    if (other && !found.has(run.variant)) found.set(run.variant, [other, run]);
    if (!seen.has(key)) seen.set(key, run);
  }
  return found;
}

function note(label: string, [a, b]: [ComparedRun, ComparedRun], how: string): string {
  const fields = differingFields(a, b);
  const where =
    a.experimentId === b.experimentId
      ? `in "${a.experimentName}" (#${a.experimentId})`
      : `in "${a.experimentName}" (#${a.experimentId}) and "${b.experimentName}" (#${b.experimentId})`;
  return (
    `"${label}" names different settings ${where}` +
    `${fields.length ? ` (${fields.slice(0, 4).join(', ')})` : ''}: its runs are shown ${how}, never merged.`
  );
}

export function assignVariantRows(input: readonly ComparedRun[]): {
  runs: ComparedRun[];
  notes: string[];
} {
  let runs = [...input];
  const notes: string[] = [];
  // First per experiment; where one experiment still holds two settings under one label (two
  // domains of one name), per settings.
  const steps: [string, (run: ComparedRun) => string][] = [
    ['per experiment', (run) => `${run.variant} (${run.experimentName} #${run.experimentId})`],
    [
      'per settings',
      (run) =>
        `${run.variant} (settings ${createHash('sha256').update(settingsOf(run)).digest('hex').slice(0, 6)})`,
    ],
  ];
  for (const [how, rename] of steps) {
    const found = conflicts(runs);
    if (found.size === 0) break;
    for (const [label, pair] of found) notes.push(note(label, pair, how));
    runs = runs.map((run) => (found.has(run.variant) ? { ...run, variant: rename(run) } : run));
  }
  return { runs, notes };
}
