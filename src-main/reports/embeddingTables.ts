import type { Comparison } from '../../src-shared/rpc/compare';
import type { Db } from '../store/db';
import { latestEmbeddings } from '../store/embeddings';
import type { TextTable } from './tables';

/** Runs a report lists at most; the caption says how many more have an embedding. */
export const MAX_EMBEDDING_ROWS = 50;

const fixed = (v: number): string => v.toFixed(3);

/**
 * The report's domain-alignment table (issue 14, point 3): for each compared run whose embedding
 * was computed (the run page's "Compute embedding" or `transferlab embedding`), MMD² and the proxy
 * A-distance between source and target features before and after adaptation. Nothing is computed
 * here: a report never starts tfjs, and runs without a cached embedding are simply not listed.
 */
export function embeddingTables(db: Db, comparison: Comparison): TextTable[] {
  const runs = new Map(comparison.runs.map((r) => [r.id, r]));
  const embeddings = latestEmbeddings(db, [...runs.keys()]);
  if (embeddings.length === 0) return [];
  const shown = embeddings.slice(0, MAX_EMBEDDING_ROWS);
  const more =
    embeddings.length > shown.length
      ? ` The first ${shown.length} of ${embeddings.length} runs are shown.`
      : '';
  return [
    {
      id: 'embeddings',
      title: 'Domain alignment',
      caption:
        'Discrepancy between source and target test-row features of the last hidden layer, before ' +
        'adaptation (the source model or the source-only baseline) → after (the run’s own model): ' +
        'MMD² with a Gaussian kernel at the median distance (0 = same distribution, at most 2), and ' +
        'the proxy A-distance 2(1 − 2ε) of a linear domain classifier (Ben-David et al. 2010; 0 = ' +
        `indistinguishable, 2 = separable).${more}`,
      header: ['run', 'variant', 'source → target', 'rows', 'MMD²', 'proxy A-distance'],
      rows: shown.map((e) => {
        const run = runs.get(e.runId);
        const pair = (key: 'mmd2' | 'proxyADistance'): string =>
          `${e.before ? fixed(e.before[key]) : '–'} → ${fixed(e.after[key])}`;
        return [
          `#${e.runId}`,
          run?.variant ?? '',
          `${e.sourceName} → ${e.targetName}`,
          String(e.points.domain.length),
          pair('mmd2'),
          pair('proxyADistance'),
        ];
      }),
    },
  ];
}
