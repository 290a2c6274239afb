import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../../src-main/store/db';
import { appendRunLog, readRunLog, RUN_LOG_CAP } from '../../../src-main/store/runLogs';
import { runConfig } from '../engine/fixtures';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

/** A workspace at the latest migration with runs 1 and 2 (attempts 1 and 2). */
function workspace() {
  const db = openDb(join(tempDir(), 'w.sqlite'));
  const config = JSON.stringify(runConfig());
  db.exec(`
    INSERT INTO datasets VALUES (1, 'd', 'builtin', 'h', 1, '[1]', '[0]', '{}', '{}', 'now');
    INSERT INTO domains VALUES (1, 1, 'dom', '{}', 'h1', 'now');
    INSERT INTO experiments (id, name, spec_input, spec, origin, created_at) VALUES (1, 'e', '{}', '{}', 'in-process', 'now');
  `);
  const insert = db.prepare(
    `INSERT INTO runs (id, experiment_id, kind, strategy, domain_id, budget, seed, status, config, config_hash, epochs, attempts, created_at)
     VALUES (?, 1, 'transfer', 'scratch', 1, '10', 0, 'running', ?, 'c', 3, ?, 'now')`,
  );
  insert.run(1, config, 1);
  insert.run(2, config, 2);
  return db;
}

describe('run logs (migration 004)', () => {
  it('keeps each run’s lines in order with the attempt that wrote them', () => {
    const db = workspace();
    expect(readRunLog(db, 1)).toEqual([]);
    appendRunLog(db, 1, 'info', 'Frozen layers: hidden_1');
    appendRunLog(db, 2, 'warn', 'No validation rows: early stopping is off');
    appendRunLog(db, 1, 'debug', 'Error: boom\n    at train');
    expect(
      readRunLog(db, 1).map(({ seq, attempt, level, message }) => [seq, attempt, level, message]),
    ).toEqual([
      [1, 1, 'info', 'Frozen layers: hidden_1'],
      [2, 1, 'debug', 'Error: boom\n    at train'],
    ]);
    expect(readRunLog(db, 2).map((l) => [l.seq, l.attempt, l.level])).toEqual([[1, 2, 'warn']]);
    // Deleting a run deletes its log.
    db.prepare('DELETE FROM runs WHERE id = 1').run();
    expect(readRunLog(db, 1)).toEqual([]);
    db.close();
  });

  it('stops at the cap with a line saying so', () => {
    const db = workspace();
    const kept: boolean[] = [];
    for (let i = 1; i <= RUN_LOG_CAP + 5; i++)
      kept.push(appendRunLog(db, 1, 'info', `Round ${i}`) !== null);
    expect(kept.filter(Boolean)).toHaveLength(RUN_LOG_CAP);
    const log = readRunLog(db, 1);
    expect(log).toHaveLength(RUN_LOG_CAP);
    expect(log.at(-2)?.message).toBe(`Round ${RUN_LOG_CAP - 1}`);
    expect(log.at(-1)).toMatchObject({
      seq: RUN_LOG_CAP,
      level: 'warn',
      message: 'Log truncated: further lines of this run are not kept',
    });
    db.close();
  });
});
