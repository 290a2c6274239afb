import type { TransferabilityProbeScores } from '../../src-shared/domain/runs';
import type { Db } from './db';
import { nowIso } from './json';

export function recordTransferability(
  db: Db,
  runId: number,
  scores: TransferabilityProbeScores,
  samples: number,
): void {
  db.prepare(
    `INSERT OR REPLACE INTO run_transferability
       (run_id, leep, nce, h_score, log_me, samples, features, h_score_shrinkage, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    runId,
    scores.leep,
    scores.nce,
    scores.hScore,
    scores.logMe,
    samples,
    scores.features ?? null,
    scores.hScoreShrinkage ?? null,
    nowIso(),
  );
}

export function readTransferability(
  db: Db,
  runId: number,
): (TransferabilityProbeScores & { samples: number }) | null {
  const row = db
    .prepare(
      `SELECT leep, nce, h_score, log_me, samples, features, h_score_shrinkage
         FROM run_transferability WHERE run_id = ?`,
    )
    .get(runId) as
    | {
        leep: number;
        nce: number;
        h_score: number;
        log_me: number;
        samples: number;
        features: number | null;
        h_score_shrinkage: number | null;
      }
    | undefined;
  if (!row) return null;
  return {
    leep: row.leep,
    nce: row.nce,
    hScore: row.h_score,
    logMe: row.log_me,
    samples: row.samples,
    ...(row.features === null ? {} : { features: row.features }),
    ...(row.h_score_shrinkage === null ? {} : { hScoreShrinkage: row.h_score_shrinkage }),
  };
}

export interface TransferabilityItemRow {
  run_id: number;
  strategy: string;
  variant: string;
  source_name: string | null;
  target_name: string;
  budget: string;
  seed: number;
  leep: number;
  nce: number;
  h_score: number;
  log_me: number;
  /** NULL: scored before issue 14, with Bao's original (unshrunk) H-score. */
  h_score_shrinkage: number | null;
  test_acc: number | null;
  scratch_test_acc: number | null;
}

/**
 * Every scored run of an experiment with its test accuracy and that of the scratch run on the
 * same target, budget and seed (the gain's baseline), in one query. The baseline is scratch only
 * when the experiment has one scratch variant (several would make "the" baseline ambiguous), and
 * its newest completed run of that seed (a re-run replaces its original, as in Compare).
 */
export function experimentTransferability(db: Db, experimentId: number): TransferabilityItemRow[] {
  return db
    .prepare(
      `WITH scratch AS (
         SELECT MIN(variant) AS variant FROM runs
         WHERE experiment_id = ? AND strategy = 'scratch'
         HAVING COUNT(DISTINCT variant) = 1
       )
       SELECT r.id AS run_id, r.strategy, r.variant, s.name AS source_name, d.name AS target_name,
              r.budget, r.seed, t.leep, t.nce, t.h_score, t.log_me, t.h_score_shrinkage,
              json_extract(r.final_metrics, '$.test_acc') AS test_acc,
              (SELECT json_extract(b.final_metrics, '$.test_acc') FROM runs b
               WHERE b.experiment_id = r.experiment_id AND b.variant = (SELECT variant FROM scratch)
                 AND b.strategy = 'scratch' AND b.domain_id = r.domain_id AND b.budget = r.budget
                 AND b.seed = r.seed AND b.status = 'completed'
               ORDER BY b.id DESC LIMIT 1) AS scratch_test_acc
       FROM run_transferability t
       JOIN runs r ON r.id = t.run_id
       JOIN domains d ON d.id = r.domain_id
       LEFT JOIN domains s ON s.id = r.source_domain_id
       WHERE r.experiment_id = ?
       ORDER BY r.id`,
    )
    .all(experimentId, experimentId) as TransferabilityItemRow[];
}
