import { z } from 'zod';

/**
 * The embedding view (issue 14, point 3): a transfer run's features on source and target rows,
 * before adaptation (the model it started from, or its no-adaptation baseline) and after (its
 * own kept model), projected to 2-D and measured with two domain discrepancies. Computed by the
 * models process (engine/embedding/), cached per run and settings (store/embeddings.ts).
 */

/** What a computation depends on besides the models: how many rows, drawn with which seed. */
export const EmbeddingSettingsSchema = z
  .object({
    /** Test rows drawn from each domain (fewer when a domain has fewer). */
    perDomain: z.int().min(20).max(2000),
    seed: z
      .int()
      .min(0)
      .max(2 ** 31 - 1),
  })
  .strict();
export type EmbeddingSettings = z.infer<typeof EmbeddingSettingsSchema>;

export const DEFAULT_EMBEDDING_SETTINGS: EmbeddingSettings = { perDomain: 300, seed: 0 };

/** One model's picture and numbers. Points are in the order of `EmbeddingPoints`. */
export const EmbeddingSideSchema = z.object({
  /** Which model this is, for people ("source run #3", "run #12, source-only"). */
  label: z.string(),
  /** The run whose kept model it is. */
  runId: z.int(),
  /** The hidden layer whose outputs are embedded, and its width. */
  layer: z.string(),
  features: z.int(),
  /**
   * Biased MMD² with one Gaussian kernel at the median-heuristic bandwidth of the pooled rows
   * (Gretton et al. 2012): 0 for identical distributions, at most 2.
   */
  mmd2: z.number(),
  /**
   * Proxy A-distance 2(1 − 2ε) (Ben-David et al. 2007/2010): ε the held-out error of a linear
   * domain classifier, taken as at most ½, so 0 when the domains cannot be told apart, 2 when
   * they are separable.
   */
  proxyADistance: z.number(),
  domainError: z.number(),
  /** 2-D coordinates, x0, y0, x1, y1, ...: PCA of the pooled features, and UMAP. */
  pca: z.array(z.number()),
  umap: z.array(z.number()),
  /** Share of the variance the two principal components explain. */
  pcaExplained: z.tuple([z.number(), z.number()]),
});
export type EmbeddingSide = z.infer<typeof EmbeddingSideSchema>;

export const EmbeddingPointsSchema = z.object({
  /** 0 for a source row, 1 for a target row. */
  domain: z.array(z.int().min(0).max(1)),
  /** The row's original label (the dataset's, not the domain's relabelled index). */
  label: z.array(z.int()),
});
export type EmbeddingPoints = z.infer<typeof EmbeddingPointsSchema>;

export const EmbeddingSchema = z.object({
  runId: z.int(),
  settings: EmbeddingSettingsSchema,
  sourceName: z.string(),
  targetName: z.string(),
  points: EmbeddingPointsSchema,
  /** Null when the run has no model from before adaptation: `beforeMissing` says why. */
  before: EmbeddingSideSchema.nullable(),
  beforeMissing: z.string().nullable(),
  after: EmbeddingSideSchema,
  computedAt: z.string(),
});
export type Embedding = z.infer<typeof EmbeddingSchema>;

/** 'runs.embedding': the cached picture, none yet, or why there can be none for this run. */
export type EmbeddingAnswer =
  | { status: 'ready'; embedding: Embedding }
  | { status: 'not-computed' }
  | { status: 'unavailable'; message: string };
