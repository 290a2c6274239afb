import type { Migration } from './index';

/**
 * Imported models (issue 13): weights trained elsewhere (ONNX, the tfjs layers format), stored
 * once by the hash of the file(s) they came from, converted to a canonical tfjs model under
 * `models/imported/<weights_hash>/`, with provenance, the input contract and the feature layer.
 */
export const migration009: Migration = {
  version: 9,
  name: 'models',
  up(db) {
    db.exec(`
      CREATE TABLE models (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        format TEXT NOT NULL CHECK (format IN ('onnx', 'tfjs')),
        file_hash TEXT NOT NULL UNIQUE,       -- sha256 of what was imported
        weights_hash TEXT NOT NULL,           -- sha256 of the stored weights.bin
        dir TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        producer TEXT NOT NULL,
        operators TEXT NOT NULL,              -- JSON array
        parameters INTEGER NOT NULL,
        input TEXT NOT NULL,                  -- JSON InputContract
        feature_layer TEXT NOT NULL,
        feature_size INTEGER NOT NULL,
        output_units INTEGER NOT NULL,
        layers TEXT NOT NULL,                 -- JSON ModelLayer[] for the feature layer chosen
        provenance TEXT NOT NULL,             -- JSON {file, opset?, notes}
        created_at TEXT NOT NULL
      );
    `);
  },
};
