import type { Scalar, Tensor } from '@tensorflow/tfjs';
import type { ResolvedRunConfig } from '../../../src-shared/domain/runs';
import { strategyInfo } from '../../../src-shared/domain/strategies';
import type { Tf } from '../backend';
import { outputUnits } from '../head';
import { buildModel, hiddenLayers, logits, seededDense } from '../model';
import {
  applyUpTo,
  booleanParam,
  checkSourceInput,
  classesOfOutput,
  declaredNeeds,
  numberParam,
  pickHiddenLayer,
  sourceHiddenLayers,
  trainableVariables,
  type StrategyContext,
  type StrategyNeeds,
  type TransferStrategy,
  type TrainStep,
} from './strategy';

/**
 * Knowledge transfer K(θ): a fresh student (the run's ModelSpec, initialised from the run seed
 * exactly as scratch is) learns the target labels and, with weight α, the frozen source model
 * (the teacher):
 *
 *   L(θ) = (1/n)·Σ CE(f_θ(x_i), y_i) + α·K(θ).
 *
 * Logits, when the label spaces match (same number of classes, and the same original labels
 * where both domains list them), Hinton, Vinyals, Dean 2015, "Distilling the knowledge in a
 * neural network":
 *
 *   K = T²·(1/m)·Σ_i KL(softmax(z_s,i/T) ‖ softmax(z_t,i/T))
 *     = T²·(1/m)·Σ_i Σ_c p_s,c·(log p_s,c − log p_t,c),
 *
 * z_s the teacher's logits, z_t the student's, T the temperature; the T² keeps the soft term's
 * gradients on the scale of the hard one's as T grows. A two-class model's single logit z stands
 * for the softmax over [0, z], i.e. p = [σ(−z/T), σ(z/T)].
 *
 * Features, otherwise (or with `onFeatures`), after FitNets' hints (Romero et al. 2015, "FitNets:
 * hints for thin deep nets"): with h_s and h_t the teacher's and the student's hidden layer
 * `layer` (0 = the last),
 *
 *   K = (1/(m·d))·Σ_i ‖h_s(x_i) − r(h_t(x_i))‖²,
 *
 * the mean squared difference per unit, r the identity when the widths agree and a trainable,
 * seeded linear regressor Dense(d) otherwise (FitNets' regressor; not part of the saved model).
 *
 * K is taken over the step's labelled target rows and, with `unlabelled` (the default), a batch
 * of the target's unlabelled rows too: the teacher labels what the budget left unlabelled (the
 * "transfer set"). An epoch then covers the unlabelled pool (epochLength 'longest').
 */
const info = strategyInfo('distillation');

export const distillation = {
  id: 'distillation',
  info,
  needs: (config: ResolvedRunConfig): StrategyNeeds => ({
    ...declaredNeeds(info)(),
    unlabelledTarget: booleanParam(config, 'unlabelled'),
  }),
  prepare: (ctx: StrategyContext) => {
    const { tf, sourceModel: teacher, config } = ctx;
    if (teacher === undefined) throw new Error('distillation needs a source model');
    checkSourceInput(teacher, ctx.featureShape);
    const alpha = numberParam(config, 'alpha');
    const temperature = numberParam(config, 'temperature');
    const onLogits =
      !booleanParam(config, 'onFeatures') &&
      labelSpacesMatch(config, classesOfOutput(teacher), ctx.numClasses);
    // The teacher never moves: no variable of it reaches the optimizer.
    for (const layer of teacher.layers) layer.trainable = false;
    const student = buildModel(tf, config.model, ctx.featureShape, ctx.numClasses, config.seed);
    const useUnlabelled = booleanParam(config, 'unlabelled') && (ctx.unlabelledRows ?? 0) > 0;

    let regressor: ReturnType<typeof seededDense> | undefined;
    let k: (x: Tensor) => Scalar;
    try {
      if (onLogits) {
        if (outputUnits(ctx.numClasses) !== teacher.outputs[0]?.shape.at(-1))
          throw new Error('The teacher and the student must output the same number of logits');
        k = (x) =>
          distillationKl(tf, logits(tf, teacher, x), logits(tf, student, x, true), temperature);
        ctx.log('info', `Distilling logits at T = ${temperature}, α = ${alpha}`);
      } else {
        const layer = numberParam(config, 'layer');
        const teacherLayer = pickHiddenLayer(sourceHiddenLayers(teacher), layer, 'layer');
        const studentLayer = pickHiddenLayer(hiddenLayers(student), layer, 'layer');
        const width = (l: typeof teacherLayer): number => {
          const units = l.outputShape.at(-1);
          if (typeof units !== 'number') throw new Error(`Layer ${l.name} has no fixed width`);
          return units;
        };
        const dTeacher = width(teacherLayer);
        if (width(studentLayer) !== dTeacher) {
          regressor = seededDense(tf, {
            units: dTeacher,
            activation: 'linear',
            name: 'hint_regressor',
            seed: config.seed,
          });
          // Built by a symbolic call, which also counts the reference its dispose releases.
          regressor.apply(tf.input({ shape: [width(studentLayer)] }));
        }
        const r = regressor;
        k = (x) => {
          const hTeacher = applyUpTo(tf, teacher, x, teacherLayer.name);
          const hStudent = applyUpTo(tf, student, x, studentLayer.name, true);
          const mapped = r ? r.apply(hStudent) : hStudent;
          if (!(mapped instanceof tf.Tensor)) throw new Error('The regressor has several outputs');
          return featureDistance(tf, hTeacher, mapped);
        };
        ctx.log(
          'info',
          `Distilling ${teacherLayer.name}'s features (${dTeacher} units${regressor ? ', through a linear regressor' : ''}), α = ${alpha}`,
        );
      }
    } catch (e) {
      // The teacher is the loop's to free when prepare throws; the student is ours.
      student.dispose();
      throw e;
    }
    if (useUnlabelled)
      ctx.log('info', `K(θ) also on ${ctx.unlabelledRows ?? 0} unlabelled target rows`);

    return {
      model: student,
      trainable: [
        ...trainableVariables(tf, student),
        ...(regressor ? trainableVariables(tf, regressor) : []),
      ],
      frozenLayers: [],
      loss: (step: TrainStep) => {
        // Distillation needs target labels (StrategyInfo.needsTargetLabels), so the loop always
        // gives a target batch; the unlabelled rows join it.
        const parts = [
          ...(step.target ? [step.target.x] : []),
          ...(useUnlabelled && step.unlabelled ? [step.unlabelled.x] : []),
        ];
        const x = parts.length === 1 && parts[0] ? parts[0] : tf.concat(parts, 0);
        return tf.add(step.targetLoss, tf.mul(alpha, k(x)));
      },
      ...(useUnlabelled ? { epochLength: 'longest' as const } : {}),
      dispose: () => {
        student.dispose();
        teacher.dispose();
        regressor?.dispose();
      },
    };
  },
} satisfies TransferStrategy;

/**
 * Whether the teacher's outputs mean the target's classes: the same number of classes and, where
 * both domains list their original labels, the same labels in the same order. Domains that keep
 * every class of their dataset (two synthetic binary tasks, digits and a shifted copy of it) match
 * by their count.
 */
export function labelSpacesMatch(
  config: ResolvedRunConfig,
  sourceClasses: number,
  targetClasses: number,
): boolean {
  if (sourceClasses !== targetClasses) return false;
  const a = config.sourceDomain?.classes;
  const b = config.domain.classes;
  if (a === undefined || b === undefined) return true;
  return a.length === b.length && a.every((label, i) => label === b[i]);
}

/**
 * T²·mean_i KL(softmax(z_s,i/T) ‖ softmax(z_t,i/T)), from log-softmax so that it stays finite
 * where probabilities underflow. Zero when z_s = z_t.
 */
export function distillationKl(
  tf: Tf,
  teacherLogits: Tensor,
  studentLogits: Tensor,
  temperature: number,
): Scalar {
  return tf.tidy(() => {
    const logProbs = (z: Tensor): Tensor => {
      const scaled = tf.div(z, temperature);
      // A single logit z is the softmax over [0, z]: log-softmax gives [log σ(−z), log σ(z)].
      // (Not tf.logSigmoid: its gradient reads an input it does not keep, which a tidy frees.)
      return tf.logSoftmax(
        z.shape[1] === 1 ? tf.concat([tf.zerosLike(scaled), scaled], 1) : scaled,
      );
    };
    const logP = logProbs(teacherLogits);
    const logQ = logProbs(studentLogits);
    const perRow = tf.sum(tf.mul(tf.exp(logP), tf.sub(logP, logQ)), 1);
    return tf.mul(temperature * temperature, tf.mean(perRow));
  });
}

/** (1/(m·d))·Σ‖a_i − b_i‖²: the mean squared difference per unit of two [m, d] feature maps. */
export function featureDistance(tf: Tf, a: Tensor, b: Tensor): Scalar {
  return tf.tidy(() => tf.mean(tf.squaredDifference(a, b)));
}
