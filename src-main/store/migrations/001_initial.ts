import type { Migration } from './index';

/** The foundation schema: datasets, domains, experiments, runs, per-epoch metrics, source models. */
export const migration001: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE datasets (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL CHECK (kind IN ('builtin', 'synthetic', 'imported')),
        content_hash TEXT NOT NULL,
        samples INTEGER NOT NULL,
        feature_shape TEXT NOT NULL,  -- JSON array
        classes TEXT NOT NULL,        -- JSON array of the original labels
        locator TEXT NOT NULL,        -- JSON: how a trainer reads the arrays
        provenance TEXT NOT NULL,     -- JSON object of strings
        created_at TEXT NOT NULL
      );

      -- A view of a dataset (class subset, split seed), stored once per distinct spec.
      CREATE TABLE domains (
        id INTEGER PRIMARY KEY,
        dataset_id INTEGER NOT NULL REFERENCES datasets(id),
        name TEXT NOT NULL,
        spec TEXT NOT NULL,           -- JSON DomainSpec
        spec_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
      );

      CREATE TABLE experiments (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        spec_input TEXT NOT NULL,     -- the spec exactly as given
        spec TEXT NOT NULL,           -- with every default applied
        origin TEXT NOT NULL,         -- electron | websocket | in-process
        created_at TEXT NOT NULL
      );

      -- Which domains an experiment uses, and in which role.
      CREATE TABLE experiment_domains (
        experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
        domain_id INTEGER NOT NULL REFERENCES domains(id),
        role TEXT NOT NULL CHECK (role IN ('source', 'target')),
        PRIMARY KEY (experiment_id, domain_id, role)
      ) WITHOUT ROWID;

      CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('source', 'transfer')),
        strategy TEXT NOT NULL,
        domain_id INTEGER NOT NULL REFERENCES domains(id),        -- the domain trained on
        source_domain_id INTEGER REFERENCES domains(id),          -- transferred from
        budget TEXT NOT NULL,                                     -- JSON: number or "all"
        seed INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN
          ('queued', 'running', 'completed', 'failed', 'cancelled', 'crashed', 'diverged')),
        config TEXT NOT NULL,                                     -- JSON ResolvedRunConfig
        config_hash TEXT NOT NULL,
        depends_on INTEGER REFERENCES runs(id),                   -- the source run it starts from
        epochs INTEGER NOT NULL,
        epochs_done INTEGER NOT NULL DEFAULT 0,
        backend TEXT,
        environment TEXT,                                         -- JSON RunEnvironment
        data_hash TEXT,
        final_metrics TEXT,                                       -- JSON
        error TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        owner TEXT,                                               -- process executing it
        cancel_requested INTEGER NOT NULL DEFAULT 0,
        heartbeat_at TEXT,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT
      );
      CREATE INDEX runs_experiment ON runs (experiment_id);
      CREATE INDEX runs_status ON runs (status);
      CREATE INDEX runs_config_hash ON runs (config_hash);
      CREATE INDEX runs_depends_on ON runs (depends_on);

      -- Weights trained on a source domain by a source run, stored as files under models/<hash>/.
      CREATE TABLE source_models (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL UNIQUE REFERENCES runs(id) ON DELETE CASCADE,
        domain_id INTEGER NOT NULL REFERENCES domains(id),
        weights_hash TEXT NOT NULL,
        dir TEXT NOT NULL,
        created_at TEXT NOT NULL
      );

      -- better-sqlite3 stores NaN as NULL; 'nonfinite' keeps which non-finite value it was.
      CREATE TABLE metrics (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        epoch INTEGER NOT NULL,
        name TEXT NOT NULL,
        value REAL,
        nonfinite TEXT CHECK (nonfinite IN ('nan', 'inf', '-inf')),
        elapsed_s REAL NOT NULL,
        PRIMARY KEY (run_id, epoch, name)
      ) WITHOUT ROWID;
    `);
  },
};
