import type { TrainJob } from '../protocol';
import { prepareRunData, type RunData } from './domain';
import { loadDataset } from './load';

export type { RunData, Split } from './domain';
export type { Dataset } from './load';

/** The exact arrays a job trains and evaluates on: its dataset, domain view, split and budget. */
export async function loadRunData(job: TrainJob): Promise<RunData> {
  return prepareRunData(await loadDataset(job.data), job.config);
}
