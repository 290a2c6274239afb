import { describe, expect, it } from 'vitest';
import { insertEpoch } from '../../../src-main/store/metrics';
import { updateRun } from '../../../src-main/store/runAnnotations';
import { clearProgress, requeueRuns } from '../../../src-main/store/queue';
import { RunUpdateInputSchema } from '../../../src-shared/rpc/history';
import { historyWorkspace } from '../../helpers/historyWorkspace';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

describe('runs.update', () => {
  it('round-trips notes, tags and archiving through runs.query', () => {
    const { db, ids, query, letters } = historyWorkspace(tempDir());
    const update = (input: unknown): ReturnType<typeof updateRun> =>
      updateRun(db, RunUpdateInputSchema.parse(input));

    const edited = update({
      id: ids.B,
      notes: 'Baseline for the paper',
      tags: [' seed-1 ', 'paper'],
    });
    expect(edited).toEqual({
      notes: 'Baseline for the paper',
      tags: ['paper', 'seed-1'],
      archivedAt: null,
    });
    const row = query({ search: 'for the paper' }).rows[0];
    expect(row).toMatchObject({
      id: ids.B,
      notes: 'Baseline for the paper',
      tags: ['paper', 'seed-1'],
    });
    expect(letters({ tags: ['paper', 'seed-1'] })).toEqual(['B']);
    expect(letters({ tags: ['paper', 'other'] })).toEqual([]);

    // Only the fields given change; tags are replaced as a set; empty notes clear them.
    expect(update({ id: ids.B, tags: ['final', 'final'] })).toMatchObject({
      notes: 'Baseline for the paper',
      tags: ['final'],
    });
    expect(update({ id: ids.B, notes: '' }).notes).toBeNull();

    const archived = update({ id: ids.A, archived: true });
    expect(archived.archivedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(update({ id: ids.A, archived: true }).archivedAt).toBe(archived.archivedAt);
    expect(letters({})).toEqual(['D', 'C', 'B']);
    expect(query({}).total).toBe(3);
    expect(letters({ archived: 'only' })).toEqual(['A']);
    expect(letters({ archived: 'include' })).toEqual(['D', 'C', 'B', 'A']);
    expect(update({ id: ids.A, archived: false }).archivedAt).toBeNull();
    expect(letters({})).toEqual(['D', 'C', 'B', 'A']);

    expect(() => update({ id: 999 })).toThrow('No run #999.');
    expect(RunUpdateInputSchema.safeParse({ id: ids.A, tags: [''] }).success).toBe(false);
    db.close();
  });
});

describe('run_metric_summary upkeep', () => {
  it('matches an aggregate of the metrics table, and is cleared when a run is re-queued', () => {
    const { db, ids } = historyWorkspace(tempDir());
    const summary = db
      .prepare(
        'SELECT run_id, name, last_epoch, last, min, max FROM run_metric_summary ORDER BY run_id, name',
      )
      .all();
    const recomputed = db
      .prepare(
        `SELECT run_id, name, MAX(epoch) AS last_epoch,
           (SELECT value FROM metrics l WHERE l.run_id = m.run_id AND l.name = m.name ORDER BY epoch DESC LIMIT 1) AS last,
           MIN(value) AS min, MAX(value) AS max
         FROM metrics m GROUP BY run_id, name ORDER BY run_id, name`,
      )
      .all();
    expect(summary).toEqual(recomputed);
    expect(summary).toHaveLength(6);

    // A running run's committed epochs stay when its process dies and it is re-queued (it may
    // resume from them); they and their summaries go when it restarts from the start.
    db.prepare(`UPDATE runs SET status = 'running', owner = 'gone', attempts = 1 WHERE id = ?`).run(
      ids.D,
    );
    insertEpoch(db, ids.D, 1, { val_acc: 0.4 }, 1);
    expect(
      db.prepare('SELECT COUNT(*) AS n FROM run_metric_summary WHERE run_id = ?').get(ids.D),
    ).toEqual({ n: 1 });
    requeueRuns(db, ['gone']);
    expect(
      db.prepare('SELECT COUNT(*) AS n FROM run_metric_summary WHERE run_id = ?').get(ids.D),
    ).toEqual({ n: 1 });
    clearProgress(db, ids.D);
    expect(
      db.prepare('SELECT COUNT(*) AS n FROM run_metric_summary WHERE run_id = ?').get(ids.D),
    ).toEqual({ n: 0 });
    db.close();
  });
});
