import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../../src-main/store/db';
import { MIGRATIONS } from '../../../src-main/store/migrations';
import {
  findModelByFileHash,
  findModelsByHashPrefix,
  insertModel,
  listModels,
  updateModel,
} from '../../../src-main/store/models';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

/** Issue 13: migration 009 adds the imported models to a version-8 workspace, losing nothing. */
describe('migration 009 (models)', () => {
  it('adds the models table to a version-8 workspace and keeps its rows', () => {
    const file = join(tempDir(), 'transferlab.sqlite');
    const v8 = new Database(file);
    v8.exec(
      `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
    );
    for (const migration of MIGRATIONS.slice(0, 8)) {
      migration.up(v8);
      v8.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        'then',
      );
    }
    v8.exec(
      `INSERT INTO datasets VALUES (1, 'digits', 'builtin', 'h', 1, '[1]', '[0]', '{}', '{}', 'now')`,
    );
    v8.close();

    const db = openDb(file);
    try {
      expect(db.prepare('SELECT name FROM datasets').all()).toEqual([{ name: 'digits' }]);
      expect(listModels(db)).toEqual([]);
      const model = insertModel(db, {
        name: 'cnn',
        format: 'onnx',
        fileHash: 'ab'.repeat(32),
        weightsHash: 'cd'.repeat(32),
        dir: '/w/models/imported/cd',
        bytes: 1234,
        producer: 'pytorch 1.13.0',
        operators: ['Conv', 'Gemm'],
        parameters: 10,
        input: { shape: [28, 28, 1], scaling: { kind: 'standardise', mean: [0.5], std: [0.25] } },
        featureLayer: 'hidden_1',
        featureSize: 4,
        outputUnits: 10,
        layers: [
          {
            name: 'hidden_1',
            className: 'Flatten',
            outputShape: [4],
            parameters: 0,
            role: 'features',
            canBeFeatures: true,
          },
        ],
        provenance: { file: 'cnn.onnx', opset: 13, notes: [] },
      });
      expect(model).toMatchObject({ id: 1, runs: 0, input: { shape: [28, 28, 1] } });
      expect(findModelByFileHash(db, 'ab'.repeat(32))?.id).toBe(1);
      expect(findModelsByHashPrefix(db, 'ABAB').map((m) => m.id)).toEqual([1]);
      updateModel(db, 1, {
        name: 'renamed',
        input: { shape: [28, 28, 1], scaling: { kind: 'unit' } },
      });
      expect(listModels(db)[0]).toMatchObject({
        name: 'renamed',
        input: { scaling: { kind: 'unit' } },
      });
      // One row per imported file.
      expect(() => insertModel(db, { ...model, name: 'other', layers: model.layers })).toThrow(
        /UNIQUE constraint failed: models.file_hash/,
      );
    } finally {
      db.close();
    }
  });
});
