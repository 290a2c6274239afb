import { z } from 'zod';
import { SyntheticDatasetSchema } from '../../src-shared/domain/experimentSpec';

/**
 * Where a dataset's rows are: the core resolves dataset names to these, the store keeps them,
 * importers write them and trainers read them. The bottom layer of src-main (src-main/data), so
 * every other layer may use it without importing another's.
 */

/** Where a trainer finds a dataset's arrays; the core resolves dataset names to these. */
export const DataLocatorSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('csv'),
    /** Absolute path of a (possibly gzipped) numeric CSV without a header: features..., label. */
    path: z.string(),
    featureShape: z.array(z.int().positive()),
    /** The content hash recorded for the dataset; the trainer re-hashes what it reads. */
    contentHash: z.string(),
    /** Every feature is divided by this; default: the file's largest absolute value (digits: 16). */
    scale: z.number().positive().optional(),
  }),
  z.object({
    kind: z.literal('idx'),
    /** Absolute paths of MNIST-style IDX files (plain or gzipped): uint8 images [n, h, w], labels [n]. */
    train: z.object({ images: z.string(), labels: z.string() }),
    /** The dataset's own test part, appended after the training rows (DomainSpec split 'standard'). */
    test: z.object({ images: z.string(), labels: z.string() }).optional(),
    featureShape: z.array(z.int().positive()),
    /** idxContentHash of the files; the trainer re-hashes what it reads. */
    contentHash: z.string(),
    /** Every pixel is divided by this (255: uint8 pixels to [0, 1]). */
    scale: z.number().positive(),
  }),
  z.object({
    kind: z.literal('arrays'),
    /**
     * An imported dataset's folder, <workspace>/datasets/<contentHash>/ (data/arrays.ts):
     * features.f32 (rows × featureSize float32, little-endian) and labels.i32 (rows int32).
     */
    dir: z.string(),
    featureShape: z.array(z.int().positive()),
    rows: z.int().nonnegative(),
    /** Rows from this index on are the dataset's own test part (an IDX import's t10k files). */
    testFrom: z.int().nonnegative().optional(),
    /** arraysContentHash of the two files; the trainer re-hashes what it reads. */
    contentHash: z.string(),
    /** Every feature is divided by this (255: pixels to [0, 1]; 1: as imported). */
    scale: z.number().positive(),
    /** Tabular data: each feature is standardised by its mean and std over the whole dataset. */
    standardize: z.boolean(),
  }),
  z.object({ kind: z.literal('synthetic'), params: SyntheticDatasetSchema }),
]);
export type ArraysLocator = Extract<z.infer<typeof DataLocatorSchema>, { kind: 'arrays' }>;
export type IdxLocator = Extract<z.infer<typeof DataLocatorSchema>, { kind: 'idx' }>;
export type DataLocator = z.infer<typeof DataLocatorSchema>;
