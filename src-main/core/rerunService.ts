import { isTerminal } from '../../src-shared/domain/runs';
import type { RerunResult } from '../../src-shared/rpc/plan';
import { AppFailure } from '../../src-shared/result';
import { IMPORTED_HASH_PREFIX } from '../reports/bundleImport';
import type { DatasetRecord } from '../store/datasets';
import { inTransaction, type Db } from '../store/db';
import {
  getSourceModel,
  insertRun,
  readRerunSource,
  runStatus,
  type RerunSource,
} from '../store/runs';
import { resolveDataset } from '../store/datasetResolver';
import { hashConfig } from './experimentPlan';

/**
 * Re-runs (issue 10): new runs with the identical resolved config of past runs (the same seed,
 * so on the same backend the same numbers), in the same experiment, each pointing at its
 * original. Before anything is queued, the datasets each run reads are checked: a run's config
 * hash covers their content, so a dataset changed since (re-imported under the same name, a
 * built-in one updated) is refused with the reason. The trainer checks the exact arrays again
 * (the data hash) before its first epoch. A transfer run starts from the same source model as its
 * original, so its re-run tests its own reproducibility. The request is refused whole when any
 * run cannot be re-run, so nothing is half-queued.
 */

function datasetsOf(db: Db, run: RerunSource): DatasetRecord[] {
  const target = resolveDataset(db, run.config.domain.dataset);
  const source =
    run.config.kind === 'transfer' && run.config.sourceDomain
      ? resolveDataset(db, run.config.sourceDomain.dataset)
      : undefined;
  return source ? [target, source] : [target];
}

function problemOf(db: Db, id: number, run: RerunSource | undefined): string | null {
  if (!run) return `No run #${id}.`;
  if (!isTerminal(run.status)) return `Run #${id} is ${run.status}: re-run it once it has ended.`;
  let datasets: DatasetRecord[];
  try {
    datasets = datasetsOf(db, run);
  } catch (e) {
    return `Run #${id}: ${e instanceof Error ? e.message : String(e)}`;
  }
  // Imported from a bundle: the hash is the other workspace's; the trainer checks the data hash.
  if (
    !run.configHash.startsWith(IMPORTED_HASH_PREFIX) &&
    hashConfig(run.config, datasets) !== run.configHash
  ) {
    const names = [...new Set(datasets.map((d) => `"${d.name}"`))].join(' and ');
    return (
      `Run #${id}: the data changed since it ran — the content of ${names} is not what the run ` +
      'recorded (a dataset re-imported or replaced under the same name); a re-run would not train on the same data.'
    );
  }
  if (run.dependsOn !== null) {
    const source = runStatus(db, run.dependsOn);
    if (!source || source.status !== 'completed' || !getSourceModel(db, run.dependsOn))
      return `Run #${id}: its source run #${run.dependsOn} and its model are gone; re-run the source run first.`;
  }
  return null;
}

export function rerunRuns(db: Db, ids: readonly number[]): RerunResult {
  return inTransaction(db, () => {
    const unique = [...new Set(ids)];
    const runs = unique.map((id) => [id, readRerunSource(db, id)] as const);
    const problems = runs.flatMap(([id, run]) => {
      const problem = problemOf(db, id, run);
      return problem === null ? [] : [problem];
    });
    if (problems.length > 0) {
      throw new AppFailure(
        runs.some(([, run]) => run === undefined) ? 'not_found' : 'invalid_input',
        `Nothing re-run: ${problems.join(' ')}`,
        problems.map((message) => ({ path: '', message })),
      );
    }
    const pairs: RerunResult['pairs'] = [];
    for (const [, run] of runs) {
      if (!run) continue;
      // Inserted with the fields it was inserted with (insertRun reads only those), pointing back.
      const rerun = insertRun(db, { ...run, rerunOf: run.id });
      pairs.push({ original: run.id, rerun });
    }
    const experimentIds = [...new Set(runs.flatMap(([, run]) => (run ? [run.experimentId] : [])))];
    return { pairs, experimentIds };
  });
}
