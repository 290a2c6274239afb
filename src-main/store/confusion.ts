import { z } from 'zod';
import { ResolvedRunConfigSchema } from '../../src-shared/domain/runs';
import type { ConfusionMatrix } from '../../src-shared/rpc/compare';
import { AppFailure } from '../../src-shared/result';
import type { Db } from './db';
import { readJson } from './json';

const MatrixSchema = z.array(z.array(z.int().nonnegative()));

/**
 * A run's confusion matrix on its test split (written by finishRun), labelled with the original
 * classes its domain kept, in the order the domain relabelled them 0..k−1.
 */
export function readConfusion(db: Db, runId: number): ConfusionMatrix | null {
  const row = db.prepare('SELECT confusion, config FROM runs WHERE id = ?').get(runId) as
    { confusion: string | null; config: string } | undefined;
  if (!row) throw new AppFailure('not_found', `No run #${runId}.`);
  if (row.confusion === null) return null;
  const matrix = readJson(MatrixSchema, row.confusion, `confusion matrix of run #${runId}`);
  const config = readJson(ResolvedRunConfigSchema, row.config, 'run config');
  const classes = config.domain.classes;
  const labels = matrix.map((_, i) => String(classes?.[i] ?? i));
  return { runId, labels, matrix };
}
