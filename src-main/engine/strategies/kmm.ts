import { strategyInfo } from '../../../src-shared/domain/strategies';
import { kmmWeights } from '../losses/index';
import { deriveSeed, Rng } from '../random';
import {
  checkAdaptable,
  contextData,
  describeWeights,
  targetInputs,
  weightedSourceModel,
} from './adaptation';
import {
  declaredNeeds,
  numberParam,
  type StrategyContext,
  type TransferStrategy,
} from './strategy';

/**
 * Kernel mean matching (Huang, Smola, Gretton, Borgwardt, Schölkopf 2007, "Correcting sample
 * selection bias by unlabeled data", NIPS 19): source weights β that make the β-weighted source
 * mean match the target mean in a Gaussian kernel's feature space,
 *
 *   minimise ½βᵀKβ − κᵀβ  s.t.  β_i ∈ [0, B],  |Σ_i β_i − n_S| ≤ n_S·ε,
 *
 * K_ij = k(x_i, x_j) over source rows, κ_i = (n_S/n_T)·Σ_j k(x_i, x'_j) over target rows, k
 * Gaussian with the median-distance width, ε = (√n_S − 1)/√n_S (losses/importance.ts, solved by
 * accelerated projected gradient). The weights are computed once on the inputs, before
 * training, and the model (the run's ModelSpec from the run seed) trains on
 *
 *   L(θ) = (1/n)·Σ_{i ∈ source batch} β_i·ℓ_i(θ) + CE_T(θ),
 *
 * CE_T the labelled target batch's mean cross-entropy (absent at budget 0).
 *
 * Size: K is n_S² doubles and each solver iteration a product with it, so one problem takes at
 * most `sampleSize` source rows (≤ 5000, the solver's limit). A larger source is cut into
 * ⌈n_S/sampleSize⌉ chunks of near-equal size by a permutation seeded from the run seed, each
 * chunk matched to the same target sample (the target's training inputs, labelled rows included
 * without their labels, or a seeded sample of `sampleSize` of them), as ADAPT does with its
 * batches; every source row gets a weight, each chunk's normalised to mean 1 (chunks are
 * exchangeable random halves, thirds, ... of the source).
 */
const info = strategyInfo('kmm');

/** The source rows' KMM weights, as prepare computes them (exported for the tests). */
export async function sourceKmmWeights(ctx: StrategyContext): Promise<{
  weights: Float64Array;
  chunks: number;
  converged: number;
  sigma: number[];
}> {
  const { tf, config } = ctx;
  const source = checkAdaptable(ctx, 'kmm');
  const data = contextData(ctx, 'kmm');
  if (data.source === undefined) throw new Error("kmm needs the source's rows");
  const sourceX = data.source.x;
  const size = ctx.featureShape.reduce((a, b) => a * b, 1);
  const sampleSize = numberParam(config, 'sampleSize');
  const bound = numberParam(config, 'bound');
  const target = targetInputs(ctx, 'kmm');

  // The target sample: every target training input, or a seeded sample of sampleSize of them.
  const targetRows =
    target.n <= sampleSize
      ? Int32Array.from({ length: target.n }, (_, i) => i)
      : new Rng(deriveSeed(config.seed, 'kmm:target'))
          .permutation(target.n)
          .slice(0, sampleSize)
          .sort();
  const xTarget = tf.tensor2d(pickRows(target.x, targetRows, size), [targetRows.length, size]);

  const n = source.rows;
  const chunks = Math.ceil(n / sampleSize);
  const order = chunks === 1 ? null : new Rng(deriveSeed(config.seed, 'kmm:chunks')).permutation(n);
  const weights = new Float64Array(n);
  let converged = 0;
  const sigma: number[] = [];
  try {
    for (let c = 0; c < chunks; c++) {
      const start = Math.floor((c * n) / chunks);
      const end = Math.floor(((c + 1) * n) / chunks);
      const rows = order
        ? order.slice(start, end).sort()
        : Int32Array.from({ length: n }, (_, i) => i);
      const xChunk = tf.tensor2d(pickRows(sourceX, rows, size), [rows.length, size]);
      try {
        const result = await kmmWeights(tf, xChunk, xTarget, { bound });
        if (result.converged) converged++;
        sigma.push(result.sigma);
        let sum = 0;
        for (const b of result.weights) sum += b;
        const scale = rows.length / sum;
        rows.forEach((row, i) => {
          weights[row] = (result.weights[i] ?? 0) * scale;
        });
      } finally {
        xChunk.dispose();
      }
    }
  } finally {
    xTarget.dispose();
  }
  return { weights, chunks, converged, sigma };
}

export const kmm: TransferStrategy = {
  id: 'kmm',
  info,
  needs: declaredNeeds(info),
  prepare: async (ctx: StrategyContext) => {
    const result = await sourceKmmWeights(ctx);
    const widths = result.sigma.map((s) => s.toFixed(3)).join(', ');
    ctx.log(
      'info',
      `KMM on the inputs: ${result.chunks} source chunk(s) of ≤ ${numberParam(ctx.config, 'sampleSize')} rows, ` +
        `kernel width ${widths}, ${result.converged} of ${result.chunks} converged to the tolerance`,
    );
    ctx.log('info', `KMM weights: ${describeWeights(result.weights)}`);
    return weightedSourceModel(ctx, 'kmm', result.weights);
  },
};

/** The listed rows of a row-major n × size array, in order. */
function pickRows(x: Float32Array, rows: Int32Array, size: number): Float32Array {
  const out = new Float32Array(rows.length * size);
  rows.forEach((row, i) => {
    out.set(x.subarray(row * size, (row + 1) * size), i * size);
  });
  return out;
}
