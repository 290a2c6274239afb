import { z } from 'zod';
import {
  ResolvedRunConfigSchema,
  TransferabilityScoresSchema,
} from '../../../src-shared/domain/runs';
import { DataLocatorSchema, SourceModelFilesSchema } from '../protocol';

/**
 * The protocol of the probe process (probeEntry.ts): it scores saved source models on target
 * data for the experiment designer, before any run exists. Like the trainer's, both sides parse
 * what they receive, and tfjs only ever runs on the child's side.
 */

export const ProbeJobSchema = z.object({
  /**
   * The transfer run the scores stand for: its target domain, label budget and seed pick the
   * labelled target rows exactly as that run's trainer would (data/domain.ts prepareRunData), and
   * its training backend is the one used.
   */
  config: ResolvedRunConfigSchema,
  /** The data of `config.domain`. */
  data: DataLocatorSchema,
  sourceModel: SourceModelFilesSchema,
});
export type ProbeJob = z.infer<typeof ProbeJobSchema>;

export const ParentToProbeSchema = z.object({
  type: z.literal('start'),
  jobs: z.array(ProbeJobSchema).min(1),
});
export type ParentToProbe = z.infer<typeof ParentToProbeSchema>;

export const ProbeToParentSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('scored'),
    index: z.int().min(0),
    scores: TransferabilityScoresSchema,
    samples: z.int(),
  }),
  /** One job failed (a missing model file, too few rows): the others go on. */
  z.object({ type: z.literal('failed'), index: z.int().min(0), error: z.string() }),
  /** Every job has an answer; the process exits next. */
  z.object({ type: z.literal('done') }),
]);
export type ProbeToParent = z.infer<typeof ProbeToParentSchema>;

/** What the parent gets for each job, in job order. */
export type ProbeOutcome =
  | { ok: true; scores: z.infer<typeof TransferabilityScoresSchema>; samples: number }
  | { ok: false; error: string };
