import { z } from 'zod';
import type { DatasetSummary } from '../../src-shared/domain/datasets';
import { DataLocatorSchema, type DataLocator } from '../data/locator';
import { recordedClassNames } from './classNames';
import type { Db } from './db';
import { nowIso, readJson } from './json';

export interface DatasetRecord extends DatasetSummary {
  locator: DataLocator;
}

export interface NewDataset {
  name: string;
  kind: DatasetSummary['kind'];
  contentHash: string;
  samples: number;
  featureShape: number[];
  classes: number[];
  locator: DataLocator;
  provenance: Record<string, string>;
}

interface DatasetRow {
  id: number;
  name: string;
  kind: DatasetSummary['kind'];
  content_hash: string;
  samples: number;
  feature_shape: string;
  classes: string;
  locator: string;
  provenance: string;
  created_at: string;
}

const IntArray = z.array(z.int());
const StringMap = z.record(z.string(), z.string());

function fromRow(row: DatasetRow): DatasetRecord {
  const record: DatasetRecord = {
    id: row.id,
    name: row.name,
    kind: row.kind,
    contentHash: row.content_hash,
    samples: row.samples,
    featureShape: readJson(IntArray, row.feature_shape, 'dataset shape'),
    classes: readJson(IntArray, row.classes, 'dataset classes'),
    locator: readJson(DataLocatorSchema, row.locator, 'dataset locator'),
    provenance: readJson(StringMap, row.provenance, 'dataset provenance'),
    createdAt: row.created_at,
  };
  // Derived from what the row keeps (no column of its own), so older workspaces are named too.
  const classNames = recordedClassNames(record);
  return classNames === undefined ? record : { ...record, classNames };
}

export function listDatasets(db: Db): DatasetRecord[] {
  const rows = db.prepare('SELECT * FROM datasets ORDER BY name').all() as DatasetRow[];
  return rows.map(fromRow);
}

export function findDatasetByName(db: Db, name: string): DatasetRecord | undefined {
  const row = db.prepare('SELECT * FROM datasets WHERE name = ?').get(name) as
    DatasetRow | undefined;
  return row ? fromRow(row) : undefined;
}

/** Inserts the dataset, or returns the existing one of the same name and content. */
export function upsertDataset(db: Db, d: NewDataset): DatasetRecord {
  const existing = findDatasetByName(db, d.name);
  if (existing) {
    if (existing.contentHash !== d.contentHash) {
      throw new Error(
        `Dataset "${d.name}" already exists in this workspace with different content ` +
          `(${existing.contentHash.slice(0, 12)} ≠ ${d.contentHash.slice(0, 12)}).`,
      );
    }
    return existing;
  }
  return insertDataset(db, d);
}

/**
 * Upserts every dataset in one transaction (the built-ins, registered each time a workspace
 * opens). Deferred, not IMMEDIATE: when they are already there (every open but the first) it
 * only reads, so opening a workspace does not wait for another process's write lock.
 */
export function upsertDatasets(db: Db, datasets: Iterable<NewDataset>): void {
  db.transaction(() => {
    for (const d of datasets) upsertDataset(db, d);
  })();
}

/** Whether a dataset of this name exists (names are UNIQUE in the workspace). */
export function isDatasetNameTaken(db: Db, name: string): boolean {
  return db.prepare('SELECT 1 FROM datasets WHERE name = ?').get(name) !== undefined;
}

/** The first dataset of this content, of any kind (a bundle's datasets are matched this way). */
export function findDatasetIdByContentHash(
  db: Db,
  contentHash: string,
): { id: number; name: string } | undefined {
  return db
    .prepare('SELECT id, name FROM datasets WHERE content_hash = ? ORDER BY id LIMIT 1')
    .get(contentHash) as { id: number; name: string } | undefined;
}

/** The public summary (the locator holds local paths the UI does not need). */
export function toSummary(d: DatasetRecord): DatasetSummary {
  return {
    id: d.id,
    name: d.name,
    kind: d.kind,
    contentHash: d.contentHash,
    samples: d.samples,
    featureShape: d.featureShape,
    classes: d.classes,
    ...(d.classNames !== undefined ? { classNames: d.classNames } : {}),
    provenance: d.provenance,
    createdAt: d.createdAt,
  };
}

export function findDatasetById(db: Db, id: number): DatasetRecord | undefined {
  const row = db.prepare('SELECT * FROM datasets WHERE id = ?').get(id) as DatasetRow | undefined;
  return row ? fromRow(row) : undefined;
}

/** An imported dataset with this content (content-addressed storage: one copy per content). */
export function findImportedByContentHash(db: Db, contentHash: string): DatasetRecord | undefined {
  const row = db
    .prepare(
      "SELECT * FROM datasets WHERE kind = 'imported' AND content_hash = ? ORDER BY id LIMIT 1",
    )
    .get(contentHash) as DatasetRow | undefined;
  return row ? fromRow(row) : undefined;
}

/** Inserts a new dataset; its name must be free (the UNIQUE constraint says so otherwise). */
export function insertDataset(db: Db, d: NewDataset): DatasetRecord {
  const info = db
    .prepare(
      `INSERT INTO datasets (name, kind, content_hash, samples, feature_shape, classes, locator, provenance, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      d.name,
      d.kind,
      d.contentHash,
      d.samples,
      JSON.stringify(d.featureShape),
      JSON.stringify(d.classes),
      JSON.stringify(d.locator),
      JSON.stringify(d.provenance),
      nowIso(),
    );
  const created = findDatasetById(db, Number(info.lastInsertRowid));
  if (!created) throw new Error(`Dataset ${d.name} vanished after insert`);
  return created;
}

/** How many domains (and so experiments) use the dataset: it cannot be deleted while any do. */
export function domainsUsingDataset(db: Db, id: number): { domains: number; experiments: number } {
  const row = db
    .prepare(
      `SELECT COUNT(DISTINCT d.id) AS domains, COUNT(DISTINCT ed.experiment_id) AS experiments
       FROM domains d LEFT JOIN experiment_domains ed ON ed.domain_id = d.id
       WHERE d.dataset_id = ?`,
    )
    .get(id) as { domains: number; experiments: number };
  return row;
}

export function deleteDatasetRow(db: Db, id: number): boolean {
  return db.prepare('DELETE FROM datasets WHERE id = ?').run(id).changes > 0;
}
