import { existsSync, readdirSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The files of a run's checkpoints (issue 11), node:fs only, so that the parent process can list
 * and remove them without loading tfjs. A run's checkpoint folder (TrainJob.checkpoint.dir) holds
 * one folder per checkpointed epoch, `epoch-<k>/`, with a manifest and the tensors' bytes
 * (checkpoint.ts). A folder only ever appears under that name complete: it is written under a
 * temporary name in the same folder and renamed (atomic on one file system), so a trainer killed
 * mid-write leaves a `.tmp-` folder, never a half checkpoint that looks whole.
 *
 * No fsync: what a checkpoint guards against is the trainer process dying (a crash, an
 * out-of-memory kill), after which the page cache still reaches the disk. After a power loss a
 * checkpoint may be torn; its manifest records the sha256 of its data, so loading it fails
 * cleanly and the run restarts from epoch 1, rather than every epoch paying for a disk flush.
 */

/** The file that makes an epoch's folder a checkpoint; written last, before the rename. */
export const MANIFEST_FILE = 'manifest.json';
const EPOCH_DIR = /^epoch-([1-9][0-9]*)$/;
const TEMP_PREFIX = '.tmp-';

/** `<dir>/epoch-<epoch>`. */
export function checkpointPath(dir: string, epoch: number): string {
  return join(dir, `epoch-${epoch}`);
}

/**
 * The epochs with a complete checkpoint in `dir`, newest first ([] when the folder is missing).
 * The parent resumes a crashed run from the epoch it last committed, which is one of the first
 * two (the trainer keeps two).
 */
export function latestCheckpointEpochs(dir: string): number[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const match = entry.isDirectory() ? EPOCH_DIR.exec(entry.name) : null;
      return match?.[1] !== undefined && existsSync(join(dir, entry.name, MANIFEST_FILE))
        ? [Number(match[1])]
        : [];
    })
    .sort((a, b) => b - a);
}

/** Removes a run's checkpoint folder and everything in it (a finished or restarted run). */
export function removeCheckpoints(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Writes an epoch's files as `<dir>/epoch-<epoch>/`, atomically. An older folder of that epoch (a
 * previous attempt of the run that got further before it crashed) is moved aside first and then
 * removed, so the name never points at a partial folder.
 */
export async function writeCheckpointFiles(
  dir: string,
  epoch: number,
  files: Record<string, Uint8Array | string>,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tmp = await mkdtemp(join(dir, `${TEMP_PREFIX}epoch-${epoch}-`));
  try {
    // The manifest last: a folder that has one has every other file (latestCheckpointEpochs).
    const names = Object.keys(files).sort(
      (a, b) => Number(a === MANIFEST_FILE) - Number(b === MANIFEST_FILE),
    );
    for (const name of names) await writeFile(join(tmp, name), files[name] ?? '');
    const target = checkpointPath(dir, epoch);
    if (existsSync(target)) {
      const aside = await mkdtemp(join(dir, `${TEMP_PREFIX}old-`));
      await rename(target, join(aside, 'old'));
      await rename(tmp, target);
      await rm(aside, { recursive: true, force: true });
    } else {
      await rename(tmp, target);
    }
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Keeps the checkpoints of `epoch` and `epoch − 1` and removes every other one, with any
 * temporary folder a killed write left. The one before is kept because the parent commits an
 * epoch only once its 'epoch' message arrives, after this checkpoint was written: if the trainer
 * dies in between, the epoch the parent last committed is `epoch − 1`. Later epochs are a
 * previous attempt's, which this attempt is overwriting.
 */
export async function pruneCheckpoints(dir: string, epoch: number): Promise<void> {
  const keep = new Set([checkpointPath(dir, epoch), checkpointPath(dir, epoch - 1)]);
  const entries = readdirSync(dir, { withFileTypes: true });
  for (const entry of entries) {
    const path = join(dir, entry.name);
    const stale =
      entry.isDirectory() &&
      (entry.name.startsWith(TEMP_PREFIX) || (EPOCH_DIR.test(entry.name) && !keep.has(path)));
    if (stale) await rm(path, { recursive: true, force: true });
  }
}

/** A file of an epoch's checkpoint. */
export async function readCheckpointFile(
  dir: string,
  epoch: number,
  name: string,
): Promise<Buffer> {
  return readFile(join(checkpointPath(dir, epoch), name));
}
