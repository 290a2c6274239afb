import type { Tf } from '../backend';
import type { RunData } from '../data/domain';
import { hiddenLayers, probabilities } from '../model';
import { loadSourceModel, type SourceModelFiles } from '../pretrained/sourceModel';
import { transferabilityScores, type TransferabilityScores } from './index';

/**
 * Transferability before training: the source model is run once, frozen, over the target's
 * labelled training rows (what the run is allowed to learn from), and LEEP, NCE, H-score and
 * LogME are computed from its class probabilities and its last hidden layer's features. This
 * happens in the trainer, before the first step on the target, so the scores can be compared
 * with the gain the run then realises. With a small label budget the rows (`samples`, n) are often
 * fewer than the features (`scores.features`, d, the hidden layer's width), where Bao et al.'s
 * H-score is pinned at K − 1: the H-score is therefore the Ledoit–Wolf-shrunk one, and
 * `scores.hScoreShrinkage` says by how much it was shrunk (issue 14).
 */
export interface TransferabilityProbe {
  /** The four scores, with the feature width d and the H-score's shrinkage λ. */
  scores: TransferabilityScores;
  /** The target rows the scores were computed on (n; n < `scores.features` means n < d). */
  samples: number;
}

export async function probeTransferability(
  tf: Tf,
  sourceModel: SourceModelFiles,
  data: Pick<RunData, 'train' | 'featureShape' | 'numClasses'>,
): Promise<TransferabilityProbe> {
  const { train } = data;
  if (train.n < 2) throw new Error('Transferability needs at least two labelled target rows');
  const model = await loadSourceModel(tf, sourceModel);
  try {
    const last = hiddenLayers(model).at(-1);
    if (last === undefined) throw new Error('The source model has no hidden layer');
    const trunkOutput = last.output;
    if (Array.isArray(trunkOutput)) throw new Error(`Layer ${last.name} has several outputs`);
    const trunk = tf.model({ inputs: model.inputs, outputs: trunkOutput });
    const [probs, features] = tf.tidy(() => {
      const x = tf.tensor(train.x, [train.n, ...data.featureShape], 'float32');
      const f = trunk.apply(x);
      if (!(f instanceof tf.Tensor)) throw new Error('The trunk must have a single output');
      return [probabilities(tf, model, x), f] as const;
    });
    try {
      const [probsData, featureData] = await Promise.all([probs.data(), features.data()]);
      const [, z] = probs.shape;
      const [, d] = features.shape;
      const scores = transferabilityScores({
        probs: { data: probsData, rows: train.n, cols: z ?? 0 },
        features: { data: featureData, rows: train.n, cols: d ?? 0 },
        labels: train.y,
        numTargetClasses: data.numClasses,
      });
      return { scores, samples: train.n };
    } finally {
      tf.dispose([probs, features]);
    }
  } finally {
    model.dispose();
  }
}
