import type { DataLocator, TrainJob } from '../protocol';
import { strategyFor } from '../strategies/index';
import { prepareRunData, type RunData, type RunDataExtras } from './domain';
import { locatorKey, type LoadDataset } from './cache';
import { loadDataset } from './load';

export type { RunData, SourceData, Split, UnlabelledSplit } from './domain';
export type { Dataset } from './load';

/**
 * The exact arrays a job trains and evaluates on: its dataset, domain view, split and budget,
 * plus what its strategy trains on besides (strategy.needs): the source domain's training rows
 * and the target's unlabelled pool. A strategy that applies one model to both domains
 * (StrategyInfo.needsSameInput) gets its rows fitted to the source's shape when it differs
 * (RunData.inputAdapter). `load` reads a dataset: a warm trainer passes its cache's (cache.ts).
 */
export async function loadRunData(
  job: TrainJob,
  load: LoadDataset = loadDataset,
): Promise<RunData> {
  const { config } = job;
  const strategy = strategyFor(config);
  const needs = strategy.needs(config);
  const dataset = await load(job.data);
  const extras: RunDataExtras = { unlabelled: needs.unlabelledTarget };
  const sourceShape = job.sourceInputShape ?? (job.sourceData && locatorShape(job.sourceData));
  if (config.kind === 'transfer' && strategy.info?.needsSameInput === true && sourceShape)
    extras.inputShape = sourceShape;
  if (needs.sourceData) {
    if (job.sourceData === undefined || config.sourceDomain === undefined) {
      throw new Error(`Strategy ${config.strategy} needs the source domain's data`);
    }
    const sameDataset = locatorKey(job.sourceData) === locatorKey(job.data);
    extras.source = {
      // One dataset serves both roles when the domains are views of the same one (digits 0–4 → 5–9).
      dataset: sameDataset ? dataset : await load(job.sourceData),
      domain: config.sourceDomain,
      sameDataset,
    };
  }
  return prepareRunData(dataset, config, extras);
}

/** The row shape of a locator's dataset. */
function locatorShape(locator: DataLocator): number[] {
  return locator.kind === 'synthetic' ? [locator.params.features] : locator.featureShape;
}
