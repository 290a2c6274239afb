import { z } from 'zod';
import type { StrategyId } from './strategyEntry';
import type { Issue } from '../result';

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
  /** Its name in a variant's label (`fine-tune · l2sp λ=0.01`); the key when absent. */
  short?: string;
  /**
   * Varies over orders of magnitude (a weight λ, a clip): a random search draws it
   * log-uniformly, and its range must then be positive.
   */
  log?: boolean;
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
   * Applies one model to the inputs of both domains (the source's weights or trunk on target
   * rows, or one model trained on both), so target rows must take the source's shape. When the
   * shapes differ the run inserts an input adapter (src-main/engine/adapterShapes.ts): a fixed
   * resize between images, a learned linear layer otherwise. Structure transfer only re-uses the
   * hidden sizes, so it builds its model on the target's own inputs.
   */
  needsSameInput: boolean;
  /**
   * Compares source and target rows in the input space itself, before any training (instance
   * weights from a domain classifier or a kernel on the inputs, TrAdaBoost's pooled rows): only a
   * fixed adapter (an image resize) can reconcile differing shapes, a learned one cannot.
   */
  comparesInputs: boolean;
  /**
   * Trains the target's classifier on the source's labelled rows too, so both domains must have
   * the same classes (the same original labels, in the same order).
   */
  needsSameLabels: boolean;
  /**
   * Needs labelled target rows: budget 0 (no target label, unsupervised domain adaptation) is
   * refused. The strategies without it learn from the source labels and unlabelled target rows,
   * and use target labels too when the budget gives some.
   */
  needsTargetLabels: boolean;
  summary: string;
  /** The paper the formula comes from, for the UI's help. */
  reference?: string;
  params: StrategyParamInfo[];
  /**
   * The revision of the strategy's procedure, when it changed in a way that changes results for
   * the same config: every planned run records it (ResolvedRunConfig.strategyRevision), the
   * engine runs the revision a run records (so older runs still reproduce), and comparisons never
   * merge two revisions. Absent: 1.
   *
   * fine-tune and feature-extraction, revision 2 (issue 17): the new head draws its weights from
   * a seed of its own. In revision 1 it drew them from the seed of the source model's own output
   * layer, so it restarted at the weights that source head had started from, which its trunk had
   * co-adapted with: on inverted Fashion-MNIST that head started at a cross-entropy of 19 (5–10
   * for an independent draw) and fine-tuning lost 8.6 points to a PyTorch reference. Fine-tune's
   * new head is also smaller from revision 2: uniform in ±1/√fan_in (PyTorch's default) instead
   * of Glorot-uniform, which cost it 2.5 points on inverted digits; feature extraction's too.
   */
  revision?: number;
}

/**
 * A strategy transfers from a source when it needs the source's model or its data: its runs
 * are planned per (source, target, budget, seed). The others (scratch) run once per target.
 */
export function needsSource(info: StrategyInfo): boolean {
  return info.needsSourceModel || info.needsSourceData;
}

/**
 * The largest KMM problem, in source rows: the planner's limit on `sampleSize` and the one the
 * engine's kmmWeights enforces. Its Gram matrix is n_S² doubles (200 MB at 5000) and each solver
 * iteration a product with it (about 25 s for 1000 iterations at 5000 rows).
 */
export const KMM_MAX_ROWS = 5000;

/**
 * The deepest ModelSpec has 8 weight layers (experimentSpec.ts: an MLP's 8 hidden layers, a CNN's
 * 4 convolutions + 4 Dense layers): one λ multiplier per layer.
 */
export const MAX_HIDDEN_LAYERS = 8;

/**
 * `layerScale1`..`layerScale8`: fine-tune's per-layer multipliers of the regulariser's λ (not of
 * the learning rate: that is `trunkLrScale`).
 */
export function layerScaleKey(layer: number): string {
  return `layerScale${layer}`;
}

/** Shared by the strategies that read one hidden layer of the source model. */
const LAYER_PARAM = (help: string): StrategyParamInfo => ({
  key: 'layer',
  label: 'Hidden layer',
  short: 'layer',
  type: 'int',
  default: 0,
  min: 0,
  max: MAX_HIDDEN_LAYERS,
  help,
});

/** What a strategy needs unless its entry says otherwise: the target's labels and nothing else. */
const NO_NEEDS = {
  needsSourceModel: false,
  needsSourceData: false,
  needsUnlabelledTarget: false,
  needsSameInput: false,
  comparesInputs: false,
  needsSameLabels: false,
  needsTargetLabels: true,
} as const;

/**
 * Domain adaptation: trains on the source's labelled rows (the target's classes) and the
 * target's rows, with or without target labels.
 */
const ADAPTATION_NEEDS = {
  ...NO_NEEDS,
  needsSourceData: true,
  needsSameInput: true,
  needsSameLabels: true,
  needsTargetLabels: false,
} as const;

/** The trade-off λ of a domain-discrepancy term added to the label loss. */
const LAMBDA_PARAM = (fallback: number, max: number, help: string): StrategyParamInfo => ({
  key: 'lambda',
  label: 'Weight λ',
  short: 'λ',
  log: true,
  type: 'number',
  default: fallback,
  min: 0,
  max,
  help,
});

const ADAPTED_LAYER_PARAM = LAYER_PARAM(
  'The hidden layer whose features are aligned across the domains (0 = the last one).',
);

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
      'with a new head for the target classes (or keeps the source head when the classes are the ' +
      'same) and trains on the target labels, optionally with frozen layers, an L2 or L2-SP ' +
      'regulariser R(θ), a lower learning rate for the trunk, or a linear probe first (LP-FT).',
    reference:
      'Li, Grandvalet, Davoine 2018, "Explicit inductive bias for transfer learning with ' +
      'convolutional networks" (L2-SP); Kumar et al. 2022, "Fine-Tuning can Distort Pretrained ' +
      'Features and Underperform Out-of-Distribution" (LP-FT)',
    revision: 2,
    params: [
      {
        key: 'freezeLayers',
        label: 'Frozen hidden layers',
        short: 'frozen',
        type: 'int',
        default: 0,
        min: 0,
        max: MAX_HIDDEN_LAYERS,
        help: 'How many weight layers, counted from the input, keep their source weights unchanged (a CNN counts its convolutions first, then its hidden Dense layers).',
      },
      {
        key: 'l2sp',
        label: 'L2-SP λ',
        short: 'l2sp λ',
        log: true,
        type: 'number',
        default: 0,
        min: 0,
        max: 100,
        help: 'λ·Σ‖θ − θ_source‖² over the trainable transferred layers: pulls them towards the source weights (0: off).',
      },
      {
        key: 'l2',
        label: 'L2 λ',
        short: 'l2 λ',
        log: true,
        type: 'number',
        default: 0,
        min: 0,
        max: 100,
        help: 'λ·Σ‖θ‖² towards zero: on every trainable weight when L2-SP is off, on the new head only when it is on.',
      },
      {
        key: 'probeEpochs',
        label: 'LP-FT probe epochs',
        short: 'LP epochs',
        type: 'int',
        default: 0,
        min: 0,
        max: 10000,
        help: "The first epochs train the head alone on the frozen trunk (a linear probe), then every trainable weight from a fresh optimizer state: LP-FT (Kumar et al. 2022). Counted within the run's epochs (0: off).",
      },
      {
        key: 'trunkLrScale',
        label: 'Trunk learning rate ×',
        short: 'trunk lr×',
        log: true,
        type: 'number',
        default: 1,
        min: 0.0001,
        max: 10,
        help: "Multiplies the learning rate of the transferred layers; the head keeps the run's rate. Below 1, the trunk moves less than the new head (discriminative fine-tuning, Howard & Ruder 2018).",
      },
      {
        key: 'headInitScale',
        label: 'Head initialisation scale',
        short: 'head init×',
        type: 'number',
        default: 1,
        min: 0,
        max: 10,
        help: "The new head's initial weights are uniform in ±scale/√fan_in, biases zero: 1 is PyTorch's nn.Linear default; Keras's Glorot-uniform is about 2.4 for 128 → 10. 0 starts the head at zero, so the first step trains the head alone.",
        advanced: true,
      },
      {
        key: 'keepSourceHead',
        label: 'Keep the source head',
        short: 'source head',
        type: 'boolean',
        default: false,
        help: "Keeps the source model's trained output layer instead of a new head. Only when the target's classes are the source's, in the same order (refused otherwise).",
      },
      ...Array.from({ length: MAX_HIDDEN_LAYERS }, (_, i): StrategyParamInfo => ({
        key: layerScaleKey(i + 1),
        label: `λ × hidden ${i + 1}`,
        short: `λ×layer ${i + 1}`,
        log: true,
        type: 'number',
        default: 1,
        min: 0,
        max: 1000,
        help: `Multiplies both regulariser weights λ (L2 and L2-SP, not the learning rate) for weight layer ${i + 1} (1 = the layer nearest the input; a CNN's convolutions come first).`,
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
    revision: 2,
    params: [
      LAYER_PARAM('The hidden layer whose output feeds the head (0 = the last one).'),
      {
        key: 'headHidden',
        label: 'Head hidden units',
        short: 'head units',
        type: 'int',
        default: 0,
        min: 0,
        max: 4096,
        help: 'Units of a hidden ReLU layer in the new head; 0 gives a linear probe.',
      },
      {
        key: 'learningRateScale',
        label: 'Learning rate ×',
        short: 'lr×',
        log: true,
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
        short: 'α',
        log: true,
        type: 'number',
        default: 1,
        min: 0,
        max: 100,
        help: 'Weight of the distillation term K(θ) added to the target cross-entropy.',
      },
      {
        key: 'temperature',
        label: 'Temperature T',
        short: 'T',
        type: 'number',
        default: 4,
        min: 1,
        max: 100,
        help: 'Softens both models’ outputs: KL(softmax(z_s/T) ‖ softmax(z_t/T))·T² (logit distillation).',
      },
      {
        key: 'onFeatures',
        label: 'Distil features',
        short: 'features',
        type: 'boolean',
        default: false,
        help: 'Match a hidden layer’s features even when the label spaces match (always when they differ).',
      },
      LAYER_PARAM('The hidden layer whose features are matched (0 = the last one).'),
      {
        key: 'unlabelled',
        label: 'Use unlabelled target',
        short: 'unlabelled',
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
        short: 'w',
        log: true,
        type: 'number',
        default: 1,
        min: 0,
        max: 100,
        help: 'Weight of the source task’s cross-entropy in the joint loss.',
      },
    ],
  },
  {
    id: 'source-only',
    name: 'Source only',
    family: 'baseline',
    ...ADAPTATION_NEEDS,
    needsUnlabelledTarget: false,
    summary:
      'Trains the model on the source labels alone and evaluates it on the target: the ' +
      'domain-shift baseline that adaptation gains are measured against (with the target ' +
      'labels option, the "no adaptation" ablation of MMD, CORAL and DANN).',
    params: [
      {
        key: 'targetLabels',
        label: 'Also target labels',
        short: 'target labels',
        type: 'boolean',
        default: false,
        help: 'Also train on the labelled target rows the budget gives (the λ = 0 ablation of the alignment methods).',
      },
    ],
  },
  {
    id: 'mmd',
    name: 'MMD (DAN)',
    family: 'feature-based',
    ...ADAPTATION_NEEDS,
    needsUnlabelledTarget: true,
    summary:
      'Trains on the source labels (and any target labels) plus λ·MMD² between the source and ' +
      "target features of a hidden layer (multi-kernel Gaussian), so the model's features look " +
      'alike on both domains. Works without target labels.',
    reference:
      'Long, Cao, Wang, Jordan 2015, "Learning transferable features with deep adaptation networks"',
    params: [
      LAMBDA_PARAM(
        1,
        1000,
        'Weight of the multi-kernel MMD² between the source and target features.',
      ),
      ADAPTED_LAYER_PARAM,
    ],
  },
  {
    id: 'coral',
    name: 'Deep CORAL',
    family: 'feature-based',
    ...ADAPTATION_NEEDS,
    needsUnlabelledTarget: true,
    summary:
      'Trains on the source labels (and any target labels) plus λ·‖C_S − C_T‖²_F/(4d²), the ' +
      "distance between the covariances of a hidden layer's source and target features. Works " +
      'without target labels.',
    reference: 'Sun, Saenko 2016, "Deep CORAL: correlation alignment for deep domain adaptation"',
    params: [
      LAMBDA_PARAM(
        100,
        100_000,
        'Weight of the CORAL loss ‖C_S − C_T‖²_F/(4d²), which shrinks as 1/d² with the layer’s width d.',
      ),
      ADAPTED_LAYER_PARAM,
    ],
  },
  {
    id: 'dann',
    name: 'DANN',
    family: 'feature-based',
    ...ADAPTATION_NEEDS,
    needsUnlabelledTarget: true,
    summary:
      'Adversarial adaptation: a small domain classifier learns to tell source features from ' +
      'target features while, through a gradient-reversal layer, the features learn to fool it; ' +
      'λ ramps up over training. Works without target labels.',
    reference: 'Ganin et al. 2016, "Domain-adversarial training of neural networks"',
    params: [
      LAMBDA_PARAM(
        1,
        1000,
        'The largest weight of the reversed domain gradient (reached as training ends).',
      ),
      ADAPTED_LAYER_PARAM,
      {
        key: 'domainHidden',
        label: 'Domain classifier units',
        short: 'domain units',
        type: 'int',
        default: 32,
        min: 0,
        max: 4096,
        help: 'Units of the hidden ReLU layer of the domain classifier; 0 makes it linear.',
      },
      {
        key: 'schedule',
        label: 'Ramp λ up',
        short: 'ramp',
        type: 'boolean',
        default: true,
        help: 'λ_p = λ·(2/(1 + e^(−10p)) − 1) at training progress p (Ganin et al.); off: λ from the first step.',
        advanced: true,
      },
    ],
  },
  {
    id: 'importance-weighting',
    name: 'Importance weighting',
    family: 'instance-based',
    ...ADAPTATION_NEEDS,
    comparesInputs: true,
    needsUnlabelledTarget: true,
    summary:
      'Weighs each source row by w = p(target|x)/p(source|x) from a logistic-regression domain ' +
      'classifier trained once on the inputs (clipped, mean 1), then trains on the weighted ' +
      'source loss plus any target labels. Works without target labels.',
    reference:
      'Bickel, Brückner, Scheffer 2007, "Discriminative learning for differing training and test distributions"',
    params: [
      {
        key: 'clip',
        label: 'Weight clip',
        short: 'clip',
        log: true,
        type: 'number',
        default: 10,
        min: 1,
        max: 1000,
        help: 'Largest prior-corrected odds before the weights are normalised to mean 1.',
      },
    ],
  },
  {
    id: 'kmm',
    name: 'Kernel mean matching',
    family: 'instance-based',
    ...ADAPTATION_NEEDS,
    comparesInputs: true,
    needsUnlabelledTarget: true,
    summary:
      'Weighs the source rows so that their mean in a Gaussian kernel space matches the ' +
      "target's (a quadratic program solved by projected gradient), then trains on the " +
      'weighted source loss plus any target labels. Works without target labels.',
    reference:
      'Huang, Smola, Gretton, Borgwardt, Schölkopf 2007, "Correcting sample selection bias by unlabeled data"',
    params: [
      {
        key: 'bound',
        label: 'Weight bound B',
        short: 'B',
        log: true,
        type: 'number',
        default: 10,
        min: 1,
        max: 1000,
        help: 'Each weight β_i lies in [0, B].',
      },
      {
        key: 'sampleSize',
        label: 'Rows per problem',
        short: 'rows',
        type: 'int',
        default: 1000,
        min: 10,
        max: KMM_MAX_ROWS,
        help: 'The source is cut into seeded chunks of at most this many rows, each matched to a seeded target sample of at most as many (the cost grows as its square).',
        advanced: true,
      },
    ],
  },
  {
    id: 'tradaboost',
    name: 'TrAdaBoost',
    family: 'instance-based',
    ...ADAPTATION_NEEDS,
    comparesInputs: true,
    needsTargetLabels: true,
    summary:
      'Boosting over the source rows and the few labelled target rows: each epoch is a round ' +
      'that trains the model on the weighted rows, then source rows it gets wrong lose weight ' +
      'and target rows it gets wrong gain some; the later half of the rounds vote.',
    reference: 'Dai, Yang, Xue, Yu 2007, "Boosting for transfer learning"',
    params: [
      {
        key: 'warmStart',
        label: 'Warm start',
        short: 'warm start',
        type: 'boolean',
        default: true,
        help: 'Each round goes on training the previous round’s model on the new weights (a copy votes); off: a fresh model per round, trained for one epoch.',
      },
    ],
  },
];

export function strategyInfo(id: StrategyId): StrategyInfo {
  const info = STRATEGIES.find((s) => s.id === id);
  if (!info) throw new Error(`Unknown strategy ${id}`);
  return info;
}

/**
 * Resolve a strategy's parameters: defaults filled in, each checked against its type and range.
 * Each problem is at `params.<key>`, relative to the strategy entry.
 */
export function resolveStrategyParams(
  id: StrategyId,
  given: Readonly<Record<string, number | boolean | undefined>>,
): { params: Record<string, number | boolean>; problems: Issue[] } {
  const info = strategyInfo(id);
  const problems: Issue[] = [];
  const params: Record<string, number | boolean> = {};
  for (const [key, value] of Object.entries(given)) {
    if (value !== undefined && !info.params.some((p) => p.key === key))
      problems.push({ path: `params.${key}`, message: `${id} has no parameter "${key}"` });
  }
  for (const p of info.params) {
    const value = given[p.key] ?? p.default;
    const schema =
      p.type === 'boolean'
        ? z.boolean()
        : (p.type === 'int' ? z.int() : z.number()).min(p.min ?? -Infinity).max(p.max ?? Infinity);
    const parsed = schema.safeParse(value);
    if (parsed.success) params[p.key] = parsed.data;
    else {
      problems.push({
        path: `params.${p.key}`,
        message: parsed.error.issues.map((i) => i.message).join(', '),
      });
    }
  }
  return { params, problems };
}
