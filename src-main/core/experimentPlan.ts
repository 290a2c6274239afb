import { createHash } from 'node:crypto';
import {
  ExperimentSpecSchema,
  type DomainSpec,
  type ExperimentSpec,
} from '../../src-shared/domain/experimentSpec';
import type { ResolvedRunConfig } from '../../src-shared/domain/runs';
import {
  layerScaleKey,
  MAX_HIDDEN_LAYERS,
  needsSource,
  resolveStrategyParams,
  STRATEGIES,
  strategyInfo,
  type StrategyInfo,
} from '../../src-shared/domain/strategies';
import { TRAIN_METRIC_ROWS } from '../../src-shared/domain/trainMetrics';
import { SOURCE_VARIANT } from '../../src-shared/domain/variantLabel';
import { expandVariants, type Variant } from '../../src-shared/domain/variants';
import { parseUnknown } from '../../src-shared/parse';
import {
  AppFailure,
  distinctIssues,
  formatIssue,
  issueUnder,
  type Issue,
} from '../../src-shared/result';
import { inputFit } from '../engine/adapterShapes';
import { cnnInputProblem } from '../engine/cnn';
import { weightLayerCount } from '../engine/model';
import { outputUnits } from '../engine/head';
import { fineTuneProblems } from './fineTunePlan';
import type { DatasetRecord } from '../store/datasets';
import type { ModelRecord } from '../store/models';
import { canonicalJson } from '../store/json';

export interface PlannedDomain {
  spec: DomainSpec;
  dataset: DatasetRecord;
  /** The imported model a source names (`spec.pretrained`): no source run is planned for it. */
  model?: ModelRecord;
}

export interface PlannedSourceRun {
  key: string;
  /** Always SOURCE_VARIANT: a source run trains the source model, no strategy. */
  variant: string;
  config: ResolvedRunConfig;
  configHash: string;
  domain: PlannedDomain;
}

export interface PlannedTransferRun {
  /** The label of the variant it runs (variants.ts); compared runs are grouped by it. */
  variant: string;
  config: ResolvedRunConfig;
  configHash: string;
  target: PlannedDomain;
  source: PlannedDomain | null;
  /** Key of the source run whose model it needs (strategies with needsSourceModel). */
  sourceRunKey: string | null;
}

export interface ExperimentPlan {
  spec: ExperimentSpec;
  /** Every strategy entry expanded: one variant per entry, or per point of its sweep. */
  variants: Variant[];
  sourceRuns: PlannedSourceRun[];
  transferRuns: PlannedTransferRun[];
}

export function parseSpec(input: unknown): ExperimentSpec {
  return parseUnknown(ExperimentSpecSchema, input, 'experiment spec');
}

/**
 * A run's identity: its resolved config and the content of the datasets it reads. The rows its
 * train metrics are measured on (`trainMetricRows`, issue 12) are left out: they change no weight,
 * so a source run recorded before the cap existed still trains the same model and is reused, and
 * the hashes of runs recorded before it stay what they were.
 */
export function hashConfig(config: ResolvedRunConfig, datasets: readonly DatasetRecord[]): string {
  const identity: Partial<ResolvedRunConfig> = { ...config };
  delete identity.trainMetricRows;
  // The dataset content is part of the identity: the same name with new content is a new run.
  const key = canonicalJson({ config: identity, data: datasets.map((d) => d.contentHash) });
  return createHash('sha256').update(key).digest('hex');
}

function checkDomain(where: string, d: PlannedDomain, problems: Issue[]): void {
  const path = `${where}.classes`;
  for (const c of d.spec.classes ?? []) {
    if (!d.dataset.classes.includes(c))
      problems.push({ path, message: `${c} is not a class of ${d.dataset.name}` });
  }
  if (d.spec.classes && new Set(d.spec.classes).size !== d.spec.classes.length) {
    problems.push({ path, message: 'a class is listed twice' });
  }
}

/** The original labels a domain keeps, in its class order. */
function domainClasses(d: PlannedDomain): number[] {
  return d.spec.classes ?? d.dataset.classes;
}

/**
 * Problems of one strategy's resolved parameters against the model, each at the parameter
 * (`strategies.<i>.params.<key>`): a layer it names must exist.
 * Only the shared ModelSpec is known here (source models are trained from it); the engine checks
 * the source model itself again. `layer` picks a hidden Dense layer; `freezeLayers` and the
 * `layerScale<l>` multipliers count weight layers from the input (a CNN's convolutions, then its
 * Dense layers: model.ts weightLayers), which for an MLP are its hidden layers.
 */
function checkParams(
  where: string,
  info: StrategyInfo,
  params: Record<string, number | boolean>,
  model: ExperimentSpec['model'],
): Issue[] {
  const problems: Issue[] = [];
  const at = (key: string, message: string): void => {
    problems.push({ path: `${where}.params.${key}`, message });
  };
  const hidden = model.type === 'mlp' ? model.hidden.length : model.dense.length;
  const weights = weightLayerCount(model);
  const weightsWord =
    model.type === 'mlp' ? 'hidden layers' : 'weight layers (convolutions and hidden layers)';
  const freeze = params.freezeLayers;
  if (typeof freeze === 'number' && freeze > weights) {
    at('freezeLayers', `freezeLayers ${freeze} exceeds the model's ${weights} ${weightsWord}`);
  }
  const layer = params.layer;
  if (typeof layer === 'number' && layer > hidden) {
    at('layer', `layer ${layer} exceeds the model's ${hidden} hidden layers`);
  }
  for (let l = weights + 1; l <= MAX_HIDDEN_LAYERS; l++) {
    const key = layerScaleKey(l);
    const scale = params[key];
    const unset = info.params.find((p) => p.key === key)?.default;
    if (scale !== undefined && scale !== unset) {
      at(key, `${key} is set but the model has ${weights} ${weightsWord}`);
    }
  }
  return problems;
}

/**
 * A CNN needs image rows on every domain a model is built on: the sources when a strategy
 * transfers from them (their source runs, or one model trained on both domains at the source's
 * shape), the targets when a strategy builds its model on the target's own rows (scratch,
 * structure). Rank-1 (tabular) features, or images too small for its blocks, are refused, each
 * at `<role>.<i>.model`: the model is what to change, the domain says which data.
 */
function checkCnnInputs(
  model: ExperimentSpec['model'],
  sources: PlannedDomain[],
  targets: PlannedDomain[],
  infos: StrategyInfo[],
): Issue[] {
  if (model.type !== 'cnn') return [];
  const onSources = infos.some((info) => needsSource(info));
  // An imported source model is not built from the spec; only its rows are, for the strategies
  // that train on them.
  const onSourceData = infos.some((info) => info.needsSourceData);
  const onTargets = infos.some((info) => !info.needsSameInput);
  const check = (role: string, domains: PlannedDomain[]): Issue[] =>
    domains.flatMap((d, i) => {
      const problem = cnnInputProblem(model, d.dataset.featureShape);
      return problem === undefined
        ? []
        : [{ path: `${role}.${i}.model`, message: `${problem} (dataset ${d.dataset.name})` }];
    });
  return [
    ...(onSources
      ? check(
          'sources',
          sources.filter((d) => d.model === undefined || onSourceData),
        )
      : []),
    ...(onTargets ? check('targets', targets) : []),
  ];
}

/**
 * Expands a spec into runs: one source run per (source, seed) when a strategy needs a source
 * model, and one transfer run per (source, target, variant, budget, seed) for every variant
 * that transfers from a source, by its model or its data (needsSource: fine-tune, multi-task,
 * ...). Strategies without a source (scratch) do not depend on it, so they run once per target,
 * not once per source. Budget 0 (no target label) is refused for the strategies that train on
 * target labels. A strategy entry is one variant, or one per point of its sweep (variants.ts).
 * Every problem is collected and reported together, once, with `found`: problems the caller
 * found before (a backend this machine lacks, specBackends.ts, needs a child process to know).
 */
export function planExperiment(
  spec: ExperimentSpec,
  resolve: (d: DomainSpec, where: string) => PlannedDomain,
  found: readonly Issue[] = [],
): ExperimentPlan {
  const problems: Issue[] = [...found];
  const sources = spec.sources.map((s, i) => resolve(s, `sources.${i}`));
  const targets = spec.targets.map((t, i) => resolve(t, `targets.${i}`));
  sources.forEach((s, i) => {
    checkDomain(`sources.${i}`, s, problems);
  });
  targets.forEach((t, i) => {
    checkDomain(`targets.${i}`, t, problems);
  });

  const expanded = expandVariants(spec);
  problems.push(...expanded.problems);
  const strategies = expanded.variants.map((variant) => {
    const info = strategyInfo(variant.strategy);
    const where = `strategies.${variant.entry}`;
    const { params, problems: p } = resolveStrategyParams(variant.strategy, variant.params);
    problems.push(...p.map((issue) => issueUnder(where, issue)));
    problems.push(...checkParams(where, info, params, spec.model));
    return { info, params, variant };
  });
  problems.push(
    ...checkCnnInputs(
      spec.model,
      sources,
      targets,
      strategies.map((s) => s.info),
    ),
  );

  problems.push(
    ...pretrainedProblems(
      sources,
      targets,
      strategies.map((s) => ({ info: s.info, entry: s.variant.entry })),
    ),
  );

  // Differing input shapes get an input adapter (engine/adapterShapes.ts): a fixed resize between
  // images, a learned linear layer otherwise. Only the strategies that compare source and target
  // rows in the input space before training cannot use a learned one.
  for (const s of strategies.filter((x) => x.info.needsSameInput && x.info.comparesInputs)) {
    for (const [i, src] of sources.entries()) {
      for (const [j, tgt] of targets.entries()) {
        const fit = inputFit(tgt.dataset.featureShape, src.dataset.featureShape);
        if (fit.kind === 'adapter' && fit.adapter.kind === 'linear') {
          problems.push({
            path: `strategies.${s.variant.entry}`,
            message:
              `${s.info.id}: source ${i} has rows of shape [${src.dataset.featureShape.join(', ')}] ` +
              `and target ${j} [${tgt.dataset.featureShape.join(', ')}]; ${s.info.name} compares ` +
              'the rows of both domains in the input space, which a learned input adapter cannot ' +
              'map (only images are resized to fit)',
          });
        }
      }
    }
  }
  for (const s of strategies.filter((x) => x.info.needsSameLabels)) {
    for (const [i, src] of sources.entries()) {
      for (const [j, tgt] of targets.entries()) {
        const a = domainClasses(src);
        const b = domainClasses(tgt);
        if (a.length !== b.length || a.some((label, c) => label !== b[c])) {
          problems.push({
            path: `strategies.${s.variant.entry}`,
            message:
              `${s.info.id}: source ${i} has classes [${a.join(', ')}] and target ${j} has ` +
              `[${b.join(', ')}]; ${s.info.name} trains the target's classifier on the source ` +
              'labels and needs the same classes',
          });
        }
      }
    }
  }
  for (const s of strategies.filter((x) => x.info.id === 'fine-tune')) {
    const pairs = sources.flatMap((src, i) =>
      targets.map((tgt, j) => ({
        source: i,
        target: j,
        sourceClasses: domainClasses(src),
        targetClasses: domainClasses(tgt),
      })),
    );
    problems.push(
      ...fineTuneProblems(`strategies.${s.variant.entry}`, s.params, s.variant.training, pairs),
    );
  }
  // Budget 0 is unsupervised domain adaptation: no target label reaches training.
  if (spec.budgets.includes(0)) {
    const unsupervised = STRATEGIES.filter((info) => !info.needsTargetLabels).map((i) => i.id);
    const refused = new Set<number>();
    for (const s of strategies) {
      if (!s.info.needsTargetLabels || refused.has(s.variant.entry)) continue;
      refused.add(s.variant.entry);
      problems.push({
        path: `strategies.${s.variant.entry}`,
        message:
          `${s.info.name} trains on target labels, so it cannot run with ` +
          `budget 0 (no target labels); budget 0 suits ${unsupervised.join(', ')}`,
      });
    }
    // Validation rows held out of the budget need labels; budget 0 gives none.
    if (spec.training.validation?.from === 'budget') {
      problems.push({
        path: 'training.validation',
        message: '"budget" holds validation rows out of the label budget, and budget 0 gives none',
      });
    }
  }
  if (problems.length > 0) {
    // Variants of one entry share its problems: each is said once.
    const distinct = distinctIssues(problems);
    throw new AppFailure(
      'invalid_input',
      `Invalid experiment spec: ${distinct.map(formatIssue).join('; ')}`,
      distinct,
    );
  }

  const sourceTraining = spec.sourceTraining ?? spec.training;
  const sourceRuns: PlannedSourceRun[] = [];
  const anyNeedsSourceModel = strategies.some((s) => s.info.needsSourceModel);
  const sourceKey = (i: number, seed: number): string => `${i}/${seed}`;
  if (anyNeedsSourceModel) {
    sources.forEach((src, i) => {
      // An imported model is the source model: nothing to train.
      if (src.model !== undefined) return;
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
          trainMetricRows: TRAIN_METRIC_ROWS,
        };
        sourceRuns.push({
          key: sourceKey(i, seed),
          variant: SOURCE_VARIANT,
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
      const sourceIndices = needsSource(s.info) ? sources.map((_, i) => i) : [null];
      for (const si of sourceIndices) {
        const src = si === null ? null : (sources[si] ?? null);
        for (const budget of spec.budgets) {
          for (const seed of spec.seeds) {
            const config: ResolvedRunConfig = {
              kind: 'transfer',
              strategy: s.info.id,
              strategyParams: s.params,
              ...(s.info.revision === undefined ? {} : { strategyRevision: s.info.revision }),
              domain: tgt.spec,
              ...(src ? { sourceDomain: src.spec } : {}),
              budget,
              seed,
              model: spec.model,
              training: s.variant.training,
              trainMetricRows: TRAIN_METRIC_ROWS,
            };
            const datasets = src ? [tgt.dataset, src.dataset] : [tgt.dataset];
            transferRuns.push({
              variant: s.variant.label,
              config,
              configHash: hashConfig(config, datasets),
              target: tgt,
              source: src,
              sourceRunKey:
                si === null || !s.info.needsSourceModel || src?.model !== undefined
                  ? null
                  : sourceKey(si, seed),
            });
          }
        }
      }
    }
  }
  return { spec, variants: expanded.variants, sourceRuns, transferRuns };
}

/**
 * What an imported source model (`pretrained`, issue 13) must satisfy, each problem at the
 * domain or the strategy: only sources name one; its outputs are its domain's classes (the domain
 * says what they mean); the strategies that start from it need each target's rows to fit its
 * input by a reshape or an image resize (a learned linear map into an image model's input would
 * be a new, untrained first layer, not transfer); structure transfer rebuilds a Transferlab
 * architecture, which an imported model does not have.
 */
function pretrainedProblems(
  sources: readonly PlannedDomain[],
  targets: readonly PlannedDomain[],
  strategies: readonly { info: StrategyInfo; entry: number }[],
): Issue[] {
  const problems: Issue[] = [];
  targets.forEach((t, j) => {
    if (t.spec.pretrained !== undefined) {
      problems.push({
        path: `targets.${j}.pretrained`,
        message: 'only a source can name an imported model; a target is what runs train on',
      });
    }
  });
  const modelStrategies = strategies.filter((s) => s.info.needsSourceModel);
  sources.forEach((src, i) => {
    const model = src.model;
    if (model === undefined) return;
    const classes = domainClasses(src);
    if (classes.length >= 2 && model.outputUnits !== outputUnits(classes.length)) {
      problems.push({
        path: `sources.${i}.classes`,
        message:
          `model m${model.id} has ${model.outputUnits} output(s) and the domain "${src.spec.name}" ` +
          `${classes.length} classes (${outputUnits(classes.length)} output(s) expected): the ` +
          "domain's classes say what the model's outputs mean, in order",
      });
    }
    for (const s of modelStrategies) {
      if (s.info.id === 'structure') {
        problems.push({
          path: `strategies.${s.entry}`,
          message:
            `structure transfer rebuilds a source's architecture from a Transferlab model spec; ` +
            `source ${i} is the imported model m${model.id}, whose architecture is its own`,
        });
        continue;
      }
      targets.forEach((t, j) => {
        const fit = inputFit(t.dataset.featureShape, model.input.shape);
        if (fit.kind === 'adapter' && fit.adapter.kind === 'linear') {
          problems.push({
            path: `strategies.${s.entry}`,
            message:
              `${s.info.id}: target ${j} has rows of shape [${t.dataset.featureShape.join(', ')}] ` +
              `and the imported model m${model.id} takes [${model.input.shape.join(', ')}]; ` +
              'only images are resized to fit, and other rows need the same number of values',
          });
        }
      });
    }
  });
  return problems;
}
