import { z } from 'zod';
import { MAX_SAVED_VIEWS, SavedViewSchema, type SavedView } from '../../src-shared/rpc/history';
import { AppFailure } from '../../src-shared/result';
import { inTransaction, type Db } from './db';

/**
 * Saved views of the Runs grid (issue 14), one JSON list in the workspace's `settings` table
 * (migration 008): a handful of small records needs no table of its own, and a list read whole
 * keeps their order (the order they were first saved in).
 */
const KEY = 'runs_saved_views';

const ViewListSchema = z.array(SavedViewSchema);

export function listSavedViews(db: Db): SavedView[] {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(KEY) as
    { value: string } | undefined;
  if (!row) return [];
  // A list written by a later version with fields this one does not know is kept out of reach
  // rather than half-read: the views are there again when that version opens the workspace.
  const parsed = ViewListSchema.safeParse(JSON.parse(row.value));
  return parsed.success ? parsed.data : [];
}

function writeViews(db: Db, views: readonly SavedView[]): void {
  db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)').run(
    KEY,
    JSON.stringify(views),
  );
}

/** Saves a view; a view with the same name (ignoring case) is replaced in its place. */
export function saveView(db: Db, view: SavedView): SavedView {
  return inTransaction(db, (): SavedView => {
    const views = listSavedViews(db);
    const at = views.findIndex((v) => v.name.toLowerCase() === view.name.toLowerCase());
    if (at >= 0) views[at] = view;
    else if (views.length >= MAX_SAVED_VIEWS) {
      throw new AppFailure(
        'invalid_input',
        `A workspace keeps at most ${MAX_SAVED_VIEWS} views: delete one to save another.`,
      );
    } else views.push(view);
    writeViews(db, views);
    return view;
  });
}

export function deleteView(db: Db, name: string): boolean {
  return inTransaction(db, (): boolean => {
    const views = listSavedViews(db);
    const kept = views.filter((v) => v.name.toLowerCase() !== name.toLowerCase());
    if (kept.length === views.length) return false;
    writeViews(db, kept);
    return true;
  });
}
