import type {
  Budget,
  DomainSpec,
  ExperimentSpec,
  StrategyId,
} from '../../src-shared/domain/experimentSpec';
import type { ResolvedRunConfig } from '../../src-shared/domain/runs';
import { STRATEGIES, strategyInfo } from '../../src-shared/domain/strategies';
import { AppFailure } from '../../src-shared/result';
import {
  type EstimatePair,
  type PairEstimate,
  type TransferabilityEstimate,
  type TransferabilityPairEstimate,
  scoringBudget,
} from '../../src-shared/rpc/transferability';
import type { ProbeJob, ProbeOutcome } from '../engine/trainer/probeProtocol';
import type { DatasetRecord } from '../store/datasets';
import { withoutWriting, type Db } from '../store/db';
import { findReusableSourceRun, getSourceModel, runStatus } from '../store/runs';
import { resolveDataset } from '../store/datasetResolver';
import { planExperiment, type PlannedDomain } from './experimentPlan';
import { resolvePlannedDomain } from './plannedDomain';
import { inputFit } from '../engine/adapterShapes';

/**
 * Transferability before launch (issue: "the designer shows transferability scores for the
 * chosen source→target pairs before launch"). The draft spec is planned as `experiments.create`
 * would plan it, without writing anything; each pair's source model is the one a launch would
 * reuse (a source run with the same config hash, for the first seed), and it is scored on the
 * labelled target rows of the largest budget, the rows that budget's transfer runs would score
 * themselves on before training. Scoring runs in a child process (ProbeRunner).
 */

export type ProbeRunner = (jobs: ProbeJob[]) => Promise<ProbeOutcome[]>;

export interface EstimateInput {
  spec: ExperimentSpec;
  pairs?: EstimatePair[] | undefined;
}

/**
 * A strategy that makes the plan include source runs, for specs whose own strategies train no
 * source model: source runs do not depend on the strategies, so their config hashes are the ones
 * an experiment with, say, fine-tuning would give. Picked without input or label constraints, so
 * planning it adds no problem of its own.
 */
function sourceModelStrategy(): StrategyId {
  const info = STRATEGIES.find(
    (s) => s.needsSourceModel && !s.needsSameInput && !s.needsSameLabels,
  );
  if (info === undefined) throw new Error('No strategy trains from a source model');
  return info.id;
}

function featureCount(d: DatasetRecord): number {
  return d.featureShape.reduce((a, b) => a * b, 1);
}

interface Pending {
  pair: TransferabilityPairEstimate;
  job: ProbeJob;
  sourceRunId: number | null;
  modelId: number | null;
}

export async function estimateTransferability(
  db: Db,
  input: EstimateInput,
  runProbes: ProbeRunner,
): Promise<TransferabilityEstimate> {
  const { spec } = input;
  // The strategy the scores stand for: the spec's first that starts from a source model.
  const ownModelStrategy = spec.strategies.find((c) => strategyInfo(c.id).needsSourceModel)?.id;
  const modelStrategy = ownModelStrategy ?? sourceModelStrategy();
  const { sourcePlan, sources, targets, planned } = withoutWriting(db, () => {
    const resolve = (d: DomainSpec, where: string): PlannedDomain =>
      resolvePlannedDomain(db, d, where);
    // The spec's own plan validates it exactly as a launch would, problems and all.
    const own = planExperiment(spec, resolve);
    return {
      sourcePlan:
        ownModelStrategy !== undefined
          ? own
          : planExperiment(
              { ...spec, strategies: [{ id: modelStrategy, params: {} }], budgets: ['all'] },
              resolve,
            ),
      sources: spec.sources.map((d) => resolveDataset(db, d.dataset)),
      targets: spec.targets.map((d) => resolveDataset(db, d.dataset)),
      // Imported source models (issue 13), resolved as a launch records them.
      planned: spec.sources.map((d, i) => resolvePlannedDomain(db, d, `sources.${i}`)),
    };
  });

  const seed = spec.seeds[0] ?? 0;
  const budget = scoringBudget(spec.budgets);
  const pairs: EstimatePair[] =
    input.pairs ??
    spec.sources.flatMap((_s, source) => spec.targets.map((_t, target) => ({ source, target })));

  const answers: TransferabilityPairEstimate[] = [];
  const pending: Pending[] = [];
  for (const { source, target } of pairs) {
    const src = spec.sources[source];
    const tgt = spec.targets[target];
    const srcData = sources[source];
    const tgtData = targets[target];
    if (!src || !tgt || !srcData || !tgtData) {
      throw new AppFailure('invalid_input', `No pair ${source}→${target} in this spec.`, [
        { path: 'pairs', message: `source ${source} or target ${target} is not in the spec` },
      ]);
    }
    const pair: TransferabilityPairEstimate = {
      source,
      target,
      sourceName: src.name,
      targetName: tgt.name,
      budget,
      seed,
      estimate: { status: 'unavailable', message: '' },
    };
    answers.push(pair);
    const imported = planned[source];
    if (imported?.model !== undefined) {
      // An imported model is there already: scored at once, on the rows fitted and scaled as
      // its runs' would be.
      const fit = inputFit(tgtData.featureShape, imported.model.input.shape);
      if (fit.kind === 'adapter' && fit.adapter.kind === 'linear') {
        pair.estimate = {
          status: 'unavailable',
          message: `Model m${imported.model.id} takes rows of shape [${imported.model.input.shape.join(', ')}]; the target's [${tgtData.featureShape.join(', ')}] cannot be fitted to them.`,
        };
        continue;
      }
      if (budget === 0) {
        pair.estimate = {
          status: 'unavailable',
          message:
            'Budget 0 gives no labelled target row to score on; add a budget above 0 to see scores.',
        };
        continue;
      }
      const featureLayer = imported.spec.pretrained?.featureLayer;
      pending.push({
        pair,
        sourceRunId: null,
        modelId: imported.model.id,
        job: {
          config: {
            kind: 'transfer',
            strategy: modelStrategy,
            strategyParams: {},
            domain: tgt,
            sourceDomain: imported.spec,
            budget,
            seed,
            model: spec.model,
            training: spec.training,
          },
          data: tgtData.locator,
          sourceModel: {
            dir: imported.model.dir,
            hash: imported.model.weightsHash,
            ...(featureLayer ? { featureLayer } : {}),
          },
        },
      });
      continue;
    }
    const sourceRun = sourcePlan.sourceRuns.find((r) => r.key === `${source}/${seed}`);
    const found = unscoredReason(db, {
      budget,
      sourceRunHash: sourceRun?.configHash,
      trainsSourceModel: ownModelStrategy !== undefined,
      sourceFeatures: featureCount(srcData),
      targetFeatures: featureCount(tgtData),
    });
    if ('estimate' in found) {
      pair.estimate = found.estimate;
      continue;
    }
    const config: ResolvedRunConfig = {
      kind: 'transfer',
      strategy: modelStrategy,
      strategyParams: {},
      domain: tgt,
      sourceDomain: src,
      budget,
      seed,
      model: spec.model,
      training: spec.training,
    };
    pending.push({
      pair,
      sourceRunId: found.sourceRunId,
      modelId: null,
      job: { config, data: tgtData.locator, sourceModel: found.model },
    });
  }

  if (pending.length > 0) {
    const outcomes = await runProbes(pending.map((p) => p.job));
    pending.forEach((p, i) => {
      const outcome = outcomes[i] ?? { ok: false, error: 'No answer from the scoring process.' };
      p.pair.estimate = outcome.ok
        ? {
            status: 'scored',
            scores: outcome.scores,
            samples: outcome.samples,
            sourceRunId: p.sourceRunId,
            modelId: p.modelId,
          }
        : { status: 'error', message: outcome.error };
    });
  }
  return { pairs: answers };
}

/** Why a pair cannot be scored yet, or the source model to score. */
function unscoredReason(
  db: Db,
  p: {
    budget: Budget;
    sourceRunHash: string | undefined;
    trainsSourceModel: boolean;
    sourceFeatures: number;
    targetFeatures: number;
  },
): { estimate: PairEstimate } | { sourceRunId: number; model: { dir: string; hash: string } } {
  if (p.budget === 0) {
    return {
      estimate: {
        status: 'unavailable',
        message:
          'Budget 0 gives no labelled target row to score on; add a budget above 0 to see scores.',
      },
    };
  }
  if (p.sourceFeatures !== p.targetFeatures) {
    return {
      estimate: {
        status: 'unavailable',
        message: `The source has ${p.sourceFeatures} input features and the target ${p.targetFeatures}: a source model cannot read the target's rows.`,
      },
    };
  }
  const launch = p.trainsSourceModel
    ? 'after launching this experiment, or any experiment with the same source and source training settings'
    : 'after launching an experiment with the same source and source training settings and a strategy that trains a source model (fine-tune, for one)';
  const runId =
    p.sourceRunHash === undefined ? undefined : findReusableSourceRun(db, p.sourceRunHash);
  if (runId === undefined) {
    return {
      estimate: {
        status: 'no-source-model',
        message: `No source model has been trained with these settings yet: scores appear once it has been (${launch}).`,
        sourceRunId: null,
      },
    };
  }
  const status = runStatus(db, runId)?.status;
  if (status !== 'completed') {
    return {
      estimate: {
        status: 'no-source-model',
        message: `Source run #${runId} is ${status ?? 'gone'}: scores appear once it has completed.`,
        sourceRunId: runId,
      },
    };
  }
  const model = getSourceModel(db, runId);
  if (model === undefined) {
    return {
      estimate: {
        status: 'error',
        message: `Source run #${runId} completed but recorded no model.`,
      },
    };
  }
  return { sourceRunId: runId, model };
}
