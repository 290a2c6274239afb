import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainJob, TrainerToParent } from '../engine/protocol';
import { readEventsFrom, START_CURSOR, type EventCursor } from './eventFile';

/**
 * Where a transfer run on a cluster finds its source run's model (issue 16). Both run as tasks,
 * the transfer run's only after its source's task succeeded (a Slurm dependency), and the source
 * model's folder is named by its weights' hash, which nobody knows before the source has trained:
 * so the transfer run's job file names the source run's attempt folders, and its worker reads the
 * model from the outcome of the newest attempt that completed. The database is not needed: the
 * event file is the record, and what the workspace will ingest from it.
 */

export class SourceModelNotFound extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceModelNotFound';
  }
}

export function sourceModelFromEvents(source: {
  runId: number;
  attemptsDir: string;
}): NonNullable<TrainJob['sourceModel']> {
  const attempts = existsSync(source.attemptsDir)
    ? readdirSync(source.attemptsDir)
        .filter((name) => /^\d+$/.test(name))
        .map(Number)
        .sort((a, b) => b - a)
    : [];
  const seen: string[] = [];
  for (const attempt of attempts) {
    const file = join(source.attemptsDir, String(attempt), 'events.jsonl');
    if (!existsSync(file)) continue;
    const last = lastMessage(file);
    seen.push(`attempt ${attempt}: ${last?.type ?? 'no outcome yet'}`);
    if (last?.type === 'completed' && last.model !== undefined) return last.model;
  }
  throw new SourceModelNotFound(
    `Source run #${source.runId} has no completed attempt with a model in ${source.attemptsDir}` +
      (seen.length > 0 ? ` (${seen.join('; ')})` : ' (no event file)'),
  );
}

function lastMessage(file: string): TrainerToParent | undefined {
  let cursor: EventCursor = START_CURSOR;
  let last: TrainerToParent | undefined;
  for (;;) {
    const read = readEventsFrom(file, cursor);
    last = read.events.at(-1)?.message ?? last;
    if (read.cursor.offset === cursor.offset || read.cursor.ended) return last;
    cursor = read.cursor;
  }
}
