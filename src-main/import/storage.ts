import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppFailure } from '../../src-shared/result';
import { MANIFEST_FILE } from '../data/arrays';
import type { ArraysLocator } from '../data/locator';
import type { DatasetRecord, NewDataset } from '../store/datasets';
import { findImportedByContentHash, insertDataset, isDatasetNameTaken } from '../store/datasets';
import { inTransaction, type Db } from '../store/db';
import type { ReadOutcome } from './types';
import type { StagedArrays } from './writer';

/** What commit needs besides the staged arrays. */
export interface CommitInput {
  name: string;
  /** When the name was not chosen by the user, a free variant is picked (`name (2)`). */
  nameIsDefault: boolean;
  outcome: ReadOutcome;
  provenance: Record<string, string>;
}

/**
 * Moves a staged import into the workspace: the same content already imported is reused (the
 * staged copy is dropped, nothing new is stored); otherwise the staging folder is renamed to
 * <datasetsDir>/<contentHash> (atomic on one file system) and the row inserted in one
 * transaction. A failed insert removes the folder again, so nothing partial stays behind.
 */
export function commitStaged(
  db: Db,
  datasetsDir: string,
  staged: StagedArrays,
  input: CommitInput,
): { dataset: DatasetRecord; reused: boolean } {
  const existing = findImportedByContentHash(db, staged.contentHash);
  if (existing) {
    rmSync(staged.dir, { recursive: true, force: true });
    return { dataset: existing, reused: true };
  }
  writeFileSync(
    join(staged.dir, MANIFEST_FILE),
    `${JSON.stringify(
      {
        format: 'transferlab-arrays/v1',
        contentHash: staged.contentHash,
        featureShape: staged.featureShape,
        rows: staged.rows,
        testFrom: staged.testFrom ?? null,
        classCounts: staged.classCounts,
        featureNames: input.outcome.featureNames ?? null,
        classNames: input.outcome.classNames ?? null,
      },
      null,
      2,
    )}\n`,
  );
  const dir = join(datasetsDir, staged.contentHash);
  // A folder left by a dataset whose row was deleted while its files could not be: replaced,
  // since it may be incomplete.
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  renameSync(staged.dir, dir);
  const locator: ArraysLocator = {
    kind: 'arrays',
    dir,
    featureShape: staged.featureShape,
    rows: staged.rows,
    ...(staged.testFrom !== undefined ? { testFrom: staged.testFrom } : {}),
    contentHash: staged.contentHash,
    scale: input.outcome.scale,
    standardize: input.outcome.standardize,
  };
  try {
    const dataset = inTransaction(db, () => {
      const record: NewDataset = {
        name: freeName(db, input.name, input.nameIsDefault),
        kind: 'imported',
        contentHash: staged.contentHash,
        samples: staged.rows,
        featureShape: staged.featureShape,
        classes: staged.classCounts.map((c) => c.label),
        locator,
        provenance: input.provenance,
      };
      return insertDataset(db, record);
    });
    return { dataset, reused: false };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

function freeName(db: Db, name: string, pickAnother: boolean): string {
  const taken = (n: string): boolean => isDatasetNameTaken(db, n);
  if (!taken(name)) return name;
  if (!pickAnother) {
    throw new AppFailure(
      'conflict',
      `A dataset named "${name}" already exists in this workspace; choose another name.`,
    );
  }
  for (let i = 2; ; i++) if (!taken(`${name} (${i})`)) return `${name} (${i})`;
}
