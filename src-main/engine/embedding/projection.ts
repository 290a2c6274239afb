import { PCA } from 'ml-pca';
import { UMAP } from 'umap-js';
import { Rng } from '../random';

/**
 * Two 2-D pictures of the same rows: PCA (linear, shows the spread as it is; ml-pca) and UMAP
 * (McInnes, Healy, Melville 2018; the PAIR-code umap-js port), which keeps neighbourhoods and so
 * shows clusters, here whether target rows sit inside the source's class clusters. UMAP draws
 * from a seeded generator, so the same rows and seed give the same picture.
 */

export interface Projections {
  /** x0, y0, x1, y1, ... in row order. */
  pca: number[];
  umap: number[];
  /** Share of the total variance on each principal component. */
  pcaExplained: [number, number];
}

export interface ProjectionOptions {
  seed: number;
  /** UMAP's neighbourhood size and optimisation epochs (tests shorten the epochs). */
  neighbours?: number;
  epochs?: number;
}

function rowsOf(data: Float32Array, cols: number): number[][] {
  const n = data.length / cols;
  return Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * cols, (i + 1) * cols)));
}

/** Rounded to 4 significant places: a picture needs no more, and the cache stays small. */
function compact(value: number): number {
  return Number(value.toPrecision(4));
}

export function project(data: Float32Array, cols: number, options: ProjectionOptions): Projections {
  const rows = rowsOf(data, cols);
  if (rows.length < 4) throw new Error(`A projection needs four or more rows, got ${rows.length}`);
  const pca = new PCA(rows, { center: true, scale: false });
  const scores = pca.predict(rows, { nComponents: Math.min(2, cols) });
  const explained = pca.getExplainedVariance();
  const pcaFlat: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    pcaFlat.push(compact(scores.get(i, 0)), compact(cols > 1 ? scores.get(i, 1) : 0));
  }
  const rng = new Rng(options.seed);
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: Math.min(options.neighbours ?? 15, rows.length - 1),
    minDist: 0.1,
    nEpochs: options.epochs ?? 200,
    random: () => rng.next(),
  });
  const embedded = umap.fit(rows);
  return {
    pca: pcaFlat,
    umap: embedded.flatMap(([x = 0, y = 0]) => [compact(x), compact(y)]),
    pcaExplained: [compact(explained[0] ?? 0), compact(explained[1] ?? 0)],
  };
}
