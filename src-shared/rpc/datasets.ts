import { z } from 'zod';
import type { DatasetSummary } from '../domain/datasets';
import { DomainTransformSchema } from '../domain/experimentSpec';

/**
 * The dataset import and preview contract (issue 4), shared by the core, the CLI, the UI and
 * every transport. Files reach the core either as a path on the machine the core runs on (the
 * CLI, Electron's native file dialog, a researcher typing a path on a remote GPU box) or as an
 * upload the browser streamed to the local server first (`POST /api/uploads`, see
 * transports/uploads.ts), named by the id the upload returned.
 *
 * The upload: `POST /api/uploads` with the raw file as the body (not multipart), the page's
 * token in an `Authorization: Bearer <token>` header, and the file's name in an optional
 * `X-File-Name` header (URI-encoded). Answers 201 `{"id": "<32 hex>"}`; 401 without the token,
 * 403 for a foreign Host or Origin, 413 past the size cap (4 GiB). An upload is deleted once a
 * dataset is imported from it, or after a day.
 *
 * An image folder comes from a browser as one upload per image and an `upload-folder` ref that
 * places each upload at `class/file` in the folder (see FolderFilePathSchema).
 */

/**
 * One name inside a chosen folder (a class folder or an image file): 1 to 255 UTF-8 bytes, no
 * separator, no control or Windows-reserved character, not `.`/`..` and not hidden (a leading
 * dot: the image-folder reader ignores hidden entries anyway). A client's names reach the core's
 * filesystem only through this check, so none can climb out of the folder the core builds.
 */
export const FolderEntryNameSchema = z
  .string()
  .min(1)
  .refine((s) => new TextEncoder().encode(s).length <= 255, 'at most 255 bytes')
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  .refine((s) => !/[\u0000-\u001f\u007f/\\<>:"|?*]/.test(s), 'no separator or reserved character')
  .refine((s) => !s.startsWith('.'), 'no hidden (dot) names, nor . or ..');

/**
 * A file's place in an uploaded image folder: `class/file.png`, exactly two names joined by `/`,
 * relative to the chosen folder (a browser's `File.webkitRelativePath` less its first part, the
 * chosen folder's own name, which travels apart as the ref's `name`).
 */
export const FolderFilePathSchema = z
  .string()
  .max(511)
  .superRefine((path, ctx) => {
    const parts = path.split('/');
    if (parts.length !== 2) {
      ctx.addIssue({
        code: 'custom',
        message: `"${path.slice(0, 80)}": expected class/file, exactly two names joined by /`,
      });
      return;
    }
    for (const part of parts) {
      const checked = FolderEntryNameSchema.safeParse(part);
      if (!checked.success) {
        ctx.addIssue({
          code: 'custom',
          message: `"${path.slice(0, 80)}": ${checked.error.issues[0]?.message ?? 'bad name'}`,
        });
      }
    }
  });

/** Files of one uploaded folder; bounded so that a ref is checked in reasonable time. */
export const MAX_FOLDER_FILES = 100_000;

export const UploadIdSchema = z.string().regex(/^[a-f0-9]{32}$/);

export const FileRefSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('path'), path: z.string().min(1).max(4096) }).strict(),
  z
    .object({
      kind: z.literal('upload'),
      /** As `POST /api/uploads` answered it. */
      id: UploadIdSchema,
      /** The file's original name, for provenance and format detection. */
      name: z.string().min(1).max(255),
    })
    .strict(),
  z
    .object({
      /**
       * An image folder uploaded file by file (a browser cannot upload a folder): the core
       * rebuilds it under its uploads folder, one subfolder per class, for 'image-folder' only.
       * Its uploads are deleted once the import ends, whether it succeeded or not.
       */
      kind: z.literal('upload-folder'),
      /** The chosen folder's own name, for provenance and the default dataset name. */
      name: FolderEntryNameSchema,
      files: z
        .array(z.object({ id: UploadIdSchema, path: FolderFilePathSchema }).strict())
        .min(1)
        .max(MAX_FOLDER_FILES)
        .superRefine((files, ctx) => {
          // Two files at one place would silently drop one; on a case-insensitive disk too.
          const seen = new Set<string>();
          for (const file of files) {
            const key = file.path.toLowerCase();
            if (seen.has(key)) {
              ctx.addIssue({ code: 'custom', message: `"${file.path}" appears twice` });
              return;
            }
            seen.add(key);
          }
        }),
    })
    .strict(),
]);
export type FileRef = z.infer<typeof FileRefSchema>;
export type UploadFolderRef = Extract<FileRef, { kind: 'upload-folder' }>;

/** A column by header name or 0-based index. */
export const ColumnRefSchema = z.union([z.string().min(1).max(200), z.int().min(0)]);
export type ColumnRef = z.infer<typeof ColumnRefSchema>;

export const MissingPolicySchema = z
  .enum(['refuse', 'drop-rows', 'mean', 'zero'])
  .describe(
    'Rows with an empty or NA feature: refuse the import (naming the first such row), drop the rows, or fill with the column mean or 0. A missing label always drops the row.',
  );
export type MissingPolicy = z.infer<typeof MissingPolicySchema>;

export const CsvImportOptionsSchema = z
  .object({
    format: z.literal('csv'),
    delimiter: z.enum(['auto', ',', ';', '\t', '|']).default('auto'),
    header: z.enum(['auto', 'yes', 'no']).default('auto'),
    /** Default: inspect's suggestedLabel (a column named label/class/target/y..., else the last). */
    labelColumn: ColumnRefSchema.optional(),
    /** Default: every column but the label. Categorical (non-numeric) ones become one-hot. */
    featureColumns: z.array(ColumnRefSchema).min(1).max(100_000).optional(),
    missing: MissingPolicySchema.default('refuse'),
  })
  .strict();

export const IdxImportOptionsSchema = z
  .object({
    format: z.literal('idx'),
    /** The labels file of the images file being imported (gzipped or not, like the images). */
    labels: FileRefSchema,
    /** The dataset's own test part (Fashion-MNIST's t10k files), kept apart for split 'standard'. */
    test: z.object({ images: FileRefSchema, labels: FileRefSchema }).strict().optional(),
  })
  .strict();

export const JsonImportOptionsSchema = z
  .object({
    format: z.literal('json'),
    /** For an array of records: the label's key (default 'label'); every other numeric key is a feature. */
    labelKey: z.string().min(1).max(200).default('label'),
  })
  .strict();

export const NpyImportOptionsSchema = z
  .object({
    format: z.literal('npy'),
    /** The labels .npy (1-D integers) of the features .npy being imported. */
    labels: FileRefSchema,
  })
  .strict();

export const ImageFolderImportOptionsSchema = z
  .object({
    format: z.literal('image-folder'),
    /** Every image is resized to width × height (bilinear). */
    width: z.int().min(1).max(512),
    height: z.int().min(1).max(512),
    color: z.enum(['grayscale', 'rgb']).default('grayscale'),
  })
  .strict();

export const ImportOptionsSchema = z.discriminatedUnion('format', [
  CsvImportOptionsSchema,
  IdxImportOptionsSchema,
  JsonImportOptionsSchema,
  NpyImportOptionsSchema,
  ImageFolderImportOptionsSchema,
]);
export type ImportOptions = z.infer<typeof ImportOptionsSchema>;
export type ImportFormat = ImportOptions['format'];

/** 'datasets.inspect': what the import dialog shows before anything is stored. */
export const InspectInputSchema = z
  .object({
    file: FileRefSchema,
    /** Absent: guessed from the name and the first bytes. */
    format: z.enum(['csv', 'idx', 'json', 'npy', 'image-folder']).optional(),
    /** CSV only: parse with these settings instead of detecting them. */
    delimiter: CsvImportOptionsSchema.shape.delimiter.optional(),
    header: CsvImportOptionsSchema.shape.header.optional(),
  })
  .strict();

export interface ColumnInfo {
  index: number;
  /** The header's name, or `column N` (1-based) without a header. */
  name: string;
  kind: 'numeric' | 'categorical';
  /** Empty / NA cells over the whole file. */
  missing: number;
  /** Distinct non-missing values, counted up to 1,001 (1001 means "more than 1,000"). */
  distinct: number;
}

export interface InspectResult {
  format: ImportFormat;
  /** The bytes of the file (for a folder, of its images). */
  bytes: number;
  /** CSV: the settings detected or given. */
  csv?: { delimiter: ',' | ';' | '\t' | '|'; header: boolean };
  /** CSV, JSON records: every column; the UI picks the label and the features from these. */
  columns?: ColumnInfo[];
  /** Suggested label column (CSV, JSON): the last one, or one named label/class/target/y. */
  suggestedLabel?: number;
  /** Rows (CSV, JSON) or items (IDX, NPY, images) found. */
  rows: number;
  /** The first rows as text, for a table preview (CSV, JSON), at most 20. */
  head?: string[][];
  /** Arrays and folders: the shape of one row and the labels found. */
  featureShape?: number[];
  classes?: { label: number | string; count: number }[];
  /** Problems that do not stop the import but should be seen. */
  warnings: string[];
}

/** 'datasets.import' */
/** A client's own name for one import, echoed by its `dataset.importProgress` events. */
export const ImportIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and -, at most 64');

export const ImportInputSchema = z
  .object({
    file: FileRefSchema,
    /** The dataset's name in the workspace (unique); default: the file's name without extension. */
    name: z.string().min(1).max(200).optional(),
    options: ImportOptionsSchema,
    /** Chosen by the client (e.g. a random UUID); only echoed, never stored. */
    importId: ImportIdSchema.optional(),
  })
  .strict();

export interface ImportReport {
  rowsRead: number;
  rowsKept: number;
  /** Rows dropped for a missing label or, with 'drop-rows', a missing feature. */
  rowsDropped: number;
  /** Missing cells per feature column name, before the policy applied. */
  missingByColumn: Record<string, number>;
  /** Categorical columns and the one-hot features each became. */
  oneHot: { column: string; categories: string[] }[];
  /** A label that is not an integer is mapped to 0..k-1 in sorted order; this is that map. */
  labelMap?: { original: string; label: number }[];
  warnings: string[];
}

export interface ImportResult {
  dataset: DatasetSummary;
  /** True when the same content was imported before: nothing new was stored. */
  reused: boolean;
  report: ImportReport;
}

/** 'datasets.preview': a few rows of a dataset, through a domain's class subset and transform. */
export const PreviewInputSchema = z
  .object({
    id: z.int().positive(),
    classes: z.array(z.int()).min(1).max(10_000).optional(),
    transform: DomainTransformSchema.optional(),
    /** Images per class in the grid (image datasets). */
    perClass: z.int().min(1).max(32).default(8),
    /**
     * Which samples: the same seed shows the same ones. It is also the split seed the noise is
     * drawn with, so pass the domain's splitSeed to see exactly the noise it trains with.
     */
    seed: z.int().min(0).default(0),
  })
  .strict();

export interface Histogram {
  feature: string;
  /** bins + 1 edges, ascending. */
  edges: number[];
  counts: number[];
}

export type DatasetPreview =
  | {
      kind: 'image';
      /** [height, width, channels] */
      shape: [number, number, number];
      /** Every class of the dataset (also those the subset leaves out), ascending. */
      classCounts: { label: number; count: number }[];
      /**
       * Per class (the first 64 classes), `perClass` images as row-major pixels [h, w, c] in
       * [0, 1] (transform applied, then clipped to [0, 1] for display).
       */
      samples: { label: number; pixels: number[][] }[];
    }
  | {
      kind: 'tabular';
      featureNames: string[];
      /** Every class of the dataset (also those the subset leaves out), ascending. */
      classCounts: { label: number; count: number }[];
      /**
       * The first rows of the class subset (at most 50): features then label, in the file's
       * units, with the transform applied as the trainer applies it (multiply, shift, noise).
       */
      rows: number[][];
      /** One per feature (at most the first 64 features), 20 bins. */
      histograms: Histogram[];
      /**
       * Rows the histograms count: every row of the class subset when the dataset is small,
       * else those of an evenly spaced sample (about 20,000 rows, at most 16 MB of features).
       */
      histogramRows?: number;
    };

export const DeleteDatasetInputSchema = z.object({ id: z.int().positive() }).strict();
