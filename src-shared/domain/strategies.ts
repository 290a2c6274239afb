import { z } from 'zod';
import type { StrategyId } from './experimentSpec';

/**
 * What the UI and the CLI show about each transfer strategy. The engine implements the
 * behaviour (src-main/engine/strategies); this is the pure metadata both sides need.
 */
export type StrategyFamily =
  | 'baseline'
  | 'structure'
  | 'parameter'
  | 'feature-extraction'
  | 'knowledge'
  | 'feature-based'
  | 'instance-based'
  | 'multi-task';

export interface StrategyParamInfo {
  key: string;
  label: string;
  type: 'int' | 'number' | 'boolean';
  default: number | boolean;
  min?: number;
  max?: number;
  help: string;
}

export interface StrategyInfo {
  id: StrategyId;
  name: string;
  family: StrategyFamily;
  /** True when the strategy starts from a model trained on the source domain. */
  needsSourceModel: boolean;
  summary: string;
  params: StrategyParamInfo[];
}

export const STRATEGIES: readonly StrategyInfo[] = [
  {
    id: 'scratch',
    name: 'From scratch',
    family: 'baseline',
    needsSourceModel: false,
    summary: 'Trains the model on the target labels only, from a seeded random initialisation.',
    params: [],
  },
  {
    id: 'fine-tune',
    name: 'Fine-tune',
    family: 'parameter',
    needsSourceModel: true,
    summary:
      'Starts from the weights of a model trained on the source domain, replaces its output layer ' +
      'with a new head for the target classes and trains on the target labels.',
    params: [
      {
        key: 'freezeLayers',
        label: 'Frozen hidden layers',
        type: 'int',
        default: 0,
        min: 0,
        max: 8,
        help: 'How many hidden layers, counted from the input, keep their source weights unchanged.',
      },
    ],
  },
];

export function strategyInfo(id: StrategyId): StrategyInfo {
  const info = STRATEGIES.find((s) => s.id === id);
  if (!info) throw new Error(`Unknown strategy ${id}`);
  return info;
}

/** Resolve a strategy's parameters: defaults filled in, each checked against its type and range. */
export function resolveStrategyParams(
  id: StrategyId,
  given: Record<string, number | boolean | string>,
): { params: Record<string, number | boolean>; problems: string[] } {
  const info = strategyInfo(id);
  const problems: string[] = [];
  const params: Record<string, number | boolean> = {};
  for (const key of Object.keys(given)) {
    if (!info.params.some((p) => p.key === key)) problems.push(`${id}: unknown parameter "${key}"`);
  }
  for (const p of info.params) {
    const value = given[p.key] ?? p.default;
    const schema =
      p.type === 'boolean'
        ? z.boolean()
        : (p.type === 'int' ? z.int() : z.number()).min(p.min ?? -Infinity).max(p.max ?? Infinity);
    const parsed = schema.safeParse(value);
    if (parsed.success) params[p.key] = parsed.data;
    else problems.push(`${id}.${p.key}: ${parsed.error.issues.map((i) => i.message).join(', ')}`);
  }
  return { params, problems };
}
