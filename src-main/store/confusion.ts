import { z } from 'zod';
import { domainClassTexts, type NamedClasses } from '../../src-shared/domain/classNames';
import type { DatasetRef } from '../../src-shared/domain/experimentSpec';
import { ResolvedRunConfigSchema } from '../../src-shared/domain/runs';
import type { ConfusionMatrix } from '../../src-shared/rpc/compare';
import { AppFailure } from '../../src-shared/result';
import { findDatasetByName } from './datasets';
import type { Db } from './db';
import { readJson } from './json';

const MatrixSchema = z.array(z.array(z.int().nonnegative()));

/**
 * A run's confusion matrix on its test split (written by finishRun), labelled with the classes
 * its domain kept, in the order the domain relabelled them 0..k−1: by their names where the
 * dataset has them (issue 14: Fashion-MNIST 5–9's class 0 is "Sandal"), else the original labels.
 */
export function readConfusion(db: Db, runId: number): ConfusionMatrix | null {
  const row = db.prepare('SELECT confusion, config FROM runs WHERE id = ?').get(runId) as
    { confusion: string | null; config: string } | undefined;
  if (!row) throw new AppFailure('not_found', `No run #${runId}.`);
  if (row.confusion === null) return null;
  const matrix = readJson(MatrixSchema, row.confusion, `confusion matrix of run #${runId}`);
  const config = readJson(ResolvedRunConfigSchema, row.config, 'run config');
  const texts = domainClassTexts(datasetClasses(db, config.domain.dataset), config.domain.classes);
  const labels = matrix.map((_, i) => texts[i] ?? String(i));
  return { runId, labels, matrix };
}

/** A run's dataset's classes and names; a synthetic one's are 0 and 1, a deleted one's unknown. */
function datasetClasses(db: Db, ref: DatasetRef): NamedClasses {
  if (typeof ref !== 'string') return { classes: [0, 1] };
  return findDatasetByName(db, ref) ?? { classes: [] };
}
