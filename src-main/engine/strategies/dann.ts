import type { Tensor } from '@tensorflow/tfjs';
import { strategyInfo } from '../../../src-shared/domain/strategies';
import { dannDomainLoss, dannLambda } from '../losses/index';
import { seededDense } from '../model';
import { alignmentModel, layerWidth } from './adaptation';
import {
  booleanParam,
  declaredNeeds,
  numberParam,
  trainableVariables,
  type StrategyContext,
  type TransferStrategy,
} from './strategy';

/**
 * DANN, domain-adversarial training (Ganin, Ustinova, Ajakan, Germain, Larochelle, Laviolette,
 * Marchand, Lempitsky 2016, "Domain-adversarial training of neural networks", JMLR 17, §4.2):
 * the model's trunk G_f up to hidden layer `layer`, its classifier G_y (the layers after it) and
 * a domain classifier G_d (Dense(domainHidden, ReLU) → Dense(1), a logistic regression when
 * domainHidden = 0; seeded from the run seed) seek the saddle point of
 *
 *   E(θ_f, θ_y, θ_d) = CE_S(θ_f, θ_y) + CE_T(θ_f, θ_y) − λ_p·L_d(θ_f, θ_d),
 *
 * L_d the domain classifier's cross-entropy at telling the source batch's features (label 0)
 * from the step's target rows' (label 1; a batch of the unlabelled pool with the labelled target
 * batch), CE_S and CE_T the source and labelled target batches' mean cross-entropies (CE_T absent
 * at budget 0). One minimisation does it: the features reach G_d through the gradient-reversal
 * layer R_λ (identity forward, −λ_p times the gradient backward; losses/gradientReversal.ts), so
 * G_d descends L_d while G_f ascends λ_p·L_d.
 *
 * λ_p = λ·(2/(1 + exp(−10·p)) − 1) at training progress p ∈ [0, 1) (§5.2.2: the domain term starts
 * at 0, while G_d is still noise), or λ throughout without `schedule`. The paper also anneals
 * SGD's learning rate; here the run's optimizer and rate apply, as for every strategy. The
 * adversarial game is the touchiest of the alignment methods: on 30°-rotated digits (64 hidden
 * units, budget 0, 3 seeds) it lifted source-only's 0.35 test accuracy to 0.57 with Adam at
 * 0.001, but barely moved it at 0.01, where the features and G_d oscillate.
 *
 * The model is the run's ModelSpec from the run seed and an epoch one pass over the source rows,
 * exactly as source-only trains (adaptation.ts): at λ = 0 the model trains as source-only does.
 */
const info = strategyInfo('dann');

export const dann = {
  id: 'dann',
  info,
  needs: declaredNeeds(info),
  prepare: (ctx: StrategyContext) => {
    const { tf, config } = ctx;
    const lambda = numberParam(config, 'lambda');
    const hidden = numberParam(config, 'domainHidden');
    const schedule = booleanParam(config, 'schedule');
    return alignmentModel(ctx, 'dann', (_model, layer) => {
      const width = layerWidth(layer);
      const classifier = tf.sequential({
        name: 'domain_classifier',
        layers: [
          ...(hidden > 0
            ? [
                seededDense(tf, {
                  units: hidden,
                  activation: 'relu',
                  name: 'domain_hidden',
                  seed: config.seed,
                  inputShape: [width],
                }),
              ]
            : []),
          seededDense(tf, {
            units: 1,
            activation: 'linear',
            name: 'domain_output',
            seed: config.seed,
            ...(hidden > 0 ? {} : { inputShape: [width] }),
          }),
        ],
      });
      const classify = (features: Tensor): Tensor => {
        const out = classifier.apply(features, { training: true });
        if (!(out instanceof tf.Tensor))
          throw new Error('The domain classifier has several outputs');
        return out;
      };
      ctx.log(
        'info',
        `DANN on ${layer.name}'s ${width} features: domain classifier ` +
          `${hidden > 0 ? `Dense(${hidden}, relu) → ` : ''}Dense(1), λ = ${lambda}` +
          (schedule ? ', ramped up over training' : ''),
      );
      return {
        loss: (hSource, hTarget, step) => {
          if (lambda === 0) return undefined;
          const lambdaP = schedule ? lambda * dannLambda(step.progress) : lambda;
          return dannDomainLoss(tf, hSource, hTarget, classify, lambdaP);
        },
        trainable: trainableVariables(tf, classifier),
        dispose: () => {
          classifier.dispose();
        },
      };
    });
  },
} satisfies TransferStrategy;
