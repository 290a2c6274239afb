import { createHash } from 'node:crypto';
import type { DomainSpec } from '../../src-shared/domain/experimentSpec';
import type { Db } from './db';
import { canonicalJson, nowIso } from './json';

/** Domains are stored once per distinct spec (same dataset, classes and split seed). */
export function ensureDomain(db: Db, datasetId: number, spec: DomainSpec): number {
  const key = canonicalJson({
    datasetId,
    dataset: spec.dataset,
    classes: spec.classes ?? null,
    splitSeed: spec.splitSeed,
    // Only when set, so the keys (and ids) of domains without them stay what they were.
    ...(spec.split !== undefined && spec.split !== 'random' ? { split: spec.split } : {}),
    ...(spec.samplesPerClass !== undefined ? { samplesPerClass: spec.samplesPerClass } : {}),
    ...(spec.transform !== undefined ? { transform: spec.transform } : {}),
  });
  const specHash = createHash('sha256').update(key).digest('hex');
  const found = db.prepare('SELECT id FROM domains WHERE spec_hash = ?').get(specHash) as
    { id: number } | undefined;
  if (found) return found.id;
  const info = db
    .prepare(
      'INSERT INTO domains (dataset_id, name, spec, spec_hash, created_at) VALUES (?, ?, ?, ?, ?)',
    )
    .run(datasetId, spec.name, JSON.stringify(spec), specHash, nowIso());
  return Number(info.lastInsertRowid);
}
