import { join } from 'node:path';
import type { ResolvedRunConfig } from '../../src-shared/domain/runs';
import { strategyInfo } from '../../src-shared/domain/strategies';
import type { TrainJob } from '../engine/protocol';
import { findDatasetByName } from '../store/datasets';
import type { Db } from '../store/db';
import { getSourceModel, runDataHash } from '../store/runs';
import { findModelByFileHash } from '../store/models';
import { keepModels } from '../store/runModels';
import { resolveDataset } from '../store/datasetResolver';

/** What a trainer job is built from: a queued run, or a plan's calibration of one. */
export interface JobSource {
  id: number;
  config: ResolvedRunConfig;
  /** The source run whose model it starts from. */
  dependsOn: number | null;
  /** The run it re-runs: its data hash must come out the same. */
  rerunOf?: number | null;
}

/**
 * The job a trainer receives for a run: where its data lies (the dataset as it is now, by
 * name), the source model it starts from, the source domain's data for strategies that train on
 * it, and for a re-run the data hash its original recorded.
 */
export function buildTrainJob(db: Db, workspaceDir: string, run: JobSource): TrainJob {
  const dataset = resolveDataset(db, run.config.domain.dataset);
  const fresh = findDatasetByName(db, dataset.name) ?? dataset;
  let sourceModel: TrainJob['sourceModel'];
  const pretrained = run.config.sourceDomain?.pretrained;
  const imported = pretrained === undefined ? undefined : findModelByFileHash(db, pretrained.model);
  if (pretrained !== undefined && strategyUsesSourceModel(run.config)) {
    // An imported model (issue 13): its stored files, cut where the run recorded.
    if (imported === undefined) {
      throw new Error(
        `The imported model ${pretrained.model.slice(0, 12)} this run starts from is no longer in ` +
          'the workspace (deleted?); import it again to run it',
      );
    }
    sourceModel = {
      dir: imported.dir,
      hash: imported.weightsHash,
      ...(pretrained.featureLayer ? { featureLayer: pretrained.featureLayer } : {}),
    };
  } else if (run.dependsOn !== null) {
    sourceModel = getSourceModel(db, run.dependsOn);
    if (!sourceModel)
      throw new Error(`Source run #${run.dependsOn} completed but recorded no model.`);
  }
  // Strategies that train on the source domain's rows (multi-task) get its data too.
  let sourceData: TrainJob['sourceData'];
  const { strategy, sourceDomain } = run.config;
  const sourceDataset =
    sourceDomain === undefined ? undefined : resolveDataset(db, sourceDomain.dataset);
  const source = sourceDataset && (findDatasetByName(db, sourceDataset.name) ?? sourceDataset);
  if (strategy !== 'source' && strategyInfo(strategy).needsSourceData) {
    if (source === undefined)
      throw new Error(`Strategy ${strategy} needs a source domain; the run names none.`);
    sourceData = source.locator;
  }
  const expectedDataHash =
    run.rerunOf === undefined || run.rerunOf === null ? undefined : runDataHash(db, run.rerunOf);
  return {
    runId: run.id,
    config: run.config,
    data: fresh.locator,
    ...(sourceModel ? { sourceModel } : {}),
    ...(sourceData ? { sourceData } : {}),
    // The source's row shape: a target of another shape is fitted to it (an input adapter).
    ...(imported
      ? { sourceInputShape: pretrained?.input?.shape ?? imported.input.shape }
      : source
        ? { sourceInputShape: source.featureShape }
        : {}),
    ...(source ? { sourceClasses: sourceDomain?.classes ?? source.classes } : {}),
    modelsDir: join(workspaceDir, 'models'),
    // Source runs always keep their model; transfer runs as the workspace says (issue 13).
    saveModel: run.config.kind === 'source' || keepModels(db) !== 'none',
    ...(expectedDataHash ? { expectedDataHash } : {}),
  };
}

/** Whether a transfer run's strategy starts from the source model (not only its data). */
function strategyUsesSourceModel(config: ResolvedRunConfig): boolean {
  return config.strategy !== 'source' && strategyInfo(config.strategy).needsSourceModel;
}
