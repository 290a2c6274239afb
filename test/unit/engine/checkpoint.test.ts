import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BatchStream } from '../../../src-main/engine/batchStream';
import {
  checkpointPath,
  latestCheckpointEpochs,
  MANIFEST_FILE,
  pruneCheckpoints,
  readCheckpointFile,
  removeCheckpoints,
  writeCheckpointFiles,
} from '../../../src-main/engine/checkpointFiles';
import { isResumable, whyNotResumable } from '../../../src-main/engine/strategies/resumable';
import { STRATEGIES } from '../../../src-shared/domain/strategies';
import { useTempDirs } from '../../helpers/tempDir';
import { runConfig } from './fixtures';

const tempDir = useTempDirs();

describe('checkpoint files', () => {
  it('lists complete checkpoints newest first, ignoring temporary files and other entries', async () => {
    const dir = tempDir();
    expect(latestCheckpointEpochs(join(dir, 'missing'))).toEqual([]);
    for (const epoch of [1, 2, 10])
      await writeCheckpointFiles(dir, epoch, {
        'state.bin': new Uint8Array([epoch]),
        [MANIFEST_FILE]: '{}',
      });
    // An earlier version's checkpoint folder, and a killed write.
    mkdirSync(join(dir, 'epoch-11'));
    writeFileSync(join(dir, '.tmp-epoch-12-abc'), 'half');
    expect(latestCheckpointEpochs(dir)).toEqual([10, 2, 1]);
    expect([...(await readCheckpointFile(dir, 2, 'state.bin'))]).toEqual([2]);
    expect((await readCheckpointFile(dir, 2, MANIFEST_FILE)).toString()).toBe('{}');
  });

  it('refuses a torn or foreign file by saying so, and a missing one with ENOENT', async () => {
    const dir = tempDir();
    await writeCheckpointFiles(dir, 1, { 'state.bin': new Uint8Array(100), [MANIFEST_FILE]: '{}' });
    const whole = readFileSync(checkpointPath(dir, 1));
    writeFileSync(checkpointPath(dir, 1), whole.subarray(0, whole.byteLength - 1));
    await expect(readCheckpointFile(dir, 1, MANIFEST_FILE)).rejects.toThrow(
      /^not a whole checkpoint file \(its part manifest.json runs past its end\)$/,
    );
    writeFileSync(checkpointPath(dir, 1), 'something else');
    await expect(readCheckpointFile(dir, 1, 'state.bin')).rejects.toThrow(
      'not a whole checkpoint file (no checkpoint header)',
    );
    await writeCheckpointFiles(dir, 1, { 'state.bin': new Uint8Array(1) });
    await expect(readCheckpointFile(dir, 1, MANIFEST_FILE)).rejects.toThrow(
      'not a whole checkpoint file (it has no part manifest.json)',
    );
    await expect(readCheckpointFile(dir, 2, MANIFEST_FILE)).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });

  it('replaces an epoch written before, and keeps only the epoch and the one before', async () => {
    const dir = tempDir();
    for (const epoch of [1, 2, 3, 4, 5])
      await writeCheckpointFiles(dir, epoch, { [MANIFEST_FILE]: `old ${epoch}` });
    mkdirSync(join(dir, '.tmp-epoch-9-xyz'));
    writeFileSync(join(dir, '.tmp-epoch-8-xyz'), 'half');
    // A folder an earlier version wrote: never read, so removed with the rest.
    mkdirSync(join(dir, 'epoch-1'));
    writeFileSync(join(dir, 'unrelated.txt'), 'kept');
    // A resumed attempt rewrites epoch 3 (its first attempt had got to 5).
    await writeCheckpointFiles(dir, 3, { [MANIFEST_FILE]: 'new 3' });
    await pruneCheckpoints(dir, 3);
    expect(latestCheckpointEpochs(dir)).toEqual([3, 2]);
    expect((await readCheckpointFile(dir, 3, MANIFEST_FILE)).toString()).toBe('new 3');
    expect(readdirSync(dir).sort()).toEqual(['epoch-2.ckpt', 'epoch-3.ckpt', 'unrelated.txt']);
    removeCheckpoints(dir);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('BatchStream state', () => {
  it('restores mid-pass and across passes to the same batches', () => {
    const a = new BatchStream(10, 4, 7);
    for (let i = 0; i < 5; i++) a.next(); // two passes and one batch into the third
    const b = new BatchStream(10, 4, 7);
    b.restore(a.state());
    for (let i = 0; i < 7; i++) expect([...b.next()]).toEqual([...a.next()]);
    const other = new BatchStream(10, 4, 8);
    expect(() => {
      other.restore(a.state());
    }).toThrow(/does not replay/);
  });
});

describe('isResumable', () => {
  it('is true for every strategy but TrAdaBoost, and for source runs', () => {
    for (const info of STRATEGIES) {
      const config = runConfig({ strategy: info.id });
      expect(isResumable(config)).toBe(info.id !== 'tradaboost');
    }
    expect(whyNotResumable(runConfig({ strategy: 'tradaboost' }))).toMatch(/boosting rounds/);
    expect(isResumable(runConfig({ kind: 'source', strategy: 'source' }))).toBe(true);
  });
});
