import { z } from 'zod';
import { InputScalingSchema, type ModelDetail } from '../domain/models';
import { FolderEntryNameSchema, UploadIdSchema } from './datasets';

/**
 * The models contract (issue 13): import a pretrained model, list and inspect what is stored,
 * change its name, scaling or feature layer, export a model (imported, or trained by a run).
 *
 * A model reaches the core as a path on the core's machine (an ONNX file, a tfjs folder or its
 * model.json), or as browser uploads (`POST /api/uploads`, as for datasets): one ONNX file, or a
 * tfjs model.json with its weight shards, each upload named by its file name.
 */
export const ModelFilesRefSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('path'), path: z.string().min(1).max(4096) }).strict(),
  z
    .object({
      kind: z.literal('uploads'),
      files: z
        .array(z.object({ id: UploadIdSchema, name: FolderEntryNameSchema }).strict())
        .min(1)
        .max(64)
        .refine(
          (files) => new Set(files.map((f) => f.name.toLowerCase())).size === files.length,
          'a file name appears twice',
        ),
    })
    .strict(),
]);
export type ModelFilesRef = z.infer<typeof ModelFilesRefSchema>;

const NameSchema = z.string().trim().min(1).max(120);

export const ModelImportInputSchema = z
  .object({
    files: ModelFilesRefSchema,
    /** Shown everywhere and usable in specs; the file's name when omitted. */
    name: NameSchema.optional(),
    /** Where the head is cut; by default the layer the last Dense layer reads. */
    featureLayer: z.string().min(1).max(100).optional(),
    /** How the model expects its inputs scaled; `unit` ([0, 1]) when omitted. */
    scaling: InputScalingSchema.optional(),
  })
  .strict();
export type ModelImportInput = z.infer<typeof ModelImportInputSchema>;

export interface ModelImportResult {
  model: ModelDetail;
  /** The same file was imported before: nothing new was stored, the existing model is returned. */
  alreadyImported: boolean;
}

/** A model by `m<id>`, name or file-hash prefix (core/modelRef.ts). */
export const ModelRefInputSchema = z.object({ ref: z.string().min(1).max(200) }).strict();

export const ModelUpdateInputSchema = z
  .object({
    id: z.int().positive(),
    name: NameSchema.optional(),
    featureLayer: z.string().min(1).max(100).optional(),
    scaling: InputScalingSchema.optional(),
  })
  .strict();
export type ModelUpdateInput = z.infer<typeof ModelUpdateInputSchema>;

export const ExportFormatSchema = z.enum(['tfjs', 'onnx']);
export type ExportFormat = z.infer<typeof ExportFormatSchema>;

export const ModelExportInputSchema = z
  .object({
    from: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('model'), id: z.int().positive() }).strict(),
      z.object({ kind: z.literal('run'), id: z.int().positive() }).strict(),
    ]),
    format: ExportFormatSchema,
    /**
     * A folder on the core's machine to write into (the CLI, Electron's dialog). Omitted (a
     * browser): the files come back in the answer, to be downloaded.
     */
    out: z.string().min(1).max(4096).optional(),
  })
  .strict();
export type ModelExportInput = z.infer<typeof ModelExportInputSchema>;

export interface ExportedFile {
  /** Sanitised file name. */
  fileName: string;
  bytes: number;
  /** Where it was written, with `out`. */
  path?: string;
  /** Base64 of the file, without `out`. */
  content?: string;
}

export interface ModelExportResult {
  format: ExportFormat;
  files: ExportedFile[];
  /** What the files need to be fed (row shape and scaling, and the ONNX input layout). */
  note: string;
}
