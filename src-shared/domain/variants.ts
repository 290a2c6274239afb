import { canonicalJson } from '../canonicalJson';
import type { Issue } from '../result';
import type { ExperimentSpec } from './experimentSpec';
import { resolveStrategyParams, strategyInfo } from './strategies';
import {
  MAX_VARIANTS,
  type ParamValue,
  type StrategyChoice,
  type StrategyId,
  type SweepValue,
} from './strategyEntry';
import { gridPoints, randomPoints, type SweepPoint } from './sweeps';
import type { TrainingSpec } from './training';
import { settingFragments, variantLabel } from './variantLabel';

/**
 * A spec's strategy entries expanded into variants (issue 10): one per entry, or one per point
 * of its sweep. A variant is what a comparison groups by: two variants never merge, so every
 * label is unique in a spec, and two variants with the same settings are refused (they would be
 * the same runs twice under two names).
 */
export interface Variant {
  /** Index of its entry in spec.strategies. */
  entry: number;
  strategy: StrategyId;
  label: string;
  /** The entry's parameters with this variant's swept values (defaults not yet filled in). */
  params: Record<string, ParamValue>;
  /** The spec's training with the entry's overrides and this variant's swept values applied. */
  training: TrainingSpec;
  /** The swept values of this variant (a grid point or a random draw); null without a sweep. */
  swept: Record<string, SweepValue> | null;
}

const TRAINING_KEYS = new Set(['epochs', 'learningRate', 'batchSize', 'optimizer']);

/** The spec's training with one entry's overrides (`earlyStopping: null` removes it). */
export function entryTraining(base: TrainingSpec, entry: StrategyChoice): TrainingSpec {
  const training: TrainingSpec = { ...base };
  const o = entry.training;
  if (!o) return training;
  if (o.epochs !== undefined) training.epochs = o.epochs;
  if (o.learningRate !== undefined) training.learningRate = o.learningRate;
  if (o.batchSize !== undefined) training.batchSize = o.batchSize;
  if (o.optimizer !== undefined) training.optimizer = o.optimizer;
  if (o.earlyStopping === null) delete training.earlyStopping;
  else if (o.earlyStopping !== undefined) training.earlyStopping = o.earlyStopping;
  return training;
}

function definedParams(params: StrategyChoice['params']): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const [k, v] of Object.entries(params)) if (v !== undefined) out[k] = v;
  return out;
}

/** One point applied: swept parameters over the entry's, swept training settings over its training. */
function applyPoint(
  params: Record<string, ParamValue>,
  training: TrainingSpec,
  point: SweepPoint,
): { params: Record<string, ParamValue>; training: TrainingSpec } {
  const p = { ...params };
  const t: TrainingSpec = { ...training };
  for (const [key, value] of Object.entries(point)) {
    if (!TRAINING_KEYS.has(key)) {
      if (typeof value !== 'string') p[key] = value;
      continue;
    }
    if (key === 'optimizer' && (value === 'adam' || value === 'sgd')) t.optimizer = value;
    else if (typeof value === 'number') {
      if (key === 'epochs') t.epochs = value;
      if (key === 'learningRate') t.learningRate = value;
      if (key === 'batchSize') t.batchSize = value;
    }
  }
  return { params: p, training: t };
}

/**
 * Expands every entry, checks the labels and settings are distinct, and returns every problem
 * (at the entry's path, `strategies.<i>`, or below it) rather than the first.
 */
export function expandVariants(spec: ExperimentSpec): { variants: Variant[]; problems: Issue[] } {
  const problems: Issue[] = [];
  const variants: Variant[] = [];
  spec.strategies.forEach((entry, i) => {
    const where = `strategies.${i}`;
    const info = strategyInfo(entry.id);
    const training = entryTraining(spec.training, entry);
    const params = definedParams(entry.params);
    let points: SweepPoint[] | null = null;
    if (entry.sweep) points = gridPoints(info, entry.sweep);
    else if (entry.randomSearch) {
      const drawn = randomPoints(info, entry.randomSearch, where);
      problems.push(...drawn.problems);
      points = drawn.points;
    }
    for (const point of points ?? [null]) {
      const applied = point ? applyPoint(params, training, point) : { params, training };
      const resolved = resolveStrategyParams(entry.id, applied.params).params;
      const swept = new Set(Object.keys(point ?? {}));
      const fragments = settingFragments(
        info,
        resolved,
        applied.training,
        spec.training,
        swept,
        entry.label !== undefined,
      );
      variants.push({
        entry: i,
        strategy: entry.id,
        label: variantLabel(entry.id, fragments, entry.label),
        params: applied.params,
        training: applied.training,
        swept: point,
      });
    }
  });
  if (variants.length > MAX_VARIANTS) {
    problems.push({
      path: 'strategies',
      message: `the entries expand into ${variants.length} variants; at most ${MAX_VARIANTS} (narrow a sweep)`,
    });
  }
  problems.push(...distinctnessProblems(variants));
  return { variants, problems };
}

/** A variant's settings, for telling whether two variants would train the same thing. */
export function variantSettingsKey(v: Variant): string {
  return canonicalJson({
    strategy: v.strategy,
    params: resolveStrategyParams(v.strategy, v.params).params,
    training: v.training,
  });
}

function distinctnessProblems(variants: readonly Variant[]): Issue[] {
  const problems: Issue[] = [];
  const byLabel = new Map<string, Variant>();
  const bySettings = new Map<string, Variant>();
  for (const v of variants) {
    const sameLabel = byLabel.get(v.label);
    if (sameLabel) {
      problems.push({
        path: `strategies.${v.entry}`,
        message:
          sameLabel.entry === v.entry
            ? `two variants of this entry are both labelled "${v.label}"`
            : `its variant "${v.label}" has the label of a variant of strategies.${sameLabel.entry}; give one entry a "label"`,
      });
      continue;
    }
    byLabel.set(v.label, v);
    const key = variantSettingsKey(v);
    const same = bySettings.get(key);
    if (same) {
      problems.push({
        path: `strategies.${v.entry}`,
        message: `variant "${v.label}" has the same settings as "${same.label}" (strategies.${same.entry}): the same runs twice`,
      });
      continue;
    }
    bySettings.set(key, v);
  }
  return problems;
}
