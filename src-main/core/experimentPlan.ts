import { createHash } from 'node:crypto';
import {
  ExperimentSpecSchema,
  type DomainSpec,
  type ExperimentSpec,
} from '../../src-shared/domain/experimentSpec';
import type { ResolvedRunConfig } from '../../src-shared/domain/runs';
import { resolveStrategyParams, strategyInfo } from '../../src-shared/domain/strategies';
import { parseUnknown } from '../../src-shared/parse';
import { AppFailure } from '../../src-shared/result';
import type { DatasetRecord } from '../store/datasets';
import { canonicalJson } from '../store/json';

export interface PlannedDomain {
  spec: DomainSpec;
  dataset: DatasetRecord;
}

export interface PlannedSourceRun {
  key: string;
  config: ResolvedRunConfig;
  configHash: string;
  domain: PlannedDomain;
}

export interface PlannedTransferRun {
  config: ResolvedRunConfig;
  configHash: string;
  target: PlannedDomain;
  source: PlannedDomain | null;
  /** Key of the source run it starts from, for strategies that need a source model. */
  sourceRunKey: string | null;
}

export interface ExperimentPlan {
  spec: ExperimentSpec;
  sourceRuns: PlannedSourceRun[];
  transferRuns: PlannedTransferRun[];
}

export function parseSpec(input: unknown): ExperimentSpec {
  return parseUnknown(ExperimentSpecSchema, input, 'experiment spec');
}

function hashConfig(config: ResolvedRunConfig, datasets: DatasetRecord[]): string {
  // The dataset content is part of the identity: the same name with new content is a new run.
  const key = canonicalJson({ config, data: datasets.map((d) => d.contentHash) });
  return createHash('sha256').update(key).digest('hex');
}

function checkDomain(where: string, d: PlannedDomain, problems: string[]): void {
  for (const c of d.spec.classes ?? []) {
    if (!d.dataset.classes.includes(c))
      problems.push(`${where}.classes: ${c} is not a class of ${d.dataset.name}`);
  }
  if (d.spec.classes && new Set(d.spec.classes).size !== d.spec.classes.length) {
    problems.push(`${where}.classes: a class is listed twice`);
  }
}

function featureCount(d: DatasetRecord): number {
  return d.featureShape.reduce((a, b) => a * b, 1);
}

/**
 * Expands a spec into runs: one source run per (source, seed) that a strategy needs, and one
 * transfer run per (source, target, strategy, budget, seed). Strategies without a source model
 * (scratch) do not depend on the source, so they run once per target, not once per source.
 * Every problem is collected and reported together.
 */
export function planExperiment(
  spec: ExperimentSpec,
  resolve: (d: DomainSpec) => PlannedDomain,
): ExperimentPlan {
  const problems: string[] = [];
  const sources = spec.sources.map((s) => resolve(s));
  const targets = spec.targets.map((t) => resolve(t));
  sources.forEach((s, i) => {
    checkDomain(`sources.${i}`, s, problems);
  });
  targets.forEach((t, i) => {
    checkDomain(`targets.${i}`, t, problems);
  });

  const strategies = spec.strategies.map((choice, i) => {
    const { params, problems: p } = resolveStrategyParams(choice.id, choice.params);
    problems.push(...p.map((msg) => `strategies.${i}: ${msg}`));
    const freeze = params.freezeLayers;
    if (typeof freeze === 'number' && freeze > spec.model.hidden.length) {
      problems.push(
        `strategies.${i}: freezeLayers ${freeze} exceeds the model's ${spec.model.hidden.length} hidden layers`,
      );
    }
    return { info: strategyInfo(choice.id), params };
  });

  for (const s of strategies.filter((x) => x.info.needsSourceModel)) {
    for (const [i, src] of sources.entries()) {
      for (const [j, tgt] of targets.entries()) {
        if (featureCount(src.dataset) !== featureCount(tgt.dataset)) {
          problems.push(
            `${s.info.id}: source ${i} has ${featureCount(src.dataset)} input features and target ${j} has ` +
              `${featureCount(tgt.dataset)}; ${s.info.name} needs the same input shape`,
          );
        }
      }
    }
  }
  if (problems.length > 0) {
    throw new AppFailure(
      'invalid_input',
      `Invalid experiment spec: ${problems.join('; ')}`,
      problems,
    );
  }

  const sourceTraining = spec.sourceTraining ?? spec.training;
  const sourceRuns: PlannedSourceRun[] = [];
  const anyNeedsSource = strategies.some((s) => s.info.needsSourceModel);
  const sourceKey = (i: number, seed: number): string => `${i}/${seed}`;
  if (anyNeedsSource) {
    sources.forEach((src, i) => {
      for (const seed of spec.seeds) {
        const config: ResolvedRunConfig = {
          kind: 'source',
          strategy: 'source',
          strategyParams: {},
          domain: src.spec,
          budget: 'all',
          seed,
          model: spec.model,
          training: sourceTraining,
        };
        sourceRuns.push({
          key: sourceKey(i, seed),
          config,
          configHash: hashConfig(config, [src.dataset]),
          domain: src,
        });
      }
    });
  }

  const transferRuns: PlannedTransferRun[] = [];
  for (const tgt of targets) {
    for (const s of strategies) {
      const sourceIndices = s.info.needsSourceModel ? sources.map((_, i) => i) : [null];
      for (const si of sourceIndices) {
        const src = si === null ? null : (sources[si] ?? null);
        for (const budget of spec.budgets) {
          for (const seed of spec.seeds) {
            const config: ResolvedRunConfig = {
              kind: 'transfer',
              strategy: s.info.id,
              strategyParams: s.params,
              domain: tgt.spec,
              ...(src ? { sourceDomain: src.spec } : {}),
              budget,
              seed,
              model: spec.model,
              training: spec.training,
            };
            const datasets = src ? [tgt.dataset, src.dataset] : [tgt.dataset];
            transferRuns.push({
              config,
              configHash: hashConfig(config, datasets),
              target: tgt,
              source: src,
              sourceRunKey: si === null ? null : sourceKey(si, seed),
            });
          }
        }
      }
    }
  }
  return { spec, sourceRuns, transferRuns };
}
