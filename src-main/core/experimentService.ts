import type { ExperimentSpec } from '../../src-shared/domain/experimentSpec';
import type { ExperimentDetail, ExperimentSummary } from '../../src-shared/domain/experiments';
import { AppFailure, type Issue } from '../../src-shared/result';
import { inTransaction, type Db } from '../store/db';
import { ensureDomain } from '../store/domains';
import {
  getExperimentSpec,
  insertExperiment,
  linkDomain,
  listExperiments,
} from '../store/experiments';
import { findReusableSourceRun, insertRun, listRuns } from '../store/runs';
import { transferabilitySummary } from './transferabilitySummary';
import { readExperimentPlan, readExperimentTiming, saveExperimentPlan } from '../store/planning';
import {
  parseSpec,
  planExperiment,
  type ExperimentPlan,
  type PlannedDomain,
} from './experimentPlan';
import { planRecord, summarisePlan } from './planService';
import { resolvePlannedDomain } from './plannedDomain';

/**
 * Resolves a spec's domains and plans its runs; refused with every problem found, `found` (those
 * found before planning: specBackends.ts) included.
 */
export function resolvePlan(
  db: Db,
  spec: ExperimentSpec,
  found: readonly Issue[] = [],
): ExperimentPlan {
  return planExperiment(spec, (d, where) => resolvePlannedDomain(db, d, where), found);
}

/**
 * Creates an experiment from a spec given as `unknown` (a UI form, a JSON file): validated,
 * stored verbatim and with defaults, and expanded into queued runs, all in one transaction, so
 * a failure leaves nothing half-written. A source run with the same resolved config as one
 * already completed or queued in this workspace is reused rather than trained again. The plan
 * (planService.ts, the same code `transferlab plan` and the designer show) is recorded with it.
 * `found`: problems found before (a backend this machine lacks), refused with the plan's own.
 */
export function createExperiment(
  db: Db,
  specInput: unknown,
  origin: string,
  concurrency: number,
  found: readonly Issue[] = [],
): { experimentId: number; runIds: number[] } {
  const spec = parseSpec(specInput);
  return inTransaction(db, () => {
    const plan = resolvePlan(db, spec, found);
    const summary = summarisePlan(db, plan, { concurrency });
    const experimentId = insertExperiment(db, { name: spec.name, specInput, spec, origin });
    const runIds: number[] = [];
    const domainIds = new Map<PlannedDomain, number>();
    const domainId = (d: PlannedDomain, role: 'source' | 'target'): number => {
      const id = domainIds.get(d) ?? ensureDomain(db, d.dataset.id, d.spec);
      domainIds.set(d, id);
      linkDomain(db, experimentId, id, role);
      return id;
    };

    const sourceRunIds = new Map<string, number>();
    for (const s of plan.sourceRuns) {
      const reused = findReusableSourceRun(db, s.configHash);
      if (reused !== undefined) {
        sourceRunIds.set(s.key, reused);
        continue;
      }
      const id = domainId(s.domain, 'source');
      const runId = insertRun(db, {
        experimentId,
        kind: 'source',
        strategy: 'source',
        variant: s.variant,
        domainId: id,
        sourceDomainId: id,
        budget: 'all',
        seed: s.config.seed,
        config: s.config,
        configHash: s.configHash,
        dependsOn: null,
        epochs: s.config.training.epochs,
      });
      sourceRunIds.set(s.key, runId);
      runIds.push(runId);
    }
    for (const t of plan.transferRuns) {
      const dependsOn = t.sourceRunKey === null ? null : sourceRunIds.get(t.sourceRunKey);
      if (dependsOn === undefined)
        throw new Error(`No source run planned for ${t.sourceRunKey ?? ''}`);
      const runId = insertRun(db, {
        experimentId,
        kind: 'transfer',
        strategy: t.config.strategy,
        variant: t.variant,
        domainId: domainId(t.target, 'target'),
        sourceDomainId: t.source ? domainId(t.source, 'source') : null,
        budget: t.config.budget,
        seed: t.config.seed,
        config: t.config,
        configHash: t.configHash,
        dependsOn,
        epochs: t.config.training.epochs,
      });
      runIds.push(runId);
    }
    if (runIds.length !== summary.queuedRuns) {
      // The plan shown before launch and what is queued come from one code path; never differ.
      throw new Error(`Planned ${summary.queuedRuns} runs but queued ${runIds.length}`);
    }
    saveExperimentPlan(db, experimentId, planRecord(summary));
    return { experimentId, runIds };
  });
}

export function getExperiment(db: Db, id: number): ExperimentDetail {
  const stored = getExperimentSpec(db, id);
  if (!stored) throw new AppFailure('not_found', `No experiment #${id}.`);
  const [summary] = listExperiments(db, id);
  const runs = listRuns(db, { experimentId: id, limit: 100_000 });
  return {
    ...(summary ?? {
      id,
      name: stored.name,
      createdAt: stored.createdAt,
      runCounts: {},
      totalRuns: 0,
      archivedAt: null,
    }),
    spec: stored.spec,
    runs,
    transferability: transferabilitySummary(db, id),
    plan: readExperimentPlan(db, id),
    timing: readExperimentTiming(db, id),
  };
}

export function experimentSummaries(db: Db): ExperimentSummary[] {
  return listExperiments(db);
}
