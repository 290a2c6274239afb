import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readEventsFrom } from '../../../src-main/cluster/eventFile';
import { writeJobFile } from '../../../src-main/cluster/jobFile';
import { openCore } from '../../../src-main/core/core';
import { eventFilePath } from '../../../src-main/core/eventIngest';
import { buildTrainJob } from '../../../src-main/core/trainJob';
import { openDb } from '../../../src-main/store/db';
import { claimNextRun } from '../../../src-main/store/runs';
import { transferlabInProcess } from '../../helpers/cliInProcess';
import { useTempDirs } from '../../helpers/tempDir';
import { runWorker } from './workerProcess';
import { tinySpec } from '../../helpers/tinySpec';

/**
 * Issue 16, points 2 and 3 end to end: a run planned by the core is claimed for a worker, a real
 * `bin/transferlab.js worker` trains it (tfjs on cpu, in a process of its own that never opens the
 * database) and `transferlab sync` ingests its event file: the database then holds exactly the
 * worker's epochs and outcome, and a second sync adds nothing.
 */

const tempDir = useTempDirs();

const SyncOutput = z.object({
  runs: z.array(
    z.object({
      runId: z.int(),
      attempt: z.int(),
      events: z.int(),
      epochs: z.int(),
      logs: z.int(),
      outcome: z.string().nullable(),
    }),
  ),
  failed: z.array(z.unknown()),
  totals: z.object({ runs: z.int(), epochs: z.int(), logs: z.int(), outcomes: z.int() }),
});

describe('a worker’s run ingested by transferlab sync', () => {
  it('records exactly the worker’s epochs and outcome, once', async () => {
    const dir = tempDir();
    // Planned by the core; no local queue trains it (queue 'none').
    const core = await openCore({ workspaceDir: dir, transport: 'in-process', queue: 'none' });
    await core.handlers['experiments.create']({ spec: tinySpec('on a worker') });
    await core.close();

    // Claimed for the worker as a submitter does, and its job file written.
    const db = openDb(join(dir, 'transferlab.sqlite'));
    const claim = claimNextRun(db, 'slurm:4321_0', { limit: 10 });
    if (!claim) throw new Error('nothing to claim');
    const eventsFile = eventFilePath(dir, claim.id, claim.attempt);
    mkdirSync(dirname(eventsFile), { recursive: true });
    const jobFile = join(dirname(eventsFile), 'job.json');
    writeJobFile(jobFile, {
      version: 1,
      runId: claim.id,
      attempt: claim.attempt,
      eventsFile,
      job: buildTrainJob(db, dir, claim),
    });

    const worker = await runWorker(jobFile);
    expect(worker.code, worker.stderr).toBe(0);
    const written = readEventsFrom(eventsFile);
    const messages = written.events.map((e) => e.message);
    const epochs = messages.flatMap((m) => (m.type === 'epoch' ? [m] : []));
    const outcome = messages.at(-1);
    if (outcome?.type !== 'completed') throw new Error(`the worker ended ${outcome?.type}`);
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);

    const first = await transferlabInProcess('sync', '--workspace', dir, '--json');
    expect(first.code, first.stderr).toBe(0);
    const added = SyncOutput.parse(JSON.parse(first.stdout));
    expect(added.runs).toEqual([
      {
        runId: claim.id,
        attempt: 1,
        events: written.events.length,
        epochs: 2,
        logs: messages.filter((m) => m.type === 'log').length,
        outcome: 'completed',
      },
    ]);
    expect(added.totals).toMatchObject({ runs: 1, epochs: 2, outcomes: 1 });

    // The database holds the worker's numbers, bit for bit.
    const stored = db
      .prepare(
        'SELECT epoch, name, value, elapsed_s FROM metrics WHERE run_id = ? ORDER BY epoch, name',
      )
      .all(claim.id);
    expect(stored).toEqual(
      epochs.flatMap((e) =>
        Object.keys(e.values)
          .sort()
          .map((name) => ({ epoch: e.epoch, name, value: e.values[name], elapsed_s: e.elapsedS })),
      ),
    );
    const run = db
      .prepare('SELECT status, final_metrics, data_hash, epochs_done FROM runs WHERE id = ?')
      .get(claim.id);
    const startedMessage = messages.find((m) => m.type === 'started');
    expect(run).toEqual({
      status: 'completed',
      final_metrics: JSON.stringify(outcome.finalMetrics),
      data_hash: startedMessage?.type === 'started' ? startedMessage.dataHash : 'none',
      epochs_done: 2,
    });
    expect(
      db.prepare('SELECT weights_hash FROM source_models WHERE run_id = ?').get(claim.id),
    ).toEqual({
      weights_hash: outcome.model?.hash,
    });

    // A second sync adds nothing.
    const second = await transferlabInProcess('sync', '--workspace', dir);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe('');
    expect(second.stderr).toContain(
      'Ingested 0 epoch(s), 0 log line(s) and 0 outcome(s) of 0 run(s).',
    );
    expect(db.prepare('SELECT COUNT(*) AS n FROM metrics WHERE run_id = ?').get(claim.id)).toEqual({
      n: stored.length,
    });
    db.close();
  }, 120_000);
});
