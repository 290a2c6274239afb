import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrate } from './migrate';

export type Db = Database.Database;

export interface OpenDbOptions {
  /** A better-sqlite3 binary built for another runtime (the Electron-ABI copy in the app). */
  nativeBinding?: string;
}

/**
 * Opens (creating if needed) a workspace database: WAL so readers never wait on the writer,
 * foreign keys on (SQLite leaves them off by default), a busy timeout so a second process (the CLI
 * beside the app) waits for a write lock instead of failing, then the numbered migrations.
 */
export function openDb(file: string, options: OpenDbOptions = {}): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = options.nativeBinding
    ? new Database(file, { nativeBinding: options.nativeBinding })
    : new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    migrate(db);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/** Runs `fn` in one IMMEDIATE transaction: the write lock is taken up front, so two processes
 * claiming the same queued run cannot both read it as free. */
export function inTransaction<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}

const ROLLBACK = new Error('rolled back on purpose');

/**
 * Runs `fn` in a transaction that is always rolled back, and returns what it computed: for work
 * that must leave the workspace as it found it even though it writes on the way (a transferability
 * estimate resolves synthetic datasets, which registers them: store/datasetResolver.ts).
 */
export function withoutWriting<T>(db: Db, fn: () => T): T {
  const box: { value?: T } = {};
  try {
    db.transaction(() => {
      box.value = fn();
      throw ROLLBACK;
    })();
  } catch (e) {
    if (e !== ROLLBACK) throw e;
  }
  if (!('value' in box)) throw new Error('The rolled-back work produced nothing');
  return box.value as T;
}

const statements = new WeakMap<Db, Map<string, Database.Statement>>();

/**
 * A prepared statement, prepared once per connection: for writes on the hot path (one per
 * epoch of every run), where preparing the same SQL again cost more than running it (issue 12).
 */
export function cachedStatement(db: Db, sql: string): Database.Statement {
  let byText = statements.get(db);
  if (byText === undefined) {
    byText = new Map();
    statements.set(db, byText);
  }
  let statement = byText.get(sql);
  if (statement === undefined) {
    statement = db.prepare(sql);
    byText.set(sql, statement);
  }
  return statement;
}
