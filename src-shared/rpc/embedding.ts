import { z } from 'zod';
import { EmbeddingSettingsSchema } from '../domain/embedding';

/**
 * 'runs.embedding' (issue 14, point 3): a transfer run's embedding before and after adaptation.
 * Without `compute` it answers from the cache only (opening a run page starts no tfjs); with it,
 * a missing embedding is computed in the models process, which takes seconds.
 */
export const EmbeddingInputSchema = z
  .object({
    id: z.int().positive(),
    compute: z.boolean().optional(),
    settings: EmbeddingSettingsSchema.optional(),
  })
  .strict();
