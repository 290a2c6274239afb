import { RunStatusSchema } from '../domain/runs';
import { STRATEGIES } from '../domain/strategies';
import { isPercentMetric } from '../domain/metricRange';

export { isPercentMetric };
import type { MetricMode, ParamPath, TextField } from '../rpc/history';

/**
 * The fields a structured Runs query names (issue 14), shared by the parser and the completion
 * so that every field the box suggests is one the parser accepts.
 */

/** Text fields and their short forms (`src:rot20`). */
export const TEXT_FIELD_NAMES: Readonly<Record<string, TextField>> = {
  experiment: 'experiment',
  exp: 'experiment',
  strategy: 'strategy',
  variant: 'variant',
  source: 'source',
  src: 'source',
  target: 'target',
  tgt: 'target',
  backend: 'backend',
  device: 'device',
};

/** Fields matched against a fixed list of values rather than text. */
export const LIST_FIELDS = ['status', 'budget', 'tag'] as const;
export type ListField = (typeof LIST_FIELDS)[number];

export const STATUS_VALUES: readonly string[] = RunStatusSchema.options;

/**
 * Parameters by the names researchers type, mapped to where the resolved config keeps them.
 * Any strategy parameter (`freezeLayers`, `temperature`) is accepted by its own name too.
 */
export const PARAM_ALIASES: Readonly<Record<string, ParamPath>> = {
  lr: 'training.learningRate',
  learningRate: 'training.learningRate',
  epochs: 'training.epochs',
  batch: 'training.batchSize',
  batchSize: 'training.batchSize',
  optimizer: 'training.optimizer',
  seed: 'seed',
  λ: 'strategyParams.lambda',
  lambda: 'strategyParams.lambda',
  frozen: 'strategyParams.freezeLayers',
  freeze: 'strategyParams.freezeLayers',
};

/** Every strategy parameter key the strategies declare, once each, sorted. */
export const STRATEGY_PARAM_KEYS: readonly string[] = [
  ...new Set(STRATEGIES.flatMap((s) => s.params.map((p) => p.key))),
].sort((a, b) => a.localeCompare(b));

/** The parameter a field names, or null when it names none. */
export function paramPathOf(field: string): ParamPath | null {
  if (Object.hasOwn(PARAM_ALIASES, field)) return PARAM_ALIASES[field] ?? null;
  if (STRATEGY_PARAM_KEYS.includes(field)) return `strategyParams.${field}`;
  // The explicit form reaches any other key: `training.optimizer`, `strategyParams.alpha`.
  if (/^(training|strategyParams|model)\.[A-Za-z][A-Za-z0-9_]{0,47}$/.test(field)) return field;
  return null;
}

/** Metrics the box suggests: what a finished run records, then its per-epoch series. */
export const QUERY_METRICS: readonly string[] = [
  'test_acc',
  'test_loss',
  'val_acc',
  'val_loss',
  'acc',
  'loss',
];

/** A metric name: `acc`, `loss`, or a split and a name (`test_f1`, `val_acc`). */
export function isMetricName(name: string): boolean {
  return /^(acc|loss|(train|val|test)_[a-z0-9_]+)$/.test(name);
}

export const METRIC_MODE_NAMES: readonly MetricMode[] = ['last', 'best', 'min', 'max'];

/** Every field name the completion offers first, in the order it offers them. */
export const QUERY_FIELD_NAMES: readonly string[] = [
  'strategy',
  'source',
  'target',
  'budget',
  'status',
  'variant',
  'experiment',
  'tag',
  'backend',
  'device',
  ...QUERY_METRICS,
  'lr',
  'epochs',
  'batch',
  'optimizer',
  'seed',
  'λ',
  ...STRATEGY_PARAM_KEYS.filter((k) => k !== 'lambda'),
];
