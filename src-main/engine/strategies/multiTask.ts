import type { SymbolicTensor } from '@tensorflow/tfjs';
import { strategyInfo } from '../../../src-shared/domain/strategies';
import { crossEntropy } from '../head';
import { logits, outputLayer, trunkLayers } from '../model';
import {
  declaredNeeds,
  numberParam,
  trainableVariables,
  type StrategyContext,
  type TrainStep,
  type TransferStrategy,
} from './strategy';

/**
 * Multi-task learning (Caruana 1997, "Multitask learning"): one trunk φ shared by two tasks, a
 * head per task, g_T for the target's k_T classes and g_S for the source's k_S, trained jointly
 * from a seeded initialisation on
 *
 *   L(θ) = (1/n_T)·Σ CE(g_T(φ(x_i)), y_i) + w·(1/n_S)·Σ CE(g_S(φ(x_j)), y_j),
 *
 * each step taking a batch of the target's labelled rows and a seeded batch of the source
 * domain's training rows (all their labels). The source task shapes the shared features: its
 * labels are the inductive bias. Only g_T∘φ is evaluated and saved.
 *
 * The trunk and the target head are the run's ModelSpec (MLP or CNN) initialised exactly as scratch
 * initialises it (model.ts seeds each layer by name), and the target's batches come in scratch's
 * seeded order, so any difference from scratch is the source task's doing. An epoch is one pass
 * over the longer of the two training sets (the source's, at small budgets), the target's rows
 * cycling in fresh seeded orders: at w = 0 an epoch is several of scratch's.
 */
const info = strategyInfo('multi-task');

export const multiTask = {
  id: 'multi-task',
  info,
  needs: declaredNeeds(info),
  prepare: (ctx: StrategyContext) => {
    const { tf, config, source } = ctx;
    if (source === undefined) throw new Error("multi-task needs the source domain's data");
    const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);
    if (size(source.featureShape) !== size(ctx.featureShape)) {
      throw new Error(
        `The source's features have shape [${source.featureShape.join(', ')}], the target's ` +
          `[${ctx.featureShape.join(', ')}]: a shared trunk needs the same inputs`,
      );
    }
    const taskWeight = numberParam(config, 'taskWeight');

    const input = tf.input({ shape: ctx.featureShape });
    const apply = (layer: { apply(x: SymbolicTensor): unknown }, x: SymbolicTensor) => {
      const out = layer.apply(x);
      if (!(out instanceof tf.SymbolicTensor))
        throw new Error('The model did not build symbolically');
      return out;
    };
    // The run's ModelSpec below its output layer (an MLP's or a CNN's), initialised as
    // buildModel initialises it for scratch.
    const trunk = trunkLayers(tf, config.model, ctx.featureShape, config.seed).reduce(
      (h, layer) => apply(layer, h),
      input,
    );
    const sourceHead = outputLayer(tf, source.numClasses, config.seed, 'source_output');
    const model = tf.model({
      inputs: input,
      outputs: apply(outputLayer(tf, ctx.numClasses, config.seed), trunk),
      name: 'multi_task',
    });
    const sourceTask = tf.model({
      inputs: input,
      outputs: apply(sourceHead, trunk),
      name: 'multi_task_source',
    });
    const trainable = [
      ...new Set([...trainableVariables(tf, model), ...trainableVariables(tf, sourceTask)]),
    ];
    ctx.log(
      'info',
      `Multi-task: ${source.numClasses}-class source task with weight ${taskWeight} beside the target task`,
    );
    return {
      model,
      trainable,
      frozenLayers: [],
      loss: (step: TrainStep) => {
        if (step.source === undefined) throw new Error('multi-task steps need a source batch');
        const x = tf.reshape(step.source.x, [-1, ...ctx.featureShape]);
        const sourceLoss = crossEntropy(
          tf,
          logits(tf, sourceTask, x, true),
          step.source.y,
          source.numClasses,
        );
        return tf.add(step.targetLoss, tf.mul(taskWeight, sourceLoss));
      },
      epochLength: 'longest',
      dispose: () => {
        // The source head is the only layer outside the evaluated model; the trunk is freed once.
        model.dispose();
        sourceHead.dispose();
      },
    };
  },
} satisfies TransferStrategy;
