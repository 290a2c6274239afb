import type { RunAnnotations, RunUpdate } from '../../src-shared/rpc/history';
import { AppFailure } from '../../src-shared/result';
import { inTransaction, type Db } from './db';
import { nowIso } from './json';

/** Tags of many runs in one query (a page of up to 500 runs binds one JSON parameter). */
export function readTagsOf(db: Db, runIds: readonly number[]): Map<number, string[]> {
  const tags = new Map<number, string[]>();
  if (runIds.length === 0) return tags;
  const rows = db
    .prepare(
      `SELECT run_id, tag FROM run_tags WHERE run_id IN (SELECT value FROM json_each(?))
       ORDER BY run_id, tag`,
    )
    .all(JSON.stringify(runIds)) as { run_id: number; tag: string }[];
  for (const row of rows) {
    const list = tags.get(row.run_id);
    if (list) list.push(row.tag);
    else tags.set(row.run_id, [row.tag]);
  }
  return tags;
}

export function readAnnotations(db: Db, id: number): RunAnnotations | undefined {
  const row = db.prepare('SELECT notes, archived_at FROM runs WHERE id = ?').get(id) as
    { notes: string | null; archived_at: string | null } | undefined;
  if (!row) return undefined;
  return {
    notes: row.notes,
    tags: readTagsOf(db, [id]).get(id) ?? [],
    archivedAt: row.archived_at,
  };
}

/**
 * Edits what researchers write about a run: notes (empty clears them), its whole tag set, and
 * whether it is archived (hidden from History by default, kept with its data). Archiving an
 * archived run keeps its first archive time.
 */
export function updateRun(db: Db, u: RunUpdate): RunAnnotations {
  return inTransaction(db, () => {
    if (!db.prepare('SELECT 1 FROM runs WHERE id = ?').get(u.id)) {
      throw new AppFailure('not_found', `No run #${u.id}.`);
    }
    if (u.notes !== undefined) {
      db.prepare('UPDATE runs SET notes = ? WHERE id = ?').run(
        u.notes === '' ? null : u.notes,
        u.id,
      );
    }
    if (u.tags !== undefined) {
      db.prepare('DELETE FROM run_tags WHERE run_id = ?').run(u.id);
      const insert = db.prepare('INSERT OR IGNORE INTO run_tags (run_id, tag) VALUES (?, ?)');
      for (const tag of u.tags) insert.run(u.id, tag);
    }
    if (u.archived !== undefined) {
      db.prepare(
        'UPDATE runs SET archived_at = CASE WHEN ? THEN COALESCE(archived_at, ?) ELSE NULL END WHERE id = ?',
      ).run(u.archived ? 1 : 0, nowIso(), u.id);
    }
    const annotations = readAnnotations(db, u.id);
    if (!annotations) throw new AppFailure('not_found', `No run #${u.id}.`);
    return annotations;
  });
}
