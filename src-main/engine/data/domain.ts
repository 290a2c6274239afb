import { createHash } from 'node:crypto';
import type { Budget, DomainSpec } from '../../../src-shared/domain/experimentSpec';
import type { InputAdapter, ResolvedRunConfig } from '../../../src-shared/domain/runs';
import { inputFit } from '../adapterShapes';
import { deriveSeed, Rng } from '../random';
import { updateWithArray } from './hash';
import type { Dataset } from './load';
import { resizeRows } from '../../data/resize';
import { applyTransform } from './transform';
import { pretrainedInput, scaleRows } from './inputScaling';

/** One split's rows: features n × featureSize and labels relabelled 0..k-1. */
export interface Split {
  x: Float32Array;
  y: Int32Array;
  n: number;
}

/** Rows without labels: the target's training rows that the label budget left out. */
export interface UnlabelledSplit {
  x: Float32Array;
  n: number;
}

/** The source domain's training split, with every label, for strategies that train on it. */
export interface SourceData {
  train: Split;
  featureShape: number[];
  featureSize: number;
  /** k of the source domain: its labels run 0..k-1. */
  numClasses: number;
  /** The original label of each source class index. */
  classes: number[];
  /**
   * Rows of the source's training split left out because they are validation or test rows of
   * the target (same dataset, another split seed or class order): they never reach training.
   */
  excludedRows: number;
}

/** What a run trains on beyond its labelled target rows (TransferStrategy.needs). */
export interface RunDataExtras {
  /** The source domain's dataset and view; `sameDataset`: it is the target's dataset. */
  source?: { dataset: Dataset; domain: DomainSpec; sameDataset: boolean };
  /** Adds the target's unlabelled pool (RunData.unlabelled). */
  unlabelled?: boolean;
  /**
   * The row shape the run's model takes when it is not the dataset's own: the source's, for
   * strategies that apply one model to both domains. The rows are fitted to it (adapterShapes.ts):
   * images resized here, once; other shapes get a learned adapter in the model (RunData.inputAdapter).
   */
  inputShape?: number[];
}

/** The exact arrays one run trains and evaluates on. */
export interface RunData {
  train: Split;
  val: Split;
  test: Split;
  featureShape: number[];
  featureSize: number;
  /** k: labels run 0..k-1. */
  numClasses: number;
  /** The original label of each class index. */
  classes: number[];
  /**
   * What fits the rows to RunDataExtras.inputShape when their own shape differs: a 'resize'
   * already applied to every array here (featureShape is then the model's), or a 'linear'
   * adapter the model must prepend (featureShape stays the dataset's).
   */
  inputAdapter?: InputAdapter;
  /** Training rows per class after the label budget (and any validation held out of it). */
  trainPerClass: number[];
  /**
   * Where `val` comes from: the domain's validation split, or rows held out of the label budget
   * (TrainingSpec.validation), so that validation spends only the budget's labels.
   */
  validationFrom: 'split' | 'budget';
  scale: number;
  /** The source domain's training rows, when the strategy trains on them. */
  source?: SourceData;
  /**
   * The target's unlabelled pool, when the strategy uses it (n = 0 with budget 'all'; every
   * training row with budget 0, when `train` is empty).
   */
  unlabelled?: UnlabelledSplit;
  /**
   * sha256 over the train, validation and test arrays, and over the source rows and the
   * unlabelled pool when the run uses them (RunDetail.dataHash).
   */
  dataHash: string;
}

/** The 60/20/20 train/validation/test proportions of every domain. */
const VAL_FRACTION = 0.2;
const TEST_FRACTION = 0.2;
/** Split 'standard': the share of the dataset's training part held out for validation. */
const STANDARD_VAL_FRACTION = 1 / 6;

/**
 * Rows of each class of the domain, in dataset order: members[c] holds the row indices whose
 * label is classes[c]. Classes default to every label present, ascending.
 */
export function classMembers(
  dataset: Dataset,
  domain: DomainSpec,
): { classes: number[]; members: number[][] } {
  const classes = domain.classes ?? dataset.classes;
  const index = new Map<number, number>();
  classes.forEach((label, c) => {
    if (index.has(label))
      throw new Error(`Domain "${domain.name}": class ${label} is listed twice`);
    index.set(label, c);
  });
  const members: number[][] = classes.map(() => []);
  for (let row = 0; row < dataset.n; row++) {
    const c = index.get(dataset.y[row] ?? -1);
    if (c !== undefined) members[c]?.push(row);
  }
  members.forEach((rows, c) => {
    if (rows.length === 0) {
      throw new Error(
        `Domain "${domain.name}": the dataset has no samples of class ${classes[c] ?? c}`,
      );
    }
  });
  return { classes, members };
}

/**
 * Stratified, seeded split of each class's rows into train/validation/test (60/20/20, rounded
 * per class). Each class is shuffled with its own seed from (splitSeed, original label): a class
 * is split the same way in every domain that contains it, whatever other classes it has, so a
 * target's test rows never appear in the training split of a source drawn from the same dataset
 * with the same splitSeed. The run seed plays no part: every run of a domain shares its test set.
 */
export function stratifiedSplit(
  members: number[][],
  classes: number[],
  splitSeed: number,
): { train: number[][]; val: number[][]; test: number[][] } {
  const train: number[][] = [];
  const val: number[][] = [];
  const test: number[][] = [];
  members.forEach((rows, c) => {
    const rng = new Rng(deriveSeed(splitSeed, `split:class=${classes[c] ?? c}`));
    const shuffled = rng.shuffle([...rows]);
    const nVal = Math.round(rows.length * VAL_FRACTION);
    const nTest = Math.round(rows.length * TEST_FRACTION);
    const nTrain = rows.length - nVal - nTest;
    train.push(shuffled.slice(0, nTrain).sort(ascending));
    val.push(shuffled.slice(nTrain, nTrain + nVal).sort(ascending));
    test.push(shuffled.slice(nTrain + nVal).sort(ascending));
  });
  return { train, val, test };
}

/**
 * A domain's split by its `split` mode and `samplesPerClass` (DomainSpec):
 * - 'random' (default): at most samplesPerClass rows per class (a subsample seeded by splitSeed
 *   and the class's original label), then stratifiedSplit.
 * - 'standard': test = the class's rows in the dataset's own test part (Dataset.testFrom), all
 *   of them; the class's rows in the training part (subsampled to samplesPerClass) are shuffled
 *   by splitSeed and the class's label, and a rounded 1/6 of them is the validation split, the
 *   rest the training split. A dataset without a test part is refused.
 * Like stratifiedSplit, each class is split the same way in every domain that has it.
 */
export function splitDomain(
  dataset: Dataset,
  domain: DomainSpec,
  members: number[][],
  classes: number[],
): { train: number[][]; val: number[][]; test: number[][] } {
  const subsample = (rows: number[], c: number): number[] => {
    if (domain.samplesPerClass === undefined || rows.length <= domain.samplesPerClass) return rows;
    const rng = new Rng(deriveSeed(domain.splitSeed, `subsample:class=${classes[c] ?? c}`));
    return rng
      .shuffle([...rows])
      .slice(0, domain.samplesPerClass)
      .sort(ascending);
  };
  if ((domain.split ?? 'random') === 'random') {
    return stratifiedSplit(members.map(subsample), classes, domain.splitSeed);
  }
  const testFrom = dataset.testFrom;
  if (testFrom === undefined) {
    throw new Error(
      `Domain "${domain.name}": split "standard" needs a dataset with its own test part ` +
        '(e.g. fashion-mnist); use split "random"',
    );
  }
  const train: number[][] = [];
  const val: number[][] = [];
  const test: number[][] = [];
  members.forEach((rows, c) => {
    const trainPart = subsample(
      rows.filter((row) => row < testFrom),
      c,
    );
    const rng = new Rng(deriveSeed(domain.splitSeed, `standard-split:class=${classes[c] ?? c}`));
    const shuffled = rng.shuffle([...trainPart]);
    const nVal = Math.round(trainPart.length * STANDARD_VAL_FRACTION);
    val.push(shuffled.slice(0, nVal).sort(ascending));
    train.push(shuffled.slice(nVal).sort(ascending));
    test.push(rows.filter((row) => row >= testFrom));
  });
  return { train, val, test };
}

/**
 * The label budget: up to `budget` training rows per class, drawn with the run seed ('all' keeps
 * the whole training split; 0 none, for unsupervised domain adaptation). Each class draws from
 * its own seeded shuffle and takes a prefix, so for one seed a smaller budget's rows are a subset
 * of a larger one's (nested learning curves). A class with fewer rows than the budget
 * contributes all it has (see RunData.trainPerClass).
 */
export function sampleBudget(
  trainMembers: number[][],
  classes: number[],
  budget: Budget,
  seed: number,
): number[][] {
  if (budget === 'all') return trainMembers.map((rows) => [...rows]);
  return trainMembers.map((rows, c) => {
    const rng = new Rng(deriveSeed(seed, `budget:class=${classes[c] ?? c}`));
    return rng
      .shuffle([...rows])
      .slice(0, budget)
      .sort(ascending);
  });
}

/**
 * Validation rows held out of the label budget (TrainingSpec.validation `budget`): of each
 * class's labelled rows, a seeded `share` (rounded, at least one when the class has two or more)
 * validates and the rest trains. The draw has its own sub-seed, so the budget's rows are the same
 * whether or not some are held out.
 */
export function holdOutValidation(
  budgetRows: number[][],
  classes: number[],
  share: number,
  seed: number,
): { train: number[][]; val: number[][] } {
  const train: number[][] = [];
  const val: number[][] = [];
  budgetRows.forEach((rows, c) => {
    const k = rows.length >= 2 ? Math.max(1, Math.round(share * rows.length)) : 0;
    const rng = new Rng(deriveSeed(seed, `validation:class=${classes[c] ?? c}`));
    const shuffled = rng.shuffle([...rows]);
    val.push(shuffled.slice(0, Math.min(k, rows.length - 1)).sort(ascending));
    train.push(shuffled.slice(Math.min(k, rows.length - 1)).sort(ascending));
  });
  return { train, val };
}

/**
 * The run's arrays: the domain's class subset (relabelled 0..k-1 in the domain's order), its
 * split, and the label budget. Source runs train on every label of their domain.
 *
 * `extras` adds what some strategies train on besides the labelled rows: the source domain's
 * whole training split (its own split seed; every label) and the target's unlabelled pool, the
 * training rows the budget did not pick (never a validation or test row). Both enter the hash.
 */
export function prepareRunData(
  dataset: Dataset,
  config: ResolvedRunConfig,
  extras: RunDataExtras = {},
): RunData {
  const { classes, members } = classMembers(dataset, config.domain);
  const split = splitDomain(dataset, config.domain, members, classes);
  const budget: Budget = config.kind === 'source' ? 'all' : config.budget;
  const budgetRows = sampleBudget(split.train, classes, budget, config.seed);
  const validation = config.training.validation;
  const held =
    validation?.from === 'budget'
      ? holdOutValidation(budgetRows, classes, validation.share, config.seed)
      : undefined;
  const trainRows = held?.train ?? budgetRows;
  // An imported source model (issue 13) says which rows it takes and how they are scaled.
  const contract = pretrainedInput(config);
  const inputShape = contract?.shape ?? extras.inputShape;
  const fit = inputShape ? inputFit(dataset.featureShape, inputShape) : undefined;
  const adapter = fit?.kind === 'adapter' ? fit.adapter : undefined;
  const featureShape =
    inputShape && (fit?.kind === 'reshape' || adapter?.kind === 'resize')
      ? inputShape
      : dataset.featureShape;
  // A resize is fixed: done once here, so models and strategies see the source's shape only;
  // so is an imported model's scaling.
  const fitted = <T extends { x: Float32Array; n: number }>(part: T): T => {
    const x = adapter?.kind === 'resize' ? resizeRows(part.x, part.n, adapter) : part.x;
    return { ...part, x: contract ? scaleRows(x, featureShape, contract.scaling) : x };
  };
  const train = fitted(gather(dataset, trainRows, config.domain));
  const source = extras.source
    ? sourceData(extras.source, extras.source.sameDataset ? [...split.val, ...split.test] : [])
    : undefined;
  const unlabelled = extras.unlabelled
    ? fitted(unlabelledPool(dataset, split.train, budgetRows, config.domain))
    : undefined;
  const val = fitted(gather(dataset, held?.val ?? split.val, config.domain));
  const test = fitted(gather(dataset, split.test, config.domain));
  // Budget 0 (unsupervised domain adaptation) leaves the labelled training split empty on
  // purpose, every training row going to the unlabelled pool; the domain must still have some.
  const trainRowsBeforeBudget = split.train.reduce((sum, rows) => sum + rows.length, 0);
  for (const [name, n] of [
    ['training', trainRowsBeforeBudget],
    ['validation', val.n],
    ['test', test.n],
  ] as const) {
    if (n === 0 && held && name === 'validation') {
      throw new Error(
        `Domain "${config.domain.name}": budget ${String(budget)} leaves no labelled row to hold out ` +
          'for validation (training.validation "budget" needs two or more labels in a class)',
      );
    }
    if (n === 0) {
      throw new Error(
        `Domain "${config.domain.name}": too few samples for a non-empty ${name} split`,
      );
    }
  }
  const hash = createHash('sha256');
  hash.update(`featureShape:${dataset.featureShape.join('x')};classes:${classes.join(',')}\n`);
  // Only runs that validate on the budget say so, so every other run's hash stays what it was.
  if (held) hash.update('validation:budget\n');
  // Only runs with an adapter hash it, so every other run's hash stays what it was.
  if (adapter) hash.update(`inputAdapter:${JSON.stringify(adapter)}\n`);
  if (contract) hash.update(`inputScaling:${JSON.stringify(contract.scaling)}\n`);
  for (const [name, part] of [
    ['train', train],
    ['val', val],
    ['test', test],
  ] as const) {
    updateWithArray(hash, `${name}.x`, part.x);
    updateWithArray(hash, `${name}.y`, part.y);
  }
  // Only runs that use them hash them, so the hashes of every other run stay what they were.
  if (source) {
    hash.update(
      `source:featureShape:${source.featureShape.join('x')};classes:${source.classes.join(',')}\n`,
    );
    updateWithArray(hash, 'source.train.x', source.train.x);
    updateWithArray(hash, 'source.train.y', source.train.y);
  }
  if (unlabelled) updateWithArray(hash, 'unlabelled.x', unlabelled.x);
  return {
    train,
    val,
    test,
    featureShape,
    featureSize: featureShape.reduce((a, b) => a * b, 1),
    numClasses: classes.length,
    classes,
    ...(adapter ? { inputAdapter: adapter } : {}),
    trainPerClass: trainRows.map((rows) => rows.length),
    validationFrom: held ? 'budget' : 'split',
    scale: dataset.scale,
    ...(source ? { source } : {}),
    ...(unlabelled ? { unlabelled } : {}),
    dataHash: hash.digest('hex'),
  };
}

/**
 * The source domain's whole training split (every label: the budget is the target's), minus
 * `excluded` rows of the same dataset: the target's validation and test rows, which no strategy
 * may train on. With the same dataset and split seed a class splits the same way in both
 * domains (stratifiedSplit), so nothing is excluded; another split seed would leak without it.
 */
function sourceData(
  source: NonNullable<RunDataExtras['source']>,
  excluded: number[][],
): SourceData {
  const { classes, members } = classMembers(source.dataset, source.domain);
  const split = splitDomain(source.dataset, source.domain, members, classes);
  const banned = new Set(excluded.flat());
  let excludedRows = 0;
  const rows = split.train.map((r) =>
    r.filter((row) => {
      const keep = !banned.has(row);
      if (!keep) excludedRows++;
      return keep;
    }),
  );
  const train = gather(source.dataset, rows, source.domain);
  if (train.n === 0) {
    throw new Error(`Source domain "${source.domain.name}": no training rows left to train on`);
  }
  return {
    train,
    featureShape: source.dataset.featureShape,
    featureSize: source.dataset.featureSize,
    numClasses: classes.length,
    classes,
    excludedRows,
  };
}

/** The training rows the label budget did not pick, class by class, without their labels. */
function unlabelledPool(
  dataset: Dataset,
  trainMembers: number[][],
  picked: number[][],
  domain: DomainSpec,
): UnlabelledSplit {
  const rows = trainMembers.map((all, c) => {
    const taken = new Set(picked[c] ?? []);
    return all.filter((row) => !taken.has(row));
  });
  const { x, n } = gather(dataset, rows, domain);
  return { x, n };
}

/**
 * Copies the listed rows, class by class, labelling rows of rowsByClass[c] with c, and applies
 * the domain's transform (and a tabular dataset's standardisation) to the copies.
 */
function gather(dataset: Dataset, rowsByClass: number[][], domain: DomainSpec): Split {
  const n = rowsByClass.reduce((sum, rows) => sum + rows.length, 0);
  const f = dataset.featureSize;
  const x = new Float32Array(n * f);
  const y = new Int32Array(n);
  let out = 0;
  rowsByClass.forEach((rows, c) => {
    for (const row of rows) {
      x.set(dataset.x.subarray(row * f, (row + 1) * f), out * f);
      y[out] = c;
      out++;
    }
  });
  applyTransform(
    x,
    rowsByClass.flat(),
    dataset.featureShape,
    domain.transform,
    domain.splitSeed,
    domain.name,
    dataset.standardize,
  );
  return { x, y, n };
}

function ascending(a: number, b: number): number {
  return a - b;
}
