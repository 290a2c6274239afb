import {
  DEFAULT_EMBEDDING_SETTINGS,
  type Embedding,
  type EmbeddingAnswer,
  type EmbeddingSettings,
} from '../../src-shared/domain/embedding';
import type { ResolvedRunConfig } from '../../src-shared/domain/runs';
import { AppFailure } from '../../src-shared/result';
import type { EmbedRequest } from '../engine/embedding/job';
import { resolveDataset } from '../store/datasetResolver';
import { findDatasetByName } from '../store/datasets';
import type { Db } from '../store/db';
import { baselineRunWithModel, cachedEmbedding, saveEmbedding } from '../store/embeddings';
import { getRun, getSourceModel } from '../store/runs';
import type { ModelsRunner } from './modelService';

/**
 * The embedding view (issue 14, point 3): which models and rows a transfer run's embedding is
 * made of, the cache, and the models process that computes it (tfjs and UMAP never run here).
 *
 * "Before adaptation" is the model the run started from (its source run's, for fine-tuning and
 * the other parameter-transfer strategies); for strategies that train from scratch on both
 * domains (source-only, MMD, CORAL, DANN) it is the experiment's model trained on the source
 * labels alone (store/embeddings.ts baselineRunWithModel). "After" is the run's own kept model.
 */

export interface EmbeddingServiceContext {
  db: Db;
  runModels: ModelsRunner;
  /** UMAP's epochs (tests shorten them); the models process's default otherwise. */
  umapEpochs?: number;
}

export const NOT_KEPT_MESSAGE =
  "This run's model was not kept: set Settings → Models → keep all and rerun it.";

type Plan =
  | { ok: false; message: string }
  | { ok: true; request: Omit<EmbedRequest, 'settings'>; sourceName: string; targetName: string };

function dataOf(db: Db, config: ResolvedRunConfig): EmbedRequest['target'] {
  const dataset = resolveDataset(db, config.domain.dataset);
  return { data: (findDatasetByName(db, dataset.name) ?? dataset).locator, config };
}

/** What the run's embedding is made of, or why it cannot have one. */
export function planEmbedding(db: Db, runId: number): Plan {
  const run = getRun(db, runId);
  if (run === undefined) throw new AppFailure('not_found', `No run #${runId}.`);
  const { config } = run;
  const no = (message: string): Plan => ({ ok: false, message });
  if (config.kind === 'source') {
    return no(
      'A source run trains on one domain: open one of its transfer runs to see source and target features.',
    );
  }
  if (run.status !== 'completed') return no('The embedding is shown once the run has completed.');
  const { sourceDomain } = config;
  if (sourceDomain === undefined) {
    return no('This run has no source domain (scratch): there is no adaptation to show.');
  }
  if (sourceDomain.pretrained !== undefined) {
    return no(
      'This run starts from an imported model: there are no source rows to embed beside the target’s.',
    );
  }
  const after = getSourceModel(db, runId);
  if (after === undefined) return no(NOT_KEPT_MESSAGE);

  let before: EmbedRequest['before'];
  if (run.dependsOn !== null) {
    const files = getSourceModel(db, run.dependsOn);
    if (files)
      before = { files, label: `source model (run #${run.dependsOn})`, runId: run.dependsOn };
  } else {
    const baseline = baselineRunWithModel(db, runId);
    const files = baseline && getSourceModel(db, baseline.runId);
    if (baseline && files) {
      before = {
        files,
        label:
          baseline.kind === 'source'
            ? `source model (run #${baseline.runId})`
            : `source-only (run #${baseline.runId})`,
        runId: baseline.runId,
      };
    }
  }
  // The source domain split as a source run splits it: all its labels, its own split seed.
  const sourceConfig: ResolvedRunConfig = { ...config, kind: 'source', domain: sourceDomain };
  delete sourceConfig.sourceDomain;
  return {
    ok: true,
    sourceName: sourceDomain.name,
    targetName: config.domain.name,
    request: {
      type: 'embed',
      source: dataOf(db, sourceConfig),
      target: dataOf(db, config),
      ...(before ? { before } : {}),
      after: { files: after, label: `this run (#${runId}, ${config.strategy})`, runId },
    },
  };
}

/** The cache key: the settings and the exact weights embedded. */
function settingsKey(settings: EmbeddingSettings, request: Plan & { ok: true }): string {
  return JSON.stringify({
    v: 1,
    perDomain: settings.perDomain,
    seed: settings.seed,
    before: request.request.before?.files.hash ?? null,
    after: request.request.after.files.hash,
  });
}

const NO_BEFORE =
  'No model from before adaptation was kept for this run: its experiment has no completed ' +
  'source run or source-only run with a kept model on the same source and seed.';

/**
 * The run's embedding: from the cache, or (with `compute`) computed in the models process and
 * cached. Two requests for the same run and settings share one computation.
 */
export function embeddingService(ctx: EmbeddingServiceContext) {
  const inFlight = new Map<string, Promise<Embedding>>();
  const compute = async (
    runId: number,
    settings: EmbeddingSettings,
    plan: Plan & { ok: true },
  ): Promise<Embedding> => {
    const answer = await ctx.runModels({
      ...plan.request,
      settings,
      ...(ctx.umapEpochs === undefined ? {} : { umapEpochs: ctx.umapEpochs }),
    });
    if (answer.type === 'failed') {
      throw new AppFailure('internal', `Cannot compute the embedding: ${answer.error}`);
    }
    if (answer.type !== 'embedded') throw new Error(`Unexpected answer ${answer.type}`);
    const embedding: Embedding = {
      runId,
      settings,
      sourceName: plan.sourceName,
      targetName: plan.targetName,
      points: answer.points,
      before: answer.before,
      beforeMissing: answer.before === null ? NO_BEFORE : null,
      after: answer.after,
      computedAt: new Date().toISOString(),
    };
    saveEmbedding(ctx.db, settingsKey(settings, plan), embedding);
    return embedding;
  };
  return async (input: {
    id: number;
    compute?: boolean | undefined;
    settings?: EmbeddingSettings | undefined;
  }): Promise<EmbeddingAnswer> => {
    const settings = input.settings ?? DEFAULT_EMBEDDING_SETTINGS;
    const plan = planEmbedding(ctx.db, input.id);
    if (!plan.ok) return { status: 'unavailable', message: plan.message };
    const key = `${input.id} ${settingsKey(settings, plan)}`;
    const cached = cachedEmbedding(ctx.db, input.id, settingsKey(settings, plan));
    if (cached) return { status: 'ready', embedding: cached };
    if (input.compute !== true) return { status: 'not-computed' };
    let running = inFlight.get(key);
    if (running === undefined) {
      running = compute(input.id, settings, plan).finally(() => inFlight.delete(key));
      inFlight.set(key, running);
    }
    return { status: 'ready', embedding: await running };
  };
}
