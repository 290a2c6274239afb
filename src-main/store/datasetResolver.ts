import { createHash } from 'node:crypto';
import type { DatasetRef, SyntheticDataset } from '../../src-shared/domain/experimentSpec';
import { AppFailure } from '../../src-shared/result';
import { findDatasetByName, upsertDataset, type DatasetRecord } from './datasets';
import type { Db } from './db';
import { canonicalJson } from './json';

/** The stable name of a synthetic dataset: its generator and every parameter. */
export function syntheticName(p: SyntheticDataset): string {
  return `synthetic:${p.generator}(d=${p.features},n=${p.samples},task=${p.taskSeed},angle=${p.angleDeg},noise=${p.noise})`;
}

/**
 * Turns a spec's dataset reference into a workspace dataset. Synthetic datasets are registered on
 * first use; their content is a pure function of the parameters, so the hash is of those.
 */
export function resolveDataset(db: Db, ref: DatasetRef): DatasetRecord {
  if (typeof ref === 'string') {
    const found = findDatasetByName(db, ref);
    if (!found) {
      throw new AppFailure('not_found', `No dataset named "${ref}" in this workspace.`, [
        { path: 'dataset', message: `"${ref}" is not a known dataset` },
      ]);
    }
    return found;
  }
  const contentHash = createHash('sha256')
    .update(`linear-binary/v1 ${canonicalJson(ref)}`)
    .digest('hex');
  return upsertDataset(db, {
    name: syntheticName(ref),
    kind: 'synthetic',
    contentHash,
    samples: ref.samples,
    featureShape: [ref.features],
    classes: [0, 1],
    locator: { kind: 'synthetic', params: ref },
    provenance: { generator: 'linear-binary v1', note: 'x ~ N(0, I), y = 1[w·x + noise·ε > 0]' },
  });
}
