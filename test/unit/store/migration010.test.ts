import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../../src-main/store/db';
import { MIGRATIONS } from '../../../src-main/store/migrations';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

/** Issue 14: run_transferability gains the feature width and the H-score's shrinkage, nullable. */
describe('migration 010 (transferability shrinkage)', () => {
  it('adds two nullable columns to run_transferability', () => {
    const db = openDb(join(tempDir(), 'w.sqlite'));
    try {
      expect(MIGRATIONS.find((m) => m.version === 10)?.name).toBe('transferability_shrinkage');
      const columns = db.prepare('PRAGMA table_info(run_transferability)').all() as {
        name: string;
        notnull: number;
      }[];
      expect(columns.filter((c) => ['features', 'h_score_shrinkage'].includes(c.name))).toEqual([
        expect.objectContaining({ name: 'features', notnull: 0 }),
        expect.objectContaining({ name: 'h_score_shrinkage', notnull: 0 }),
      ]);
    } finally {
      db.close();
    }
  });
});
