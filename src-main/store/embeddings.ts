import { EmbeddingSchema, type Embedding } from '../../src-shared/domain/embedding';
import type { Db } from './db';

/**
 * The embedding view's cache and the runs it draws its models from (issue 14, point 3). An
 * embedding is kept per run and settings key (store JSON, parsed on the way out: a row written
 * by an older build that no longer parses reads as not computed).
 */

export function cachedEmbedding(db: Db, runId: number, settingsKey: string): Embedding | undefined {
  const row = db
    .prepare('SELECT embedding FROM run_embeddings WHERE run_id = ? AND settings = ?')
    .get(runId, settingsKey) as { embedding: string } | undefined;
  if (row === undefined) return undefined;
  const parsed = EmbeddingSchema.safeParse(JSON.parse(row.embedding));
  return parsed.success ? parsed.data : undefined;
}

export function saveEmbedding(db: Db, settingsKey: string, embedding: Embedding): void {
  db.prepare(
    `INSERT OR REPLACE INTO run_embeddings (run_id, settings, embedding, created_at)
     VALUES (?, ?, ?, ?)`,
  ).run(embedding.runId, settingsKey, JSON.stringify(embedding), embedding.computedAt);
}

/**
 * The model a transfer run that starts from no source model (source-only, MMD, CORAL, DANN,
 * importance weighting) is compared with before adaptation: first a completed source run of its
 * experiment on the same source domain and seed (trained on the source's labels alone), then its
 * experiment's completed source-only run of the same cell and seed; each with a kept model.
 */
export function baselineRunWithModel(
  db: Db,
  runId: number,
): { runId: number; kind: 'source' | 'source-only' } | undefined {
  const row = db
    .prepare(
      `SELECT r.id, r.kind FROM runs r JOIN source_models sm ON sm.run_id = r.id
         JOIN runs me ON me.id = ?
       WHERE r.id <> me.id AND r.status = 'completed' AND r.experiment_id = me.experiment_id
         AND r.seed = me.seed
         AND ((r.kind = 'source' AND r.domain_id = me.source_domain_id)
           OR (r.kind = 'transfer' AND r.strategy = 'source-only' AND r.domain_id = me.domain_id
               AND r.source_domain_id IS me.source_domain_id AND r.budget = me.budget))
       ORDER BY r.kind = 'source' DESC, r.id ASC LIMIT 1`,
    )
    .get(runId) as { id: number; kind: 'source' | 'transfer' } | undefined;
  if (row === undefined) return undefined;
  return { runId: row.id, kind: row.kind === 'source' ? 'source' : 'source-only' };
}

/** The most recently computed embedding of each of `runIds` that has one, by run id. */
export function latestEmbeddings(db: Db, runIds: readonly number[]): Embedding[] {
  if (runIds.length === 0) return [];
  const rows = db
    .prepare(
      `SELECT e.embedding FROM run_embeddings e
       WHERE e.run_id IN (SELECT value FROM json_each(?))
         AND e.created_at = (SELECT MAX(created_at) FROM run_embeddings WHERE run_id = e.run_id)
       ORDER BY e.run_id`,
    )
    .all(JSON.stringify(runIds)) as { embedding: string }[];
  const seen = new Set<number>();
  const out: Embedding[] = [];
  for (const row of rows) {
    const parsed = EmbeddingSchema.safeParse(JSON.parse(row.embedding));
    if (!parsed.success || seen.has(parsed.data.runId)) continue;
    seen.add(parsed.data.runId);
    out.push(parsed.data);
  }
  return out;
}
