import type { EmbeddingSide } from '../../../src-shared/domain/embedding';
import type { Tf } from '../backend';
import { mmd2 } from '../losses/index';
import { hiddenLayers } from '../model';
import { loadSourceModel, type SourceModelFiles } from '../pretrained/sourceModel';
import { project, type ProjectionOptions } from './projection';
import { proxyADistance } from './proxyADistance';
import type { DrawnRows } from './sample';
import { readScalars } from '../readBack';

/**
 * One model's side of the embedding view (issue 14, point 3): its last hidden layer's features on
 * the drawn source and target rows, the two discrepancies between them, and the 2-D pictures.
 * The last hidden layer is what the classifier reads, so it is where alignment matters; the
 * same layer the transferability probe (transferability/probe.ts) uses.
 */

export interface FeatureRows {
  data: Float32Array;
  rows: number;
  cols: number;
}

/** The last hidden layer's outputs for `rows.x`, flattened to one row each. */
export async function hiddenFeatures(
  tf: Tf,
  files: SourceModelFiles,
  rows: DrawnRows,
  featureShape: number[],
): Promise<{ layer: string; features: FeatureRows }> {
  const model = await loadSourceModel(tf, files);
  try {
    const last = hiddenLayers(model).at(-1);
    if (last === undefined) throw new Error('The model has no hidden layer to embed');
    const output = last.output;
    if (Array.isArray(output)) throw new Error(`Layer ${last.name} has several outputs`);
    const trunk = tf.model({ inputs: model.inputs, outputs: output });
    const features = tf.tidy(() => {
      const out = trunk.apply(tf.tensor(rows.x, [rows.n, ...featureShape], 'float32'));
      if (!(out instanceof tf.Tensor)) throw new Error('The trunk must have a single output');
      return tf.reshape(out, [rows.n, -1]);
    });
    try {
      const cols = features.shape[1] ?? 0;
      return {
        layer: last.name,
        features: { data: new Float32Array(await features.data()), rows: rows.n, cols },
      };
    } finally {
      features.dispose();
    }
  } finally {
    model.dispose();
  }
}

/**
 * Biased MMD² with a single Gaussian kernel at the median-heuristic bandwidth (losses/mmd.ts, the
 * MMD strategy's code, with one multiplier): a number in [0, 2] that is comparable between two
 * models because the bandwidth follows each model's own feature scale.
 */
export async function gaussianMmd2(
  tf: Tf,
  source: FeatureRows,
  target: FeatureRows,
): Promise<number> {
  const value = tf.tidy(() =>
    mmd2(
      tf,
      tf.tensor2d(source.data, [source.rows, source.cols]),
      tf.tensor2d(target.data, [target.rows, target.cols]),
      { multipliers: [1], bandwidth: 'median' },
    ),
  );
  // A float32 rounding error may leave it a hair below 0 (losses/mmd.ts); a distance is not.
  const [mmd = Number.NaN] = await readScalars([value]);
  return Math.max(0, mmd);
}

export interface SideOptions {
  label: string;
  runId: number;
  seed: number;
  projection?: Omit<ProjectionOptions, 'seed'>;
  classifierSteps?: number;
}

/** Features, discrepancies and projections of one model on the drawn rows (source first). */
export async function embedSide(
  tf: Tf,
  files: SourceModelFiles,
  source: DrawnRows,
  target: DrawnRows,
  featureShape: number[],
  options: SideOptions,
): Promise<EmbeddingSide> {
  const s = await hiddenFeatures(tf, files, source, featureShape);
  const t = await hiddenFeatures(tf, files, target, featureShape);
  const cols = s.features.cols;
  const pooled = new Float32Array(s.features.data.length + t.features.data.length);
  pooled.set(s.features.data, 0);
  pooled.set(t.features.data, s.features.data.length);
  const pad = await proxyADistance(tf, s.features.data, t.features.data, cols, {
    seed: options.seed,
    ...(options.classifierSteps === undefined ? {} : { steps: options.classifierSteps }),
  });
  const pictures = project(pooled, cols, { seed: options.seed, ...options.projection });
  return {
    label: options.label,
    runId: options.runId,
    layer: s.layer,
    features: cols,
    mmd2: await gaussianMmd2(tf, s.features, t.features),
    proxyADistance: pad.distance,
    domainError: pad.error,
    pca: pictures.pca,
    umap: pictures.umap,
    pcaExplained: pictures.pcaExplained,
  };
}
