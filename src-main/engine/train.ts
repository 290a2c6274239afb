import type { LayersModel, Optimizer, Scalar, Tensor } from '@tensorflow/tfjs';
import { describeInputAdapter, type FinalMetrics } from '../../src-shared/domain/runs';
import type { Tf } from './backend';
import { BatchStream } from './batchStream';
import { DeviceRowOrder, type DeviceBatch } from './deviceRowOrder';
import { GpuPacer } from './gpuPacing';
import {
  checkpointIdentity,
  loadCheckpoint,
  saveCheckpoint,
  stateVariables,
  type LoopState,
} from './checkpoint';
import type { RunData, Split } from './data/domain';
import { loadRunData } from './data/index';
import { countInto, emptyConfusion } from './confusion';
import { EarlyStopper } from './earlyStopping';
import { engineAdam } from './kernels/index';
import { crossEntropy, predictedClasses } from './head';
import { buildModel, logits, saveModel, type SavedModel } from './model';
import { loadSourceModel } from './pretrained/sourceModel';
import type { TrainJob, TrainerToParent } from './protocol';
import { deriveSeed } from './random';
import { trainMetricSampleRows } from './trainMetricSample';
import { strategyFor } from './strategies/index';
import { whyNotResumable } from './strategies/resumable';
import type { LabelledBatch, ParamGroup, PreparedModel } from './strategies/strategy';

/**
 * The training loop, shared by every strategy and run kind. A custom loop rather than
 * model.fit: fit shuffles with Math.random (irreproducible), and the loop needs to hand the
 * optimizer exactly the strategy's trainable variables, feed it the source and unlabelled target
 * batches it asks for, take its loss, yield to the event loop between batches (cancel), and stop
 * on a non-finite loss.
 */

export type Emit = (message: TrainerToParent) => void;

export type TrainResult =
  | {
      status: 'completed';
      finalMetrics: FinalMetrics;
      confusion?: number[][];
      model?: SavedModel;
    }
  | { status: 'diverged'; error: string }
  | { status: 'cancelled' };

/** Rows evaluated at once: bounds the memory of a forward pass over a large split. */
const EVAL_CHUNK = 4096;
/** Progress messages per second, at most (plus the last batch of each epoch). */
const PROGRESS_INTERVAL_MS = 200;

/**
 * Trains one job in this process and emits 'progress', 'epoch' and one final message
 * ('completed', 'failed' with diverged: true, or 'cancelled'), which it also returns. Other
 * failures (bad data, a missing source model) are thrown for the caller to report.
 *
 * `data` is the job's prepared data when the caller has loaded it already (the trainer entry
 * does, to report its hash in 'started'). `isCancelled` is polled before every batch; each batch
 * ends by yielding to the event loop, so a cancel message is seen within one batch.
 *
 * With `job.checkpoint`, each epoch's complete state is saved before its 'epoch' message, and
 * `resumeFromEpoch` continues a crashed run from one (checkpoint.ts, issue 11).
 */
export async function train(
  job: TrainJob,
  tf: Tf,
  emit: Emit,
  isCancelled: () => boolean,
  data?: RunData,
): Promise<TrainResult> {
  const startedAt = performance.now();
  /** Seconds a resumed run had trained before its checkpoint. */
  let elapsedBefore = 0;
  const elapsedS = (): number => elapsedBefore + (performance.now() - startedAt) / 1000;
  const log = (level: 'info' | 'warn', message: string): void => {
    emit({ type: 'log', level, message });
  };
  const runData = data ?? (await loadRunData(job));
  const { config } = job;
  const strategy = strategyFor(config);
  // Checkpoints (issue 11): never for a calibration, which ends after a few batches.
  const notResumable = whyNotResumable(config);
  let checkpoint = job.calibrate === undefined ? job.checkpoint : undefined;
  const resumeFrom = checkpoint?.resumeFromEpoch;
  if (resumeFrom !== undefined) {
    if (notResumable !== undefined) throw new Error(`This run cannot resume: ${notResumable}`);
    if (resumeFrom > config.training.epochs) {
      throw new Error(
        `Cannot resume from epoch ${resumeFrom}: the run has ${config.training.epochs} epochs`,
      );
    }
  }
  if (checkpoint && notResumable !== undefined) {
    log('info', `No checkpoints: ${notResumable}, so a crash restarts this run from epoch 1`);
    checkpoint = undefined;
  }
  if (runData.scale !== 1) log('info', `Features divided by ${runData.scale}`);
  if (runData.inputAdapter)
    log('info', `Input adapter: ${describeInputAdapter(runData.inputAdapter)}`);
  const { budget } = config;
  if (
    config.kind === 'transfer' &&
    budget !== 'all' &&
    runData.trainPerClass.some((n) => n < budget)
  ) {
    log(
      'warn',
      `Budget ${budget} per class; training rows per class: ${runData.trainPerClass.join(', ')}`,
    );
  }

  const needs = strategy.needs(config);
  let sourceModel: LayersModel | undefined;
  if (needs.sourceModel) {
    const untrained = job.calibrate?.untrainedSourceClasses;
    if (job.sourceModel !== undefined) sourceModel = await loadSourceModel(tf, job.sourceModel);
    else if (untrained !== undefined)
      // A calibration times the run before its source model exists: the architecture is enough.
      sourceModel = buildModel(
        tf,
        config.model,
        job.sourceInputShape ?? runData.featureShape,
        untrained,
        config.seed,
      );
    else throw new Error(`Strategy ${strategy.id} needs a source model`);
  }
  const { source, unlabelled } = runData;
  if (needs.sourceData && source === undefined) {
    sourceModel?.dispose();
    throw new Error(`Strategy ${strategy.id} needs the source domain's data`);
  }
  if (source) {
    log('info', `Source rows: ${source.train.n} (${source.numClasses} classes)`);
    if (source.excludedRows > 0) {
      log(
        'warn',
        `${source.excludedRows} source training rows are validation or test rows of the target ` +
          '(same dataset, another split): left out',
      );
    }
  }
  if (unlabelled) log('info', `Unlabelled target rows: ${unlabelled.n}`);
  if (runData.train.n === 0) {
    // Budget 0: unsupervised domain adaptation. Only strategies that learn without target labels
    // may run (the planner refuses the others; a job crosses a process line, so check again).
    if (strategy.info?.needsTargetLabels !== false) {
      sourceModel?.dispose();
      throw new Error(
        `Strategy ${strategy.id} trains on target labels, and the budget gives none (budget 0)`,
      );
    }
    log('info', 'No labelled target rows (budget 0): no target label is used in training');
  }
  let prepared: PreparedModel;
  try {
    prepared = await strategy.prepare({
      tf,
      config,
      featureShape: runData.featureShape,
      numClasses: runData.numClasses,
      classes: runData.classes,
      ...(job.sourceClasses ? { sourceClasses: job.sourceClasses } : {}),
      data: {
        train: runData.train,
        ...(source ? { source: source.train } : {}),
        ...(unlabelled ? { unlabelled } : {}),
      },
      ...(sourceModel ? { sourceModel } : {}),
      ...(source
        ? {
            source: {
              featureShape: source.featureShape,
              numClasses: source.numClasses,
              classes: source.classes,
              rows: source.train.n,
            },
          }
        : {}),
      ...(unlabelled ? { unlabelledRows: unlabelled.n } : {}),
      ...(runData.inputAdapter ? { inputAdapter: runData.inputAdapter } : {}),
      log,
    });
  } catch (e) {
    sourceModel?.dispose();
    throw e;
  }
  if (prepared.frozenLayers.length > 0)
    log('info', `Frozen layers: ${prepared.frozenLayers.join(', ')}`);

  const tensors = [runData.train, runData.val, runData.test].map((split) =>
    toTensors(tf, split, runData.featureShape),
  );
  const [train, val, test] = tensors as [SplitTensors, SplitTensors, SplitTensors];
  const sourceTrain = source ? toTensors(tf, source.train, source.featureShape) : undefined;
  const pool =
    unlabelled && unlabelled.n > 0
      ? { x: tf.tensor(unlabelled.x, [unlabelled.n, ...runData.featureShape], 'float32') }
      : undefined;
  const newOptimizer = (scale: number): Optimizer => {
    const learningRate = config.training.learningRate * scale;
    // The engine's Adam is tf.train.adam's update in one kernel per variable on wasm (about
    // fifteen otherwise; kernels/adam.ts), the same ops elsewhere.
    return config.training.optimizer === 'adam'
      ? engineAdam(learningRate)
      : tf.train.sgd(learningRate);
  };
  // The optimizer's groups (PreparedModel.paramGroups), one optimizer each. The default group
  // reads `trainable` at every step: TrAdaBoost replaces its variables each round.
  const defaultGroups: readonly ParamGroup[] = [
    {
      get variables() {
        return prepared.trainable;
      },
      learningRateScale: prepared.learningRateScale ?? 1,
    },
  ];
  const groupsAt = (epoch: number): readonly ParamGroup[] =>
    prepared.paramGroups?.(epoch) ?? defaultGroups;
  let groups = groupsAt(1);
  let optimizers: Optimizer[] = groups.map((g) => newOptimizer(g.learningRateScale));
  // The labelled rows the per-epoch loss and acc are measured on: those the strategy trains on
  // (PreparedModel.trainMetrics), or a fixed sample of them (below). Validation and test are
  // always the target's own splits, every row.
  const metricSplits = [
    ...(prepared.trainMetrics === 'source' ? [] : [train]),
    ...(prepared.trainMetrics !== undefined && prepared.trainMetrics !== 'target' && sourceTrain
      ? [sourceTrain]
      : []),
  ].filter((split) => split.n > 0);
  const evalLogits = prepared.evalLogits ?? ((x: Tensor): Tensor => logits(tf, prepared.model, x));
  const measure = (
    splits: SplitTensors[],
    confusion?: number[][],
  ): Promise<{ loss: number; acc: number }> =>
    evaluate(tf, evalLogits, splits, runData.numClasses, confusion);
  const stopping = config.training.earlyStopping;
  const stopper =
    stopping && val.n > 0 ? new EarlyStopper(tf, prepared.model, stopping) : undefined;
  /** The rows of metricSplits the train metrics are measured on, when the run samples them. */
  let sample: SplitTensors[] | undefined;
  let deviceOrders: (DeviceRowOrder | undefined)[] = [];
  try {
    if (stopping && val.n === 0) log('warn', 'No validation rows: early stopping is off');
    if (stopper && stopping?.restoreBest && prepared.restorable === false) {
      throw new Error(
        `Strategy ${strategy.id} cannot restore its best epoch (set restoreBest: false)`,
      );
    }
    if (metricSplits.length === 0) {
      throw new Error(`Strategy ${strategy.id} trains on no labelled rows to measure`);
    }
    if (!prepared.loss && train.n === 0) {
      throw new Error(`Strategy ${strategy.id} has no loss without labelled target rows`);
    }
    // Issue 12: at most config.trainMetricRows of them, the same rows every epoch (evaluating all
    // 60,000 Fashion-MNIST rows was 18 % of a CNN's epoch); every row when the run records no
    // cap, as the runs planned before it did, so that their re-runs reproduce them.
    const pooled = metricSplits.reduce((n, split) => n + split.n, 0);
    const sampleRows = trainMetricSampleRows(config.seed, pooled, config.trainMetricRows);
    if (sampleRows) {
      sample = gatherRows(tf, metricSplits, sampleRows);
      log(
        'info',
        `Train metrics (loss, acc) on a fixed sample of ${sampleRows.length} of ${pooled} rows, the same every epoch`,
      );
    }
    const trainRows = sample ?? metricSplits;
    const { epochs, batchSize } = config.training;
    // One seeded stream per kind of row, each from its own sub-seed of the run seed: the target's
    // batch order depends on the run seed only, never on whether other streams draw.
    const targetStream =
      train.n > 0
        ? new BatchStream(train.n, batchSize, deriveSeed(config.seed, 'shuffle'))
        : undefined;
    const sourceStream = sourceTrain
      ? new BatchStream(sourceTrain.n, batchSize, deriveSeed(config.seed, 'shuffle:source'))
      : undefined;
    const poolRows = unlabelled?.n ?? 0;
    const poolStream = pool
      ? new BatchStream(poolRows, batchSize, deriveSeed(config.seed, 'shuffle:unlabelled'))
      : undefined;
    const longest = Math.max(train.n, sourceTrain?.n ?? 0, poolRows);
    // Without labelled target rows (budget 0), an epoch is a pass over the longest stream.
    const epochRows =
      prepared.epochLength === 'source'
        ? (sourceTrain?.n ?? 0)
        : prepared.epochLength === 'longest' || train.n === 0
          ? longest
          : train.n;
    if (epochRows === 0) throw new Error(`Strategy ${strategy.id} has no rows to train on`);
    const batches = Math.ceil(epochRows / batchSize);
    const totalSteps = batches * epochs;
    let step = 0;
    let lastProgress = -Infinity;
    const streams = { target: targetStream, source: sourceStream, unlabelled: poolStream };
    // Each stream's permutation on the backend, uploaded once per pass (deviceRowOrder.ts).
    const targetOrder = targetStream ? new DeviceRowOrder(tf, targetStream) : undefined;
    const sourceOrder = sourceStream ? new DeviceRowOrder(tf, sourceStream) : undefined;
    const poolOrder = poolStream ? new DeviceRowOrder(tf, poolStream) : undefined;
    deviceOrders = [targetOrder, sourceOrder, poolOrder];
    const pacer = new GpuPacer(tf);
    const identity = checkpoint ? checkpointIdentity(job, runData.dataHash, batches) : undefined;
    const loopState = (): LoopState => ({
      variables: stateVariables(tf, prepared.model, prepared.trainable, groups),
      groups,
      optimizers,
      streams,
      stopper,
    });
    let firstEpoch = 1;
    /** The last epoch's measurements, with the weights it ended with. */
    let lastEval:
      | { epoch: number; train: { loss: number; acc: number }; val: { loss: number; acc: number } }
      | undefined;
    /** Early stopping ended training at the checkpoint resumed from. */
    let stopped = false;
    if (checkpoint && identity && resumeFrom !== undefined) {
      // The groups of the checkpoint's epoch, with their optimizers' state: the next epoch then
      // keeps or replaces them exactly as the uninterrupted run did.
      for (const o of optimizers) o.dispose();
      groups = groupsAt(resumeFrom);
      optimizers = groups.map((g) => newOptimizer(g.learningRateScale));
      const progress = await loadCheckpoint(tf, checkpoint.dir, resumeFrom, identity, loopState());
      elapsedBefore = progress.elapsedS;
      stopped = progress.stopped;
      firstEpoch = resumeFrom + 1;
      step = resumeFrom * batches;
      log('info', `Resumed from the checkpoint of epoch ${resumeFrom}`);
    }
    const calibration = job.calibrate
      ? new Calibration(job.calibrate, batches, async (splits) => {
          await measure(splits);
        })
      : undefined;
    for (let epoch = firstEpoch; epoch <= epochs && !stopped; epoch++) {
      const next = groupsAt(epoch);
      if (epoch > 1 && (prepared.resetOptimizerEachEpoch || next !== groups)) {
        for (const o of optimizers) o.dispose();
        groups = next;
        optimizers = groups.map((g) => newOptimizer(g.learningRateScale));
      }
      for (let batch = 0; batch < batches; batch++) {
        if (isCancelled()) {
          emit({ type: 'cancelled' });
          return { status: 'cancelled' };
        }
        trainStep(tf, prepared, groups, optimizers, runData.numClasses, {
          epoch,
          step,
          progress: step / totalSteps,
          ...(targetOrder ? { target: { split: train, batch: targetOrder.next() } } : {}),
          ...(sourceTrain && sourceOrder
            ? { source: { split: sourceTrain, batch: sourceOrder.next() } }
            : {}),
          ...(pool && poolOrder ? { unlabelled: { x: pool.x, batch: poolOrder.next() } } : {}),
        });
        step++;
        await pacer.afterBatch();
        if (calibration?.afterBatch()) {
          emit({
            type: 'calibration',
            ...(await calibration.result([...trainRows, val], test)),
            backend: tf.getBackend(),
          });
          emit({ type: 'cancelled' });
          return { status: 'cancelled' };
        }
        const now = performance.now();
        if (batch === batches - 1 || now - lastProgress >= PROGRESS_INTERVAL_MS) {
          lastProgress = now;
          emit({ type: 'progress', epoch, epochs, batch: batch + 1, batches });
        }
        // Lets the process see a 'cancel' message (and the parent see our messages) between batches.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      await prepared.endEpoch?.(epoch);
      // Measured with the weights at the end of the epoch (not Keras's running mean over the
      // epoch's batches, which mixes weights of different steps), so loss and val_loss are
      // directly comparable. A non-finite loss on the rows measured ends the run as diverged.
      // Both evaluations are computed before either is read: one wait for the device per epoch.
      const [trainEval, valEval] = await Promise.all([measure(trainRows), measure([val])]);
      lastEval = { epoch, train: trainEval, val: valEval };
      const finite = Number.isFinite(trainEval.loss) && Number.isFinite(valEval.loss);
      // Early stopping's verdict comes before the checkpoint, which records it with its state.
      stopped =
        finite &&
        stopper?.update(epoch, { val_loss: valEval.loss, val_acc: valEval.acc }) === true &&
        epoch < epochs;
      const elapsed = elapsedS();
      // Written before the parent hears of the epoch: an epoch it commits always has one.
      if (checkpoint && identity && finite) {
        try {
          await saveCheckpoint(checkpoint.dir, epoch, identity, loopState(), {
            elapsedS: elapsed,
            stopped,
          });
        } catch (e) {
          log(
            'warn',
            `Checkpoint of epoch ${epoch} not written (${e instanceof Error ? e.message : String(e)}): ` +
              'no more checkpoints for this run, so a crash restarts it from epoch 1',
          );
          checkpoint = undefined;
        }
      }
      emit({
        type: 'epoch',
        epoch,
        values: {
          loss: trainEval.loss,
          acc: trainEval.acc,
          val_loss: valEval.loss,
          val_acc: valEval.acc,
        },
        elapsedS: elapsed,
      });
      if (!finite) {
        const bad = Number.isFinite(trainEval.loss) ? valEval.loss : trainEval.loss;
        const error = `The loss became ${bad} at epoch ${epoch}; training stopped (try a lower learning rate).`;
        emit({ type: 'failed', error, diverged: true });
        return { status: 'diverged', error };
      }
      if (stopped) {
        log(
          'info',
          `Early stopping after epoch ${epoch}: ${stopping?.monitor ?? 'val_loss'} last improved at epoch ${stopper?.bestEpochSeen ?? 0}`,
        );
        break;
      }
    }
    const restored = stopper?.restore();
    if (restored !== undefined) log('info', `Evaluating the weights of epoch ${restored}`);
    // The last epoch's training and validation figures hold for the final weights unless early
    // stopping brought back another epoch's: they are not measured twice (issue 12). The test
    // split is measured once, counting the confusion matrix in the same pass.
    const reuse =
      lastEval !== undefined && (restored === undefined || restored === lastEval.epoch)
        ? lastEval
        : undefined;
    const trainEval = reuse?.train ?? (await measure(trainRows));
    const valEval = reuse?.val ?? (await measure([val]));
    const confusion = test.n > 0 ? emptyConfusion(runData.numClasses) : undefined;
    const testEval = await measure([test], confusion);
    const finalMetrics: FinalMetrics = {
      test_loss: testEval.loss,
      test_acc: testEval.acc,
      val_loss: valEval.loss,
      val_acc: valEval.acc,
      train_loss: trainEval.loss,
      train_acc: trainEval.acc,
      ...(stopper ? { best_epoch: stopper.bestEpochSeen } : {}),
    };
    const model = job.saveModel ? await keptModel(tf, job, prepared.model, log) : undefined;
    const outcome = {
      finalMetrics,
      ...(confusion ? { confusion } : {}),
      ...(model ? { model } : {}),
    };
    emit({ type: 'completed', ...outcome });
    return { status: 'completed', ...outcome };
  } finally {
    for (const order of deviceOrders) order?.dispose();
    for (const o of optimizers) o.dispose();
    stopper?.dispose();
    for (const split of tensors) tf.dispose([split.x, split.y]);
    for (const split of sample ?? []) tf.dispose([split.x, split.y]);
    if (sourceTrain) tf.dispose([sourceTrain.x, sourceTrain.y]);
    if (pool) tf.dispose(pool.x);
    prepared.dispose();
  }
}

/** Rows of each split evaluated to time an epoch's evaluation; the time is scaled to all rows. */
const CALIBRATION_EVAL_ROWS = 1024;

/**
 * Times a run for a plan's estimate (TrainJob.calibrate): the first batch warms up kernels and
 * is not counted; the batches after it give the time per batch; one evaluation of a slice of each
 * split, scaled to the split's rows, gives the evaluation every epoch ends with, and the test
 * split's the final evaluation (metrics and confusion matrix). What happened before the first
 * batch ended (process, backend, data, model) the parent measures from its side.
 */
class Calibration {
  private batches = 0;
  private timedFrom: number | undefined;

  constructor(
    private readonly limits: { maxBatches: number; maxSeconds: number },
    private readonly batchesPerEpoch: number,
    private readonly evaluate: (splits: SplitTensors[]) => Promise<void>,
  ) {}

  /** Counts a finished batch; true once the limits are reached. */
  afterBatch(): boolean {
    this.batches++;
    const now = performance.now();
    if (this.batches === 1) {
      this.timedFrom = now;
      return this.batchesPerEpoch === 1;
    }
    return (
      this.batches >= this.limits.maxBatches ||
      (now - (this.timedFrom ?? now)) / 1000 >= this.limits.maxSeconds ||
      this.batches >= this.batchesPerEpoch
    );
  }

  private async evalSeconds(split: SplitTensors): Promise<number> {
    if (split.n === 0) return 0;
    const rows = Math.min(split.n, CALIBRATION_EVAL_ROWS);
    const slice: SplitTensors = { x: split.x.slice(0, rows), y: split.y.slice(0, rows), n: rows };
    const t0 = performance.now();
    await this.evaluate([slice]);
    const seconds = ((performance.now() - t0) / 1000) * (split.n / rows);
    slice.x.dispose();
    slice.y.dispose();
    return seconds;
  }

  async result(
    evalSplits: SplitTensors[],
    test: SplitTensors,
  ): Promise<{
    secondsPerBatch: number;
    batchesPerEpoch: number;
    evalSecondsPerEpoch: number;
    finalSeconds: number;
    timedSeconds: number;
  }> {
    const timed = this.batches - 1;
    const from = this.timedFrom ?? performance.now();
    const secondsPerBatch = timed > 0 ? (performance.now() - from) / 1000 / timed : 0;
    let evalSecondsPerEpoch = 0;
    for (const split of evalSplits) evalSecondsPerEpoch += await this.evalSeconds(split);
    // The final metrics evaluate every split once more, and the confusion matrix the test split.
    const finalSeconds = evalSecondsPerEpoch + 2 * (await this.evalSeconds(test));
    return {
      secondsPerBatch,
      batchesPerEpoch: this.batchesPerEpoch,
      evalSecondsPerEpoch,
      finalSeconds,
      timedSeconds: (performance.now() - from) / 1000,
    };
  }
}

interface SplitTensors {
  x: Tensor;
  /** int32 labels. */
  y: Tensor;
  n: number;
}

function toTensors(tf: Tf, split: Split, featureShape: number[]): SplitTensors {
  return {
    x: tf.tensor(split.x, [split.n, ...featureShape], 'float32'),
    y: tf.tensor1d(split.y, 'int32'),
    n: split.n,
  };
}

/**
 * The rows `rows` picks of splits laid one after another (row r of the second split is
 * splits[0].n + r), as one split each for those it picks from.
 */
function gatherRows(tf: Tf, splits: readonly SplitTensors[], rows: Int32Array): SplitTensors[] {
  const out: SplitTensors[] = [];
  let offset = 0;
  for (const split of splits) {
    const start = offset;
    const mine = rows.filter((r) => r >= start && r < start + split.n).map((r) => r - start);
    offset += split.n;
    if (mine.length === 0) continue;
    const index = tf.tensor1d(mine, 'int32');
    out.push({ x: tf.gather(split.x, index), y: tf.gather(split.y, index), n: mine.length });
    index.dispose();
  }
  return out;
}

/** The rows of one step, by split. */
interface StepRows {
  epoch: number;
  step: number;
  progress: number;
  /** Absent when there are no labelled target rows (budget 0). */
  target?: { split: SplitTensors; batch: DeviceBatch };
  source?: { split: SplitTensors; batch: DeviceBatch };
  unlabelled?: { x: Tensor; batch: DeviceBatch };
}

/**
 * One optimizer step: the model's logits on the target batch, their mean cross-entropy (sigmoid
 * for two classes, softmax from three; head.ts), and the strategy's loss over the step's batches
 * when it defines one. Without a target batch (budget 0) the target loss is the constant 0 and
 * the strategy's loss is all there is. Everything the step allocates is freed by the tidy.
 */
function trainStep(
  tf: Tf,
  prepared: PreparedModel,
  groups: readonly ParamGroup[],
  optimizers: readonly Optimizer[],
  numClasses: number,
  rows: StepRows,
): void {
  tf.tidy(() => {
    // The batch's indices, sliced from the pass's order on the device: nothing is uploaded.
    const indexOf = ({ order, start, rows: r }: DeviceBatch): Tensor =>
      tf.slice(order, start, r.length);
    const batch = (split: SplitTensors, b: DeviceBatch): LabelledBatch => {
      const index = indexOf(b);
      return { x: tf.gather(split.x, index), y: tf.gather(split.y, index), rows: b.rows, index };
    };
    const target = rows.target ? batch(rows.target.split, rows.target.batch) : undefined;
    const source = rows.source ? batch(rows.source.split, rows.source.batch) : undefined;
    const unlabelled = rows.unlabelled
      ? (() => {
          const index = indexOf(rows.unlabelled.batch);
          return {
            x: tf.gather(rows.unlabelled.x, index),
            rows: rows.unlabelled.batch.rows,
            index,
          };
        })()
      : undefined;
    const loss = (): Scalar => {
      const out = target ? logits(tf, prepared.model, target.x, true) : undefined;
      const targetLoss: Scalar =
        target && out ? crossEntropy(tf, out, target.y, numClasses) : tf.scalar(0);
      if (!prepared.loss) return targetLoss;
      return prepared.loss({
        ...(target && out ? { target: { ...target, logits: out } } : {}),
        targetLoss,
        ...(source ? { source } : {}),
        ...(unlabelled ? { unlabelled } : {}),
        epoch: rows.epoch,
        step: rows.step,
        progress: rows.progress,
      });
    };
    const [only] = groups;
    const [optimizer] = optimizers;
    if (groups.length === 1 && only && optimizer) {
      optimizer.minimize(loss, false, [...only.variables]);
      return;
    }
    // Several groups: one gradient of the loss, each group's share applied by its own optimizer.
    const { grads } = tf.variableGrads(
      loss,
      groups.flatMap((g) => g.variables),
    );
    groups.forEach((group, i) => {
      const share = Object.fromEntries(
        group.variables.flatMap((v) => {
          const grad = grads[v.name];
          return grad === undefined ? [] : [[v.name, grad] as const];
        }),
      );
      optimizers[i]?.applyGradients(share);
    });
  });
}

/**
 * Mean cross-entropy and accuracy over whole splits pooled (every row counts once), in chunks,
 * of the classifier whose logits `evalLogits` gives; with `confusion`, its predictions are also
 * counted there, counts[true][predicted].
 *
 * Every chunk's sums stay on the backend until all are computed, then are read back at once,
 * asynchronously (issue 15: a synchronous read per chunk stalls a GPU's queue each time). The
 * chunks' sums are still added up here, in float64 and in chunk order, so the figures are those
 * of a read per chunk, bitwise.
 */
async function evaluate(
  tf: Tf,
  evalLogits: (x: Tensor) => Tensor,
  splits: SplitTensors[],
  numClasses: number,
  confusion?: number[][],
): Promise<{ loss: number; acc: number }> {
  const chunks: { loss: Tensor; hits: Tensor; y?: Tensor; predicted?: Tensor }[] = [];
  let rows = 0;
  try {
    for (const split of splits) {
      rows += split.n;
      for (let start = 0; start < split.n; start += EVAL_CHUNK) {
        const size = Math.min(EVAL_CHUNK, split.n - start);
        chunks.push(
          tf.tidy(() => {
            const x = tf.slice(split.x, start, size);
            const y = tf.slice(split.y, start, size);
            const out = evalLogits(x);
            const loss = crossEntropy(tf, out, y, numClasses, true);
            const predicted = predictedClasses(tf, out);
            const hits = tf.sum(tf.cast(tf.equal(predicted, y), 'int32'));
            return confusion ? { loss, hits, y, predicted } : { loss, hits };
          }),
        );
      }
    }
    const values = await Promise.all(
      chunks.map((c) =>
        Promise.all([c.loss.data(), c.hits.data(), c.y?.data(), c.predicted?.data()]),
      ),
    );
    let lossSum = 0;
    let correct = 0;
    for (const [loss, hits, y, predicted] of values) {
      lossSum += loss[0] ?? NaN;
      correct += hits[0] ?? 0;
      if (confusion && y && predicted) countInto(confusion, y, predicted);
    }
    return { loss: lossSum / rows, acc: correct / rows };
  } finally {
    for (const c of chunks)
      tf.dispose([c.loss, c.hits, ...(c.y ? [c.y] : []), ...(c.predicted ? [c.predicted] : [])]);
  }
}

/**
 * Saves the run's trained model. A source run's model is what its transfer runs start from, so
 * failing to save it fails the run; a transfer run's is kept for export only (issue 13), so a
 * model that cannot be saved (a layer tfjs cannot serialise) is logged and the run completes.
 */
async function keptModel(
  tf: Tf,
  job: TrainJob,
  model: LayersModel,
  log: (level: 'info' | 'warn', message: string) => void,
): Promise<SavedModel | undefined> {
  if (job.config.kind === 'source') return saveModel(tf, model, job.modelsDir);
  try {
    return await saveModel(tf, model, job.modelsDir);
  } catch (e) {
    log('warn', `The trained model was not kept: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}
