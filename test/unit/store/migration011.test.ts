import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../../src-main/store/db';
import { MIGRATIONS } from '../../../src-main/store/migrations';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

/** Issue 14, point 3: the embedding cache, one row per run and settings key, gone with its run. */
describe('migration 011 (embeddings)', () => {
  it('creates run_embeddings keyed by run and settings, cascading from runs', () => {
    const db = openDb(join(tempDir(), 'w.sqlite'));
    try {
      expect(MIGRATIONS.find((m) => m.version === 11)?.name).toBe('embeddings');
      const columns = db.prepare('PRAGMA table_info(run_embeddings)').all() as {
        name: string;
        notnull: number;
        pk: number;
      }[];
      expect(columns.map((c) => [c.name, c.notnull, c.pk])).toEqual([
        ['run_id', 1, 1],
        ['settings', 1, 2],
        ['embedding', 1, 0],
        ['created_at', 1, 0],
      ]);
      const keys = db.prepare('PRAGMA foreign_key_list(run_embeddings)').all() as {
        table: string;
        on_delete: string;
      }[];
      expect(keys).toEqual([expect.objectContaining({ table: 'runs', on_delete: 'CASCADE' })]);
    } finally {
      db.close();
    }
  });
});
