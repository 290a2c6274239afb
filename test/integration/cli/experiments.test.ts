import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openDb } from '../../../src-main/store/db';
import { finishRun, insertRun } from '../../../src-main/store/runs';
import { transferlabInProcess } from '../../helpers/cliInProcess';
import { useTempDirs } from '../../helpers/tempDir';
import { runConfig } from '../../unit/engine/fixtures';

/**
 * Issue 14, point 5 from the command line: `transferlab experiments [--archived]`, `archive`,
 * `unarchive` and `delete [--yes]`, which says what would go and refuses while a run is queued.
 */

const tempDir = useTempDirs();
const Listed = z.array(
  z.object({ id: z.int(), name: z.string(), archivedAt: z.string().nullable() }),
);

/** Experiment 1 "Done" with two completed runs; experiment 2 "Busy" with one queued run. */
function seed(w: string): { queued: number } {
  const db = openDb(join(w, 'transferlab.sqlite'));
  try {
    db.exec(`
      INSERT INTO datasets (id, name, kind, content_hash, samples, feature_shape, classes, locator, provenance, created_at)
        VALUES (1, 'd', 'imported', 'h', 1, '[1]', '[0]', '{}', '{}', 'now');
      INSERT INTO domains VALUES (1, 1, 'target', '{}', 'h1', 'now');
      INSERT INTO experiments (id, name, spec_input, spec, origin, created_at) VALUES
        (1, 'Done', '{}', '{}', 'in-process', '2026-01-01T00:00:00.000Z'),
        (2, 'Busy', '{}', '{}', 'in-process', '2026-01-02T00:00:00.000Z');
    `);
    const run = (experimentId: number, seed: number): number =>
      insertRun(db, {
        experimentId,
        kind: 'transfer',
        strategy: 'scratch',
        variant: 'scratch',
        domainId: 1,
        sourceDomainId: null,
        budget: 10,
        seed,
        config: runConfig(),
        configHash: `h${seed}`,
        dependsOn: null,
        epochs: 1,
      });
    finishRun(db, run(1, 1), 'completed');
    finishRun(db, run(1, 2), 'completed');
    return { queued: run(2, 3) };
  } finally {
    db.close();
  }
}

describe('transferlab experiments', () => {
  it('lists, archives, unarchives and deletes, refusing while a run is queued', async () => {
    const w = tempDir();
    const { queued } = seed(w);
    const ws = ['--workspace', w];
    const list = async (...extra: string[]) =>
      Listed.parse(
        JSON.parse((await transferlabInProcess('experiments', ...ws, '--json', ...extra)).stdout),
      );

    expect((await list()).map((e) => e.name)).toEqual(['Busy', 'Done']);
    const table = await transferlabInProcess('experiments', ...ws);
    expect(table.stdout).toMatch(/1 +│ Done +│ 2026-01-01 00:00 +│ 2 +│ 2 +│/);

    expect((await transferlabInProcess('experiments', 'archive', '1', ...ws)).code).toBe(0);
    expect((await list()).map((e) => e.name)).toEqual(['Busy']);
    const all = await list('--archived');
    expect(all.find((e) => e.id === 1)?.archivedAt).toMatch(/^\d{4}-/);
    expect((await transferlabInProcess('experiments', 'unarchive', '1', ...ws)).code).toBe(0);
    expect((await list()).map((e) => e.name)).toEqual(['Busy', 'Done']);

    // Without --yes: what would go, and nothing deleted.
    const dry = await transferlabInProcess('experiments', 'delete', '2', ...ws);
    expect(dry.code).toBe(1);
    expect(dry.stderr).toContain('Deleting experiment #2 “Busy” removes:');
    expect(dry.stderr).toContain(`Blocked: run #${queued} is queued (cancel it first).`);
    expect(dry.stderr).toContain('Nothing was deleted: add --yes to delete.');
    // With --yes, still refused while the run is queued.
    const refused = await transferlabInProcess('experiments', 'delete', '2', '--yes', ...ws);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('cancel them first. Nothing was deleted.');
    expect((await list()).map((e) => e.name)).toEqual(['Busy', 'Done']);

    const deleted = await transferlabInProcess(
      'experiments',
      'delete',
      '1',
      '--yes',
      '--json',
      ...ws,
    );
    expect(deleted.code).toBe(0);
    expect(JSON.parse(deleted.stdout)).toMatchObject({ deleted: true, experimentId: 1 });
    expect((await list()).map((e) => e.name)).toEqual(['Busy']);

    const missing = await transferlabInProcess('experiments', 'archive', '9', ...ws);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No experiment #9.');
  });
});
