import { z } from 'zod';
import {
  EmbeddingPointsSchema,
  EmbeddingSettingsSchema,
  EmbeddingSideSchema,
  type EmbeddingPoints,
  type EmbeddingSide,
} from '../../../src-shared/domain/embedding';
import { ResolvedRunConfigSchema } from '../../../src-shared/domain/runs';
import type { Tf } from '../backend';
import { prepareRunData } from '../data/domain';
import { loadDataset } from '../data/load';
import { DataLocatorSchema } from '../../data/locator';
import { SourceModelFilesSchema } from '../protocol';
import { deriveSeed } from '../random';
import { embedSide } from './probe';
import { drawRows } from './sample';

/**
 * An embedding request as the models process receives it (modelsProtocol.ts 'embed'): the two
 * domains' data with the configs that split them as their runs did, and the models to embed.
 * The rows are the domains' test splits, which no model trained on.
 */

const EmbedDomainSchema = z.object({
  data: DataLocatorSchema,
  /** A config whose `domain` is the one to draw from (its split is the run's). */
  config: ResolvedRunConfigSchema,
});

const EmbedModelSchema = z.object({
  files: SourceModelFilesSchema,
  label: z.string(),
  runId: z.int(),
});

export const EmbedRequestSchema = z.object({
  type: z.literal('embed'),
  settings: EmbeddingSettingsSchema,
  source: EmbedDomainSchema,
  target: EmbedDomainSchema,
  before: EmbedModelSchema.optional(),
  after: EmbedModelSchema,
  /** UMAP's optimisation epochs; tests shorten them. */
  umapEpochs: z.int().min(1).max(1000).optional(),
});
export type EmbedRequest = z.infer<typeof EmbedRequestSchema>;

export const EmbedAnswerSchema = z.object({
  type: z.literal('embedded'),
  points: EmbeddingPointsSchema,
  before: EmbeddingSideSchema.nullable(),
  after: EmbeddingSideSchema,
});
export type EmbedAnswer = z.infer<typeof EmbedAnswerSchema>;

async function testRows(domain: z.infer<typeof EmbedDomainSchema>) {
  const data = prepareRunData(await loadDataset(domain.data), domain.config);
  return { test: data.test, featureShape: data.featureShape, classes: data.classes };
}

export async function computeEmbedding(tf: Tf, request: EmbedRequest): Promise<EmbedAnswer> {
  const { settings } = request;
  const source = await testRows(request.source);
  const target = await testRows(request.target);
  const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);
  if (size(source.featureShape) !== size(target.featureShape)) {
    throw new Error(
      `Source rows have shape [${source.featureShape.join(', ')}], target rows ` +
        `[${target.featureShape.join(', ')}]: one model cannot embed both`,
    );
  }
  const featureSize = size(target.featureShape);
  const s = drawRows(
    source.test,
    featureSize,
    source.classes,
    settings.perDomain,
    deriveSeed(settings.seed, 'embedding/source'),
  );
  const t = drawRows(
    target.test,
    featureSize,
    target.classes,
    settings.perDomain,
    deriveSeed(settings.seed, 'embedding/target'),
  );
  const points: EmbeddingPoints = {
    domain: [...s.labels.map(() => 0), ...t.labels.map(() => 1)],
    label: [...s.labels, ...t.labels],
  };
  const side = (model: z.infer<typeof EmbedModelSchema>): Promise<EmbeddingSide> =>
    embedSide(tf, model.files, s, t, target.featureShape, {
      label: model.label,
      runId: model.runId,
      seed: settings.seed,
      ...(request.umapEpochs === undefined ? {} : { projection: { epochs: request.umapEpochs } }),
    });
  const before = request.before === undefined ? null : await side(request.before);
  const after = await side(request.after);
  return { type: 'embedded', points, before, after };
}
