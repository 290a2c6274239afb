import { describe, expect, it } from 'vitest';
import { listExperiments, setExperimentArchived } from '../../../src-main/store/experiments';
import { AppFailure } from '../../../src-shared/result';
import { historyWorkspace } from '../../helpers/historyWorkspace';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

describe('setExperimentArchived', () => {
  it('archives and unarchives, keeping the first archive time and every run', () => {
    const { db } = historyWorkspace(tempDir());
    const archivedAt = (id: number): string | null | undefined =>
      listExperiments(db).find((e) => e.id === id)?.archivedAt;
    expect(archivedAt(1)).toBeNull();

    setExperimentArchived(db, 1, true);
    const first = archivedAt(1);
    expect(first).toMatch(/^\d{4}-\d\d-\d\dT/);
    db.prepare('UPDATE experiments SET archived_at = ? WHERE id = 1').run('2025-01-01T00:00:00Z');
    setExperimentArchived(db, 1, true);
    expect(archivedAt(1)).toBe('2025-01-01T00:00:00Z');
    expect(archivedAt(2)).toBeNull();
    // Archived, it keeps its runs.
    expect(listExperiments(db, 1)[0]?.totalRuns).toBe(2);

    setExperimentArchived(db, 1, false);
    expect(archivedAt(1)).toBeNull();

    expect(() => {
      setExperimentArchived(db, 99, true);
    }).toThrow(AppFailure);
    db.close();
  });
});
