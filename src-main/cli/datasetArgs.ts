import { z } from 'zod';
import type { ImportOptions } from '../../src-shared/rpc/datasets';
import {
  ExistingFileSchema,
  ExistingPathSchema,
  IdSchema,
  UsageError,
  WorkspaceSchema,
  wholeNumber,
} from './args';

/** `transferlab datasets [--json] [--workspace DIR]` */
export const DatasetsArgsSchema = z
  .object({ workspace: WorkspaceSchema.optional(), json: z.boolean().default(false) })
  .strict();

const Size = wholeNumber.transform(Number).pipe(z.int().min(1).max(512));

const Channels = z.enum(['gray', 'grey', 'grayscale', 'rgb'], { error: 'must be gray or rgb' });

/** `transferlab datasets import <file-or-folder> [options]` */
export const DatasetsImportArgsSchema = z
  .object({
    path: ExistingPathSchema,
    format: z.enum(['csv', 'idx', 'json', 'npy', 'image-folder']).optional(),
    labels: ExistingFileSchema.optional(),
    testImages: ExistingFileSchema.optional(),
    testLabels: ExistingFileSchema.optional(),
    labelColumn: z.string().min(1).optional(),
    features: z
      .string()
      .transform((s) => s.split(',').map((c) => c.trim()))
      .pipe(z.array(z.string().min(1, 'an empty column name')).min(1))
      .optional(),
    missing: z.enum(['refuse', 'drop-rows', 'mean', 'zero']).optional(),
    delimiter: z.enum(['auto', ',', ';', 'tab', '|']).optional(),
    header: z.enum(['auto', 'yes', 'no']).optional(),
    labelKey: z.string().min(1).optional(),
    width: Size.optional(),
    height: Size.optional(),
    channels: Channels.optional(),
    /** The old name of --channels, kept as a deprecated alias (see datasets.ts). */
    color: Channels.optional(),
    name: z.string().trim().min(1).max(200).optional(),
    workspace: WorkspaceSchema.optional(),
    json: z.boolean().default(false),
  })
  .strict();
export type DatasetsImportArgs = z.infer<typeof DatasetsImportArgsSchema>;

export const DatasetsDeleteArgsSchema = z
  .object({ id: IdSchema, workspace: WorkspaceSchema.optional(), json: z.boolean().default(false) })
  .strict();

/** The contract's import options from the flags, refusing flags that do not fit the format. */
export function importOptionsFrom(
  args: DatasetsImportArgs,
  format: ImportOptions['format'],
): ImportOptions {
  const path = (p: string) => ({ kind: 'path' as const, path: p });
  const only = (allowed: (keyof DatasetsImportArgs)[]): void => {
    const formatFlags: (keyof DatasetsImportArgs)[] = [
      'labels',
      'testImages',
      'testLabels',
      'labelColumn',
      'features',
      'missing',
      'delimiter',
      'header',
      'labelKey',
      'width',
      'height',
      'channels',
      'color',
    ];
    const wrong = formatFlags.filter((k) => args[k] !== undefined && !allowed.includes(k));
    if (wrong.length > 0) {
      throw new UsageError(
        `Options that do not apply to the ${format} format`,
        wrong.map((k) => ({
          path: '',
          message: `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
        })),
      );
    }
  };
  switch (format) {
    case 'csv':
      only(['labelColumn', 'features', 'missing', 'delimiter', 'header']);
      return {
        format,
        delimiter: args.delimiter === 'tab' ? '\t' : (args.delimiter ?? 'auto'),
        header: args.header ?? 'auto',
        missing: args.missing ?? 'refuse',
        ...(args.labelColumn !== undefined ? { labelColumn: args.labelColumn } : {}),
        ...(args.features !== undefined ? { featureColumns: args.features } : {}),
      };
    case 'idx': {
      only(['labels', 'testImages', 'testLabels']);
      if (args.labels === undefined)
        throw new UsageError('--labels <file> is required for IDX images');
      if ((args.testImages === undefined) !== (args.testLabels === undefined)) {
        throw new UsageError('--test-images and --test-labels go together');
      }
      return {
        format,
        labels: path(args.labels),
        ...(args.testImages !== undefined && args.testLabels !== undefined
          ? { test: { images: path(args.testImages), labels: path(args.testLabels) } }
          : {}),
      };
    }
    case 'npy':
      only(['labels']);
      if (args.labels === undefined)
        throw new UsageError('--labels <file.npy> is required for NPY features');
      return { format, labels: path(args.labels) };
    case 'json':
      only(['labelKey']);
      return { format, labelKey: args.labelKey ?? 'label' };
    case 'image-folder':
      only(['width', 'height', 'channels', 'color']);
      if (args.width === undefined || args.height === undefined) {
        throw new UsageError('--width and --height are required for an image folder');
      }
      if (args.channels !== undefined && args.color !== undefined) {
        throw new UsageError('--color is the old name of --channels: give --channels only');
      }
      return {
        format,
        width: args.width,
        height: args.height,
        color: (args.channels ?? args.color) === 'rgb' ? 'rgb' : 'grayscale',
      };
  }
}
