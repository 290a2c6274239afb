import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../../src-main/store/db';
import { deleteView, listSavedViews, saveView } from '../../../src-main/store/savedViews';
import { SavedViewSchema, type SavedView } from '../../../src-shared/rpc/history';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

const view = (name: string, query = 'strategy:fine-tune test_acc>90'): SavedView => ({
  name,
  query,
  columns: { metrics: [{ name: 'val_loss', mode: 'min' }], params: ['training.learningRate'] },
  metric: { name: 'test_acc', mode: 'last' },
  sort: { by: 'metric', dir: 'desc' },
});

describe('saved views of the Runs grid', () => {
  it('saves, lists in saving order, replaces by name ignoring case, and deletes', () => {
    const path = join(tempDir(), 'w.sqlite');
    const db = openDb(path);
    expect(listSavedViews(db)).toEqual([]);
    saveView(db, view('Budget 10'));
    saveView(db, view('Shifted sources', 'source:rot20'));
    saveView(db, view('budget 10', 'budget:10'));
    expect(listSavedViews(db).map((v) => [v.name, v.query])).toEqual([
      ['budget 10', 'budget:10'],
      ['Shifted sources', 'source:rot20'],
    ]);
    expect(deleteView(db, 'SHIFTED SOURCES')).toBe(true);
    expect(deleteView(db, 'nothing')).toBe(false);
    db.close();
    // Kept in the workspace's database: another connection reads them.
    const again = openDb(path);
    expect(listSavedViews(again)).toEqual([view('budget 10', 'budget:10')]);
    again.close();
  });

  it('refuses a view whose parameter path or sort key is not one the store knows', () => {
    expect(
      SavedViewSchema.safeParse({
        ...view('x'),
        columns: { metrics: [], params: ['x; DROP'] },
      }).success,
    ).toBe(false);
    expect(
      SavedViewSchema.safeParse({ ...view('x'), sort: { by: 'notes', dir: 'asc' } }).success,
    ).toBe(false);
  });
});
