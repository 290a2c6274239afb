import { z } from 'zod';

/**
 * Models (issue 13): weights imported from elsewhere (TensorFlow.js layers format, ONNX as
 * PyTorch exports it) that experiments use as sources. An imported model is stored once, by the
 * sha256 of the file(s) it came from, with its provenance, its input contract and the layer where
 * its head is cut.
 */

export const ModelFormatSchema = z.enum(['onnx', 'tfjs']);
export type ModelFormat = z.infer<typeof ModelFormatSchema>;

/**
 * How the model expects its inputs to be scaled, applied to what Transferlab feeds a model:
 * image pixels divided by 255 (in [0, 1]), tabular columns as imported.
 * - `unit`: the model takes those values unchanged (Transferlab's own models; a PyTorch model
 *   trained on `ToTensor()` images).
 * - `byte`: the model takes pixels in 0..255 (×255).
 * - `standardise`: the model takes (x − mean) / std of the [0, 1] values, one mean and std for
 *   every feature or one per channel (torchvision's `Normalize(mean, std)` convention).
 */
export const InputScalingSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('unit') }).strict(),
  z.object({ kind: z.literal('byte') }).strict(),
  z
    .object({
      kind: z.literal('standardise'),
      mean: z.array(z.number()).min(1).max(4),
      std: z.array(z.number().positive()).min(1).max(4),
    })
    .strict()
    .refine((s) => s.mean.length === s.std.length, 'mean and std need as many values'),
]);
export type InputScaling = z.infer<typeof InputScalingSchema>;

/** What a model takes: the shape of one row (no batch axis, channels last) and its scaling. */
export const InputContractSchema = z
  .object({
    shape: z.array(z.int().positive()).min(1).max(3),
    scaling: InputScalingSchema,
  })
  .strict();
export type InputContract = z.infer<typeof InputContractSchema>;

/** Describes a scaling in words, for the CLI and the UI. */
export function describeScaling(s: InputScaling): string {
  if (s.kind === 'unit') return 'values in [0, 1]';
  if (s.kind === 'byte') return 'pixels in 0..255';
  return `(x − [${s.mean.join(', ')}]) / [${s.std.join(', ')}]`;
}

/** Where a layer of an imported model sits once its feature layer is chosen. */
export const LayerRoleSchema = z.enum(['trunk', 'features', 'head']);
export type LayerRole = z.infer<typeof LayerRoleSchema>;

export const ModelLayerSchema = z.object({
  /** The name Transferlab gives it (conv_1, hidden_1, output, maxpooling2d_1, ...). */
  name: z.string(),
  /** The tfjs layer class (Conv2D, Dense, MaxPooling2D, ...). */
  className: z.string(),
  /** Without the batch axis. */
  outputShape: z.array(z.int()),
  parameters: z.int().nonnegative(),
  /** Its activation, for Dense and Conv2D layers. */
  activation: z.string().optional(),
  role: LayerRoleSchema,
  /** Whether it can be the feature layer (its output is one row of features, not the last). */
  canBeFeatures: z.boolean(),
});
export type ModelLayer = z.infer<typeof ModelLayerSchema>;

export const ModelProvenanceSchema = z.object({
  /** The file or folder it was imported from, as given. */
  file: z.string(),
  /** ONNX opset, when it came from ONNX. */
  opset: z.int().optional(),
  /** What was changed to make it a Transferlab model (a dropped final softmax, fused activations). */
  notes: z.array(z.string()),
});
export type ModelProvenance = z.infer<typeof ModelProvenanceSchema>;

export interface ModelSummary {
  id: number;
  name: string;
  format: ModelFormat;
  /** sha256 of the imported file (ONNX) or of model.json and its shards in order (tfjs). */
  fileHash: string;
  /** sha256 of the weights Transferlab stores (models/imported/<weightsHash>/weights.bin). */
  weightsHash: string;
  /** Producer as the file names it (e.g. "pytorch 1.13.0"); "" when it names none. */
  producer: string;
  /** ONNX operators, or tfjs layer classes, in order of first use. */
  operators: string[];
  parameters: number;
  input: InputContract;
  /** The layer whose output is the features; the head is everything after it. */
  featureLayer: string;
  /** Width of the features (units of the feature layer's output, flattened). */
  featureSize: number;
  /** Outputs of the model's last layer: its classes (1 for a two-class logit). */
  outputUnits: number;
  /** Bytes stored on disk (model.json and weights.bin). */
  bytes: number;
  /** Runs that used it as their source. */
  runs: number;
  createdAt: string;
}

export interface ModelDetail extends ModelSummary {
  layers: ModelLayer[];
  provenance: ModelProvenance;
}

/** Shown to a user: `m3 "PyTorch CNN"`. */
export function modelLabel(m: Pick<ModelSummary, 'id' | 'name'>): string {
  return `m${m.id} "${m.name}"`;
}

/**
 * Which models transfer runs keep (issue 13, point 3): every one, the best of each comparison
 * cell (experiment, variant, source, target, budget; best on validation accuracy, never on test),
 * or none. Source runs always keep theirs: transfer runs start from them.
 */
export const KeepModelsSchema = z.enum(['all', 'best-per-cell', 'none']);
export type KeepModels = z.infer<typeof KeepModelsSchema>;

/** What models take on disk, and what the workspace keeps. */
export interface ModelStorage {
  keep: KeepModels;
  sourceRuns: { models: number; bytes: number };
  transferRuns: { models: number; bytes: number };
  imported: { models: number; bytes: number };
}
