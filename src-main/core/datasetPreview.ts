import type { z } from 'zod';
import type { DatasetPreview, Histogram, PreviewInputSchema } from '../../src-shared/rpc/datasets';
import { AppFailure } from '../../src-shared/result';
import { standardizerOf } from '../data/arrays';
import { applyTransform, imageDims, transformProblems } from '../engine/data/transform';
import { deriveSeed, Rng } from '../engine/random';
import type { DataLocator } from '../engine/protocol';
import { previewSource, type PreviewSource } from './previewSource';

export type PreviewInput = z.infer<typeof PreviewInputSchema>;

/** Classes shown in an image grid (a 1,000-class dataset would be a very long page). */
const MAX_GRID_CLASSES = 64;
const TABLE_ROWS = 50;
const HISTOGRAM_FEATURES = 64;
const BINS = 20;
/** Rows sampled for the histograms (in contiguous blocks), and their byte budget. */
const SAMPLE_ROWS = 20_000;
const SAMPLE_BYTES = 16 * 1024 ** 2;
const SAMPLE_BLOCKS = 20;

/**
 * 'datasets.preview': samples of a dataset through a domain's class subset and transform, made by
 * the trainer's own code (engine/data/transform.ts applyTransform), so the preview shows what
 * trains. `seed` picks the samples and plays the domain's split seed for the noise. Plain
 * JavaScript on a few rows: no tfjs in the server process, and only the rows shown are read.
 */
export async function previewDataset(
  locator: DataLocator,
  input: PreviewInput,
): Promise<DatasetPreview> {
  const source = await previewSource(locator);
  const problems = transformProblems(input.transform, source.featureShape);
  if (problems.length > 0)
    throw new AppFailure('invalid_input', 'The transform does not fit this dataset', problems);
  const present = new Map<number, number>();
  for (const label of source.labels) present.set(label, (present.get(label) ?? 0) + 1);
  const classes = input.classes ?? [...present.keys()].sort((a, b) => a - b);
  const missing = classes.filter((c) => !present.has(c));
  if (missing.length > 0) {
    throw new AppFailure(
      'invalid_input',
      `The dataset has no samples of class ${missing.join(', ')}`,
    );
  }
  // Every class of the dataset, kept or not: the UI shows the ones a subset leaves out faintly.
  const classCounts = [...present.keys()]
    .sort((a, b) => a - b)
    .map((label) => ({ label, count: present.get(label) ?? 0 }));
  const dims = imageDims(source.featureShape);
  if (dims !== undefined) return imagePreview(source, input, classes, classCounts, dims);
  return tabularPreview(source, input, classes, classCounts);
}

async function imagePreview(
  source: PreviewSource,
  input: PreviewInput,
  classes: number[],
  classCounts: { label: number; count: number }[],
  dims: [number, number, number],
): Promise<DatasetPreview> {
  const shown = classes.slice(0, MAX_GRID_CLASSES);
  const members = new Map<number, number[]>(shown.map((c) => [c, []]));
  source.labels.forEach((label, row) => members.get(label)?.push(row));
  const picked = shown.map((label) => {
    const rng = new Rng(deriveSeed(input.seed, `preview:class=${label}`));
    return rng.shuffle([...(members.get(label) ?? [])]).slice(0, input.perClass);
  });
  const rows = picked.flat();
  const x = await source.readRows(rows);
  applyTransform(x, rows, source.featureShape, input.transform, input.seed, 'preview');
  const size = source.featureSize;
  let at = 0;
  return {
    kind: 'image',
    shape: dims,
    classCounts,
    samples: shown.map((label, c) => ({
      label,
      pixels: (picked[c] ?? []).map(() => {
        const image = Array.from(x.subarray(at * size, (at + 1) * size), (v) =>
          Math.min(1, Math.max(0, v)),
        );
        at += 1;
        return image;
      }),
    })),
  };
}

/**
 * The first rows of the class subset, and histograms over a sample of rows (the whole dataset
 * when small), both in the file's units: the trainer's pipeline (transform, standardisation,
 * noise) is applied, then the standardisation undone, so a shift or noise shows as it trains.
 */
async function tabularPreview(
  source: PreviewSource,
  input: PreviewInput,
  classes: number[],
  classCounts: { label: number; count: number }[],
): Promise<DatasetPreview> {
  const wanted = new Set(classes);
  const f = source.featureSize;
  const sampleRows = sampleRowIndices(
    source.n,
    Math.min(SAMPLE_ROWS, Math.max(1, Math.floor(SAMPLE_BYTES / 4 / f))),
  );
  const raw = await source.readRows(sampleRows);
  const kept: number[] = [];
  sampleRows.forEach((row, i) => {
    if (wanted.has(source.labels[row] ?? -1)) kept.push(i);
  });
  const rows = kept.map((i) => sampleRows[i] ?? 0);
  const x = new Float32Array(kept.length * f);
  kept.forEach((i, k) => {
    x.set(raw.subarray(i * f, (i + 1) * f), k * f);
  });
  const standardizer = source.standardize ? standardizerOf(raw, sampleRows.length, f) : undefined;
  applyTransform(
    x,
    rows,
    source.featureShape,
    input.transform,
    input.seed,
    'preview',
    standardizer,
  );
  if (standardizer) {
    for (let k = 0; k < rows.length; k++) {
      for (let j = 0; j < f; j++) {
        x[k * f + j] =
          (x[k * f + j] ?? 0) * (standardizer.std[j] ?? 1) + (standardizer.mean[j] ?? 0);
      }
    }
  }
  const names = Array.from({ length: f }, (_, j) => source.featureNames?.[j] ?? `feature ${j + 1}`);
  const histograms: Histogram[] = names
    .slice(0, HISTOGRAM_FEATURES)
    .map((feature, j) => histogram(feature, x, rows.length, f, j));
  return {
    kind: 'tabular',
    featureNames: names,
    classCounts,
    rows: rows
      .slice(0, TABLE_ROWS)
      .map((row, k) => [...Array.from(x.subarray(k * f, (k + 1) * f)), source.labels[row] ?? 0]),
    histograms,
    histogramRows: rows.length,
  };
}

/** Up to `count` row indices: all rows when few, else SAMPLE_BLOCKS evenly spaced blocks. */
export function sampleRowIndices(n: number, count: number): number[] {
  if (n <= count) return Array.from({ length: n }, (_, i) => i);
  const block = Math.ceil(count / SAMPLE_BLOCKS);
  const out: number[] = [];
  for (let b = 0; b < SAMPLE_BLOCKS; b++) {
    const start = Math.floor((b * (n - block)) / (SAMPLE_BLOCKS - 1));
    for (let i = 0; i < block && out.length < count; i++) out.push(start + i);
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

function histogram(
  feature: string,
  x: Float32Array,
  rows: number,
  f: number,
  j: number,
): Histogram {
  let min = Infinity;
  let max = -Infinity;
  for (let r = 0; r < rows; r++) {
    const v = x[r * f + j] ?? 0;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (rows === 0) [min, max] = [0, 1];
  if (min === max) [min, max] = [min - 0.5, max + 0.5];
  const width = (max - min) / BINS;
  const counts = new Array<number>(BINS).fill(0);
  for (let r = 0; r < rows; r++) {
    const bin = Math.min(BINS - 1, Math.floor(((x[r * f + j] ?? 0) - min) / width));
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  return { feature, edges: Array.from({ length: BINS + 1 }, (_, i) => min + i * width), counts };
}
