import { resolveStrategyParams, STRATEGIES, type StrategyInfo } from './strategies';
import type { ParamValue, StrategyId, SweepValue } from './strategyEntry';
import {
  SWEEPABLE_TRAINING,
  TrainingSpecSchema,
  type EarlyStopping,
  type TrainingSpec,
} from './training';

/**
 * A variant's generated label: the strategy id, then what differs from its defaults, e.g.
 * `fine-tune · l2sp λ=0.01` or `mmd · λ=0.1, lr=1e-4`. Stable: it depends on the variant's own
 * settings only, never on which other entries a spec has, so the same settings get the same
 * label in every experiment (and the migration of issue 10 gives old runs the labels their
 * recorded configs imply).
 */

/** The source runs' label: they train the source model, no strategy. */
export const SOURCE_VARIANT = 'source';

/** Up to 6 significant digits, exponents written short: 0.01, 1e-4, 2.5e-5, 100000. */
export function formatSettingValue(value: SweepValue): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e6) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e6) return String(Number(value.toPrecision(6)));
  const [mantissa = '', exponent = ''] = value.toExponential().split('e');
  const m = String(Number(Number(mantissa).toPrecision(6)));
  return `${m}e${exponent.replace('+', '')}`;
}

function earlyStoppingFragment(e: EarlyStopping | undefined): string {
  if (e === undefined) return 'no early stop';
  return `early stop ${e.monitor} p=${e.patience}${e.restoreBest ? '' : ' last'}`;
}

/** One setting as a label shows it: `l2sp λ=0.01`, `lr=1e-4`, `sgd`. */
export function settingFragment(info: StrategyInfo, key: string, value: SweepValue): string {
  const param = info.params.find((p) => p.key === key);
  if (param) return `${param.short ?? param.key}=${formatSettingValue(value)}`;
  const t = SWEEPABLE_TRAINING.find((x) => x.key === key);
  if (t?.key === 'optimizer') return String(value);
  return `${t?.short ?? key}=${formatSettingValue(value)}`;
}

/** Every setting key in label order: the strategy's parameters, then the training settings. */
export function settingKeys(info: StrategyInfo): string[] {
  return [...info.params.map((p) => p.key), ...SWEEPABLE_TRAINING.map((t) => t.key)];
}

/**
 * The fragments naming a variant's settings: its parameters that differ from the strategy's
 * defaults or are swept, then its training settings that differ from the spec's or are swept.
 * With `onlySwept`, the swept settings alone (an entry with a label of its own).
 */
export function settingFragments(
  info: StrategyInfo,
  params: Readonly<Record<string, ParamValue>>,
  training: TrainingSpec,
  base: TrainingSpec,
  swept: ReadonlySet<string> = new Set(),
  onlySwept = false,
): string[] {
  const out: string[] = [];
  for (const p of info.params) {
    const value = params[p.key];
    if (value === undefined) continue;
    if (swept.has(p.key) || (!onlySwept && value !== p.default))
      out.push(settingFragment(info, p.key, value));
  }
  for (const t of SWEEPABLE_TRAINING) {
    const value = training[t.key];
    if (swept.has(t.key) || (!onlySwept && value !== base[t.key]))
      out.push(settingFragment(info, t.key, value));
  }
  if (!onlySwept && JSON.stringify(training.earlyStopping) !== JSON.stringify(base.earlyStopping))
    out.push(earlyStoppingFragment(training.earlyStopping));
  return out;
}

/** `id` alone, or `id · fragment, fragment`; a given label keeps its text and adds the swept values. */
export function variantLabel(
  strategy: StrategyId,
  fragments: readonly string[],
  given?: string,
): string {
  const head = given ?? strategy;
  return fragments.length === 0 ? head : `${head} · ${fragments.join(', ')}`;
}

/**
 * The label a run's recorded config implies when nothing else names it (runs recorded before
 * issue 10, bundles written before it): the strategy, then its parameters that differ from the
 * defaults. Such runs had no per-entry training settings, so no training fragment. The strategy
 * alone when the config cannot be read.
 */
export function impliedVariantLabel(kind: string, strategy: string, config: unknown): string {
  if (kind === 'source') return SOURCE_VARIANT;
  const info = STRATEGIES.find((s) => s.id === strategy);
  if (!info) return strategy;
  const record = config !== null && typeof config === 'object' ? config : {};
  const rawParams = 'strategyParams' in record ? record.strategyParams : undefined;
  const given: Record<string, number | boolean> = {};
  if (rawParams !== null && typeof rawParams === 'object') {
    for (const [k, v] of Object.entries(rawParams))
      if (typeof v === 'number' || typeof v === 'boolean') given[k] = v;
  }
  const training = TrainingSpecSchema.safeParse('training' in record ? record.training : {});
  if (!training.success) return info.id;
  const { params } = resolveStrategyParams(info.id, given);
  return variantLabel(info.id, settingFragments(info, params, training.data, training.data));
}
