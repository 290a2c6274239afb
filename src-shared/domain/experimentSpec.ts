import { z } from 'zod';
import { InputContractSchema } from './models';
import { StrategyChoiceSchema } from './strategyEntry';
import { TrainingSpecSchema } from './training';

export {
  StrategyChoiceSchema,
  StrategyIdSchema,
  type StrategyChoice,
  type StrategyChoiceInput,
  type StrategyId,
} from './strategyEntry';
export {
  BackendPreferenceSchema,
  EarlyStoppingSchema,
  TrainingSpecSchema,
  type BackendPreference,
  type EarlyStopping,
  type TrainingSpec,
} from './training';

/**
 * The experiment spec: what a researcher writes (in the UI or in a JSON file for the CLI).
 * It is stored verbatim and expanded into runs: sources × targets × strategies × budgets × seeds.
 * `resources/schema/experiment-spec.schema.json` is generated from this schema
 * (`npm run schema`), and a test keeps the two in step.
 */

/** A synthetic binary task: x ~ N(0, I_d), y = 1[w·x + b + ε > 0]. Related tasks share `taskSeed`
 * and differ by `angleDeg`, the angle between their weight vectors w (0 = the same task). */
export const SyntheticDatasetSchema = z
  .object({
    generator: z.literal('linear-binary'),
    features: z.int().min(2).max(4096).default(20),
    samples: z.int().min(20).max(200_000).default(1000),
    taskSeed: z
      .int()
      .min(0)
      .default(1)
      .describe('Seeds the weight vector shared by related tasks.'),
    angleDeg: z.number().min(0).max(180).default(0).describe('Rotation of the decision boundary.'),
    noise: z.number().min(0).max(10).default(0.1).describe('Std of the label noise ε.'),
  })
  .strict();
export type SyntheticDataset = z.infer<typeof SyntheticDatasetSchema>;

/** A dataset by name (`digits` is built in) or a synthetic generator. */
export const DatasetRefSchema = z.union([
  z.string().min(1).describe('Name of a dataset in the workspace, e.g. "digits".'),
  SyntheticDatasetSchema,
]);
export type DatasetRef = z.infer<typeof DatasetRefSchema>;

/** How a domain's rows are divided into train/validation/test (see DomainSpecSchema.split). */
export const SplitModeSchema = z.enum(['random', 'standard']);
export type SplitMode = z.infer<typeof SplitModeSchema>;

/**
 * A fixed transform of every row of a domain, so that a shifted copy of a dataset can be a domain
 * of its own (covariate shift with the same labels). Images (features [h, w] or [h, w, c]): a
 * bilinear zoom and rotation about the centre (zero fill), then inversion, then Gaussian noise.
 * Tabular data (features [d]): a per-feature shift and multiplication in the file's own units,
 * before the dataset's standardisation, then Gaussian noise. Noise is seeded by the domain's split
 * seed and the row, so every run of the domain sees the same values. Which fields apply to which
 * kind is checked against the dataset when an experiment is created (issue 4).
 */
const PerFeatureSchema = z.union([z.number(), z.array(z.number()).min(1).max(100_000)]);

export const DomainTransformSchema = z
  .object({
    rotateDeg: z
      .number()
      .min(-360)
      .max(360)
      .optional()
      .describe(
        'Images: counter-clockwise rotation in degrees (bilinear, about the centre, zero fill).',
      ),
    scale: z
      .number()
      .min(0.25)
      .max(4)
      .optional()
      .describe(
        'Images: zoom about the centre (bilinear, zero fill); 2 doubles the size of what is shown, 0.5 halves it.',
      ),
    invert: z
      .boolean()
      .optional()
      .describe('Images: every scaled pixel x becomes 1 − x (after rotation and zoom).'),
    shift: PerFeatureSchema.optional().describe(
      "Tabular: added to every feature (one number) or to each feature (one per feature), in the file's units, after `multiply`.",
    ),
    multiply: PerFeatureSchema.optional().describe(
      "Tabular: every feature (one number) or each feature (one per feature) is multiplied by this, in the file's units.",
    ),
    noiseStd: z
      .number()
      .min(0)
      .max(10)
      .optional()
      .describe(
        'Std of additive Gaussian noise on the features the model sees (scaled pixels, standardised columns); not clipped.',
      ),
  })
  .strict()
  .describe(
    'A fixed transform of a domain. Images: zoom and rotation, inversion, then noise. Tabular: multiply, shift, standardise, then noise.',
  );
export type DomainTransform = z.infer<typeof DomainTransformSchema>;

/**
 * An imported model standing in for a source model (issue 13): runs whose strategy starts from a
 * source model (fine-tune, feature extraction, distillation's teacher) start from it, and no
 * source run is planned. Its domain says what the model's outputs mean (the domain's classes,
 * in order) and which rows the strategies that train on source data read. When an experiment is
 * planned, `model` becomes the model's file hash and the feature layer and input contract are
 * filled in from the model, so that every run records exactly which weights, cut where, fed how.
 */
export const PretrainedSourceSchema = z
  .object({
    model: z
      .string()
      .min(1)
      .max(200)
      .describe(
        'An imported model: its name, m<id>, or the start of its file hash (see `transferlab models list`).',
      ),
    featureLayer: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe("Where the head is cut; the model's own feature layer when omitted."),
    input: InputContractSchema.optional().describe(
      "What the model takes (row shape, scaling); the model's own contract when omitted.",
    ),
  })
  .strict()
  .describe('Sources only: use this imported model as the source model instead of training one.');
export type PretrainedSource = z.infer<typeof PretrainedSourceSchema>;

/** A domain: a view of a dataset playing the source or target role. */
export const DomainSpecSchema = z
  .object({
    name: z.string().min(1).max(200),
    dataset: DatasetRefSchema,
    classes: z
      .array(z.int().min(0))
      .min(2)
      .optional()
      .describe(
        'Original labels to keep, relabelled 0..k-1 in this order. All classes when omitted.',
      ),
    splitSeed: z
      .int()
      .min(0)
      .default(0)
      .describe(
        'Seeds the stratified 60/20/20 train/validation/test split (fixed across run seeds).',
      ),
    split: SplitModeSchema.optional().describe(
      '"random" (default): stratified 60/20/20 by splitSeed. "standard": test = the dataset\'s own test part (Fashion-MNIST: t10k), validation = a stratified 1/6 of its training part by splitSeed; only for datasets that have a test part.',
    ),
    samplesPerClass: z
      .int()
      .min(1)
      .optional()
      .describe(
        'Keep at most this many rows per class (a subsample by splitSeed, of the training part only with split "standard"). All when omitted.',
      ),
    transform: DomainTransformSchema.optional(),
    pretrained: PretrainedSourceSchema.optional(),
  })
  .strict();
export type DomainSpec = z.infer<typeof DomainSpecSchema>;

export const ActivationSchema = z.enum(['relu', 'tanh', 'sigmoid', 'elu']);

/**
 * How a model's weights start (every layer of the ModelSpec, its output layer included):
 * - `he` (default): He-normal for ReLU/ELU layers and convolutions (He et al. 2015, "Delving Deep
 *   into Rectifiers": variance 2/fan_in keeps ReLU activations from shrinking layer by layer),
 *   Glorot-uniform for tanh/sigmoid and the output layer, zero biases.
 * - `lecun-uniform`: uniform in ±1/√fan_in for every layer, zero biases: the weights of PyTorch's
 *   nn.Linear and nn.Conv2d defaults (which also draw their biases from that range). Measured
 *   against a PyTorch reference (issue 17), in both directions: on 0–4 → 5–9 Fashion-MNIST its
 *   source models probe 9 points worse than He's; on inverted Fashion-MNIST they fine-tune 1.9
 *   points better.
 */
export const WeightInitSchema = z
  .enum(['he', 'lecun-uniform'])
  .describe(
    'How the weights start: "he" (default): He-normal for ReLU/ELU layers and convolutions, Glorot-uniform otherwise, zero biases; "lecun-uniform": uniform in ±1/√fan_in (PyTorch\'s default weights), zero biases.',
  );
export type WeightInit = z.infer<typeof WeightInitSchema>;

export const MlpSpecSchema = z
  .object({
    type: z.literal('mlp'),
    hidden: z.array(z.int().min(1).max(4096)).min(1).max(8).default([64]),
    activation: ActivationSchema.default('relu'),
    init: WeightInitSchema.optional(),
  })
  .strict()
  .describe('A multilayer perceptron: Dense hidden layers on the flattened features.');
export type MlpSpec = z.infer<typeof MlpSpecSchema>;

/**
 * A small convolutional network for image domains (features [h, w] or [h, w, c]): blocks of
 * Conv2D(k×k, 'valid', ReLU) + MaxPool(2×2), Flatten, Dense(ReLU) hidden layers, the output layer.
 * At most 4 + 4 weight layers, so that fine-tune's per-layer multipliers (8) cover them all.
 */
export const CnnSpecSchema = z
  .object({
    type: z.literal('cnn'),
    conv: z
      .array(z.int().min(1).max(512))
      .min(1)
      .max(4)
      .default([32, 64])
      .describe('Filters of each convolution + 2×2 max-pooling block, from the input side.'),
    dense: z
      .array(z.int().min(1).max(4096))
      .min(1)
      .max(4)
      .default([128])
      .describe('Units of the hidden Dense (ReLU) layers after the convolution blocks.'),
    kernelSize: z
      .int()
      .min(1)
      .max(7)
      .default(3)
      .describe('Side of the square convolution kernels.'),
    init: WeightInitSchema.optional(),
  })
  .strict()
  .describe('A convolutional network, for image domains only.');
export type CnnSpec = z.infer<typeof CnnSpecSchema>;

export const ModelSpecSchema = z.discriminatedUnion('type', [MlpSpecSchema, CnnSpecSchema]);
export type ModelSpec = z.infer<typeof ModelSpecSchema>;

/**
 * Labelled target samples per class used for training; `all` uses the whole training split.
 * 0 uses no target label at all (unsupervised domain adaptation): every target training row goes
 * to the unlabelled pool, and only the strategies that learn without target labels accept it
 * (source-only, MMD, CORAL, DANN, importance weighting, KMM).
 */
export const BudgetSchema = z.union([
  z
    .int()
    .min(0)
    .max(1_000_000)
    .describe(
      'Labelled target samples per class; 0: none (unsupervised domain adaptation, for the strategies that need no target label).',
    ),
  z.literal('all'),
]);
export type Budget = z.infer<typeof BudgetSchema>;

export const ExperimentSpecSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().min(1).max(200),
    description: z.string().max(5000).optional(),
    sources: z.array(DomainSpecSchema).min(1).max(20),
    targets: z.array(DomainSpecSchema).min(1).max(20),
    strategies: z.array(StrategyChoiceSchema).min(1).max(20),
    budgets: z.array(BudgetSchema).min(1).max(20).default(['all']),
    seeds: z
      .array(
        z
          .int()
          .min(0)
          .max(2 ** 31 - 1),
      )
      .min(1)
      .max(100)
      .default([0]),
    model: ModelSpecSchema.default({ type: 'mlp', hidden: [64], activation: 'relu' }),
    training: TrainingSpecSchema.default({
      epochs: 20,
      learningRate: 0.001,
      batchSize: 32,
      optimizer: 'adam',
      backend: 'auto',
    }),
    sourceTraining: TrainingSpecSchema.optional().describe(
      'Settings for training the source models; the target settings when omitted.',
    ),
  })
  .strict();
/** What a spec file may contain (defaults not yet applied). */
export type ExperimentSpecInput = z.input<typeof ExperimentSpecSchema>;
/** A spec with every default applied: what is stored and expanded. */
export type ExperimentSpec = z.infer<typeof ExperimentSpecSchema>;
