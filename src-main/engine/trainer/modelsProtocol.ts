import { z } from 'zod';
import { MachineBackendsSchema } from '../../../src-shared/domain/backends';
import { ModelLayerSchema } from '../../../src-shared/domain/models';
import { EmbedAnswerSchema, EmbedRequestSchema } from '../embedding/job';
import { SourceModelFilesSchema } from '../protocol';

/**
 * The protocol of the models process (modelsEntry.ts, issue 13): it converts a model file into
 * the workspace's canonical form, describes a stored model cut at another layer, and writes a
 * model out in another format, and (issue 14) embeds a transfer run's features before and after
 * adaptation, and (issue 15) says which backends the machine has. One request per process; tfjs only ever runs on its side.
 */

export const ModelsRequestSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('import'),
    /** An ONNX file, a tfjs folder, or its model.json. */
    path: z.string(),
    /** Where canonical models are saved (content-addressed). */
    modelsDir: z.string(),
    featureLayer: z.string().optional(),
  }),
  z.object({ type: z.literal('describe'), model: SourceModelFilesSchema }),
  z.object({
    type: z.literal('export'),
    model: SourceModelFilesSchema,
    format: z.enum(['tfjs', 'onnx']),
    /** A folder: written into, created if need be. */
    out: z.string(),
    /** The stem of the written files (`<stem>.onnx`). */
    stem: z.string(),
  }),
  /** Issue 14: a transfer run's features before and after adaptation (engine/embedding/). */
  EmbedRequestSchema,
  /** Issue 15: which backends this machine has (engine/backend.ts probeBackends). */
  z.object({ type: z.literal('backends') }),
]);
export type ModelsRequest = z.infer<typeof ModelsRequestSchema>;

export const ImportedModelSchema = z.object({
  saved: z.object({ dir: z.string(), hash: z.string() }),
  format: z.enum(['onnx', 'tfjs']),
  fileHash: z.string(),
  producer: z.string(),
  operators: z.array(z.string()),
  parameters: z.int(),
  opset: z.int().optional(),
  inputShape: z.array(z.int()),
  layers: z.array(ModelLayerSchema),
  featureLayer: z.string(),
  featureSize: z.int(),
  outputUnits: z.int(),
  notes: z.array(z.string()),
});

export const DescribedModelSchema = z.object({
  layers: z.array(ModelLayerSchema),
  featureLayer: z.string(),
  featureSize: z.int(),
});
export type DescribedModel = z.infer<typeof DescribedModelSchema>;

export const ModelsAnswerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('imported'), model: ImportedModelSchema }),
  z.object({ type: z.literal('described'), model: DescribedModelSchema }),
  z.object({ type: z.literal('exported'), files: z.array(z.string()).min(1) }),
  EmbedAnswerSchema,
  z.object({ type: z.literal('backends'), machine: MachineBackendsSchema }),
  /** `refused`: the file or request is at fault (a clear message for the user), not the process. */
  z.object({ type: z.literal('failed'), error: z.string(), refused: z.boolean() }),
]);
export type ModelsAnswer = z.infer<typeof ModelsAnswerSchema>;
