import { z } from 'zod';
import type { StrategyId } from './experimentSpec';

/**
 * What the UI and the CLI show about each transfer strategy. The engine implements the
 * behaviour (src-main/engine/strategies, one file each, citing its formula and paper); this is
 * the pure metadata both sides need, and what the experiment planner reads to know which runs a
 * strategy needs (a source model to train first, a source domain to transfer from).
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
  /** A fine adjustment most runs leave at its default: a form may fold it away. */
  advanced?: boolean;
}

export interface StrategyInfo {
  id: StrategyId;
  name: string;
  family: StrategyFamily;
  /**
   * Starts from, or learns from, a model trained on the source domain: the experiment adds one
   * source run per (source, seed), which the strategy's runs wait for.
   */
  needsSourceModel: boolean;
  /** Trains on the source domain's labelled training rows alongside the target's labels. */
  needsSourceData: boolean;
  /** Uses the target's unlabelled training rows: those the label budget left out. */
  needsUnlabelledTarget: boolean;
  /**
   * Source and target must have the same input features (feature count): the source's weights
   * or trunk are applied to target inputs. Structure transfer only re-uses the hidden sizes.
   */
  needsSameInput: boolean;
  summary: string;
  /** The paper the formula comes from, for the UI's help. */
  reference?: string;
  params: StrategyParamInfo[];
}

/**
 * A strategy transfers from a source when it needs the source's model or its data: its runs
 * are planned per (source, target, budget, seed). The others (scratch) run once per target.
 */
export function needsSource(info: StrategyInfo): boolean {
  return info.needsSourceModel || info.needsSourceData;
}

/** The deepest ModelSpec has 8 hidden layers (experimentSpec.ts): one λ multiplier per layer. */
export const MAX_HIDDEN_LAYERS = 8;

/** `layerScale1`..`layerScale8`: fine-tune's per-layer multipliers of λ. */
export function layerScaleKey(layer: number): string {
  return `layerScale${layer}`;
}

/** Shared by the strategies that read one hidden layer of the source model. */
const LAYER_PARAM = (help: string): StrategyParamInfo => ({
  key: 'layer',
  label: 'Hidden layer',
  type: 'int',
  default: 0,
  min: 0,
  max: MAX_HIDDEN_LAYERS,
  help,
});

const NO_NEEDS = {
  needsSourceModel: false,
  needsSourceData: false,
  needsUnlabelledTarget: false,
  needsSameInput: false,
} as const;

export const STRATEGIES: readonly StrategyInfo[] = [
  {
    id: 'scratch',
    name: 'From scratch',
    family: 'baseline',
    ...NO_NEEDS,
    summary: 'Trains the model on the target labels only, from a seeded random initialisation.',
    params: [],
  },
  {
    id: 'structure',
    name: 'Structure transfer',
    family: 'structure',
    ...NO_NEEDS,
    needsSourceModel: true,
    summary:
      "Builds the source model's architecture (hidden sizes and activation) with new weights " +
      'drawn from the run seed and trains it on the target labels: what the architecture alone ' +
      'transfers, without any learned weight.',
    params: [],
  },
  {
    id: 'fine-tune',
    name: 'Fine-tune',
    family: 'parameter',
    ...NO_NEEDS,
    needsSourceModel: true,
    needsSameInput: true,
    summary:
      'Starts from the weights of a model trained on the source domain, replaces its output layer ' +
      'with a new head for the target classes and trains on the target labels, optionally with ' +
      'frozen layers and an L2 or L2-SP regulariser R(θ).',
    reference:
      'Li, Grandvalet, Davoine 2018, "Explicit inductive bias for transfer learning with ' +
      'convolutional networks" (L2-SP)',
    params: [
      {
        key: 'freezeLayers',
        label: 'Frozen hidden layers',
        type: 'int',
        default: 0,
        min: 0,
        max: MAX_HIDDEN_LAYERS,
        help: 'How many hidden layers, counted from the input, keep their source weights unchanged.',
      },
      {
        key: 'l2sp',
        label: 'L2-SP λ',
        type: 'number',
        default: 0,
        min: 0,
        max: 100,
        help: 'λ·Σ‖θ − θ_source‖² over the trainable transferred layers: pulls them towards the source weights (0: off).',
      },
      {
        key: 'l2',
        label: 'L2 λ',
        type: 'number',
        default: 0,
        min: 0,
        max: 100,
        help: 'λ·Σ‖θ‖² towards zero: on every trainable weight when L2-SP is off, on the new head only when it is on.',
      },
      ...Array.from({ length: MAX_HIDDEN_LAYERS }, (_, i): StrategyParamInfo => ({
        key: layerScaleKey(i + 1),
        label: `λ × hidden ${i + 1}`,
        type: 'number',
        default: 1,
        min: 0,
        max: 1000,
        help: `Multiplies both λ for hidden layer ${i + 1} (1 = the layer nearest the input).`,
        advanced: true,
      })),
    ],
  },
  {
    id: 'feature-extraction',
    name: 'Feature extraction',
    family: 'feature-extraction',
    ...NO_NEEDS,
    needsSourceModel: true,
    needsSameInput: true,
    summary:
      "Keeps the source model's trunk frozen and trains only a new head on its features: a " +
      'linear probe when the head has no hidden layer. The head starts from scratch, so it gets ' +
      'a larger learning rate.',
    reference:
      'Yosinski, Clune, Bengio, Lipson 2014, "How transferable are features in deep neural networks?"',
    params: [
      LAYER_PARAM('The hidden layer whose output feeds the head (0 = the last one).'),
      {
        key: 'headHidden',
        label: 'Head hidden units',
        type: 'int',
        default: 0,
        min: 0,
        max: 4096,
        help: 'Units of a hidden ReLU layer in the new head; 0 gives a linear probe.',
      },
      {
        key: 'learningRateScale',
        label: 'Learning rate ×',
        type: 'number',
        default: 10,
        min: 0.01,
        max: 1000,
        help: 'Multiplies the learning rate: a new head on frozen features converges slowly at a fine-tuning rate.',
      },
    ],
  },
  {
    id: 'distillation',
    name: 'Distillation',
    family: 'knowledge',
    ...NO_NEEDS,
    needsSourceModel: true,
    needsUnlabelledTarget: true,
    needsSameInput: true,
    summary:
      'Trains a fresh model on the target labels plus α·K(θ): the KL divergence to the source ' +
      "model's softened outputs when the label spaces match, otherwise the squared distance to " +
      "one of its hidden layers' features.",
    reference:
      'Hinton, Vinyals, Dean 2015, "Distilling the knowledge in a neural network"; ' +
      'Romero et al. 2015, "FitNets: hints for thin deep nets"',
    params: [
      {
        key: 'alpha',
        label: 'Weight α',
        type: 'number',
        default: 1,
        min: 0,
        max: 100,
        help: 'Weight of the distillation term K(θ) added to the target cross-entropy.',
      },
      {
        key: 'temperature',
        label: 'Temperature T',
        type: 'number',
        default: 4,
        min: 1,
        max: 100,
        help: 'Softens both models’ outputs: KL(softmax(z_s/T) ‖ softmax(z_t/T))·T² (logit distillation).',
      },
      {
        key: 'onFeatures',
        label: 'Distil features',
        type: 'boolean',
        default: false,
        help: 'Match a hidden layer’s features even when the label spaces match (always when they differ).',
      },
      LAYER_PARAM('The hidden layer whose features are matched (0 = the last one).'),
      {
        key: 'unlabelled',
        label: 'Use unlabelled target',
        type: 'boolean',
        default: true,
        help: 'Also distil on the target rows the label budget left out (the teacher labels them).',
      },
    ],
  },
  {
    id: 'multi-task',
    name: 'Multi-task',
    family: 'multi-task',
    ...NO_NEEDS,
    needsSourceData: true,
    needsSameInput: true,
    summary:
      'Trains one shared trunk with two heads, one for the source task and one for the target ' +
      'task, on L_target + w·L_source; the target head is evaluated.',
    reference: 'Caruana 1997, "Multitask learning"',
    params: [
      {
        key: 'taskWeight',
        label: 'Source task weight w',
        type: 'number',
        default: 1,
        min: 0,
        max: 100,
        help: 'Weight of the source task’s cross-entropy in the joint loss.',
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
