import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, type Tf } from '../../../../src-main/engine/backend';
import {
  checkpointPath,
  latestCheckpointEpochs,
  readCheckpointFile,
  writeCheckpointFiles,
} from '../../../../src-main/engine/checkpointFiles';
import type { SavedModel } from '../../../../src-main/engine/model';
import type { TrainJob, TrainerToParent } from '../../../../src-main/engine/protocol';
import { isResumable } from '../../../../src-main/engine/strategies/resumable';
import { train } from '../../../../src-main/engine/train';
import type { StrategyId } from '../../../../src-shared/domain/experimentSpec';
import type { ResolvedRunConfig } from '../../../../src-shared/domain/runs';
import { STRATEGIES } from '../../../../src-shared/domain/strategies';
import { useTempDirs } from '../../../helpers/tempDir';
import { runConfig, trainJob } from '../fixtures';
import { SYNTHETIC, syntheticConfig, trainSource, useSuiteDir } from './helpers';

/**
 * Checkpoint and resume (issue 11): a run resumed from the checkpoint of epoch 2 by a fresh
 * train() call (what a new trainer process does) sends epochs 3 and 4 and final metrics
 * identical, bit for bit, to those of the run that was never interrupted, for every resumable
 * strategy; and checkpointing itself changes nothing.
 */

const suiteDir = useSuiteDir();
const tempDir = useTempDirs();
let tf: Tf;
let source: SavedModel;
beforeAll(async () => {
  tf = (await selectBackend('wasm')).tf;
  source = await trainSource(tf, suiteDir(), {
    source: SYNTHETIC.source,
    data: SYNTHETIC.sourceData,
    model: SYNTHETIC.model,
  });
});

const EPOCHS = 4;
const RESUME_FROM = 2;

/** One train() call; `keep` copies the checkpoint of an epoch aside as soon as it is announced. */
async function run(
  config: ResolvedRunConfig,
  checkpoint?: TrainJob['checkpoint'],
  keep?: { epoch: number; to: string },
) {
  const messages: TrainerToParent[] = [];
  const before = tf.memory().numTensors;
  const result = await train(
    trainJob(config, {
      data: SYNTHETIC.data,
      sourceData: SYNTHETIC.sourceData,
      sourceModel: source,
      ...(checkpoint ? { checkpoint } : {}),
    }),
    tf,
    (m) => {
      messages.push(m);
      // The parent commits an epoch when this message arrives: the checkpoint is there already.
      if (keep && checkpoint && m.type === 'epoch' && m.epoch === keep.epoch) {
        mkdirSync(keep.to, { recursive: true });
        cpSync(checkpointPath(checkpoint.dir, keep.epoch), checkpointPath(keep.to, keep.epoch));
      }
    },
    () => false,
  );
  const epochs = messages.flatMap((m) => (m.type === 'epoch' ? [m] : []));
  const logs = messages.flatMap((m) => (m.type === 'log' ? [m.message] : []));
  return { result, epochs, logs, leaked: tf.memory().numTensors - before };
}

type Case = [StrategyId | 'source', Record<string, number | boolean>, ResolvedRunConfig['budget']];

/** Every resumable strategy; fine-tune as LP-FT with a slower trunk (two groups) and L2-SP. */
const CASES: Case[] = [
  ['source', {}, 'all'],
  ['scratch', {}, 20],
  ['structure', {}, 20],
  ['fine-tune', { probeEpochs: 1, trunkLrScale: 0.5, l2sp: 0.1 }, 20],
  ['feature-extraction', { headHidden: 4 }, 20],
  ['distillation', {}, 20],
  ['multi-task', { taskWeight: 0.5 }, 20],
  ['source-only', {}, 0],
  ['mmd', {}, 0],
  ['coral', {}, 0],
  ['dann', {}, 0],
  ['importance-weighting', {}, 0],
  ['kmm', {}, 0],
];

function caseConfig([id, params, budget]: Case): ResolvedRunConfig {
  const training = {
    epochs: EPOCHS,
    learningRate: 0.01,
    batchSize: 16,
    // Early stopping with the best weights restored: its state and snapshot are checkpointed.
    earlyStopping: { monitor: 'val_loss' as const, patience: 3, restoreBest: true },
  };
  if (id === 'source') {
    return runConfig({
      kind: 'source',
      strategy: 'source',
      domain: SYNTHETIC.source,
      model: SYNTHETIC.model,
      training,
    });
  }
  return syntheticConfig(id, params, { seed: 5, budget, training });
}

describe('resuming from a checkpoint', () => {
  it('covers every resumable strategy', () => {
    const resumable = STRATEGIES.filter((s) => isResumable(syntheticConfig(s.id))).map((s) => s.id);
    expect(new Set(CASES.map(([id]) => id))).toEqual(new Set(['source', ...resumable]));
  });

  for (const c of CASES) {
    it(`${c[0]} ${JSON.stringify(c[1])}: epochs 3–4 and final metrics bit-identical after a resume from epoch 2`, async () => {
      const config = caseConfig(c);
      const dir = tempDir();
      const aside = tempDir();
      const plain = await run(config);
      const full = await run(config, { dir }, { epoch: RESUME_FROM, to: aside });
      expect(full.result.status).toBe('completed');
      // Checkpointing changes nothing the run reports (the elapsed times aside).
      expect(full.epochs.map((e) => e.values)).toEqual(plain.epochs.map((e) => e.values));
      expect(full.result).toEqual(plain.result);
      expect(full.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
      // The last two are kept.
      expect(latestCheckpointEpochs(dir)).toEqual([4, 3]);
      expect(full.leaked).toBe(0);

      // A fresh train() call, as a new trainer process would make after a crash.
      const resumed = await run(config, { dir: aside, resumeFromEpoch: RESUME_FROM });
      expect(resumed.logs).toContain(`Resumed from the checkpoint of epoch ${RESUME_FROM}`);
      expect(resumed.epochs.map((e) => e.epoch)).toEqual([3, 4]);
      expect(resumed.epochs.map((e) => e.values)).toEqual(
        full.epochs.slice(2).map((e) => e.values),
      );
      for (const value of resumed.epochs.flatMap((e) => Object.values(e.values)))
        expect(Number.isFinite(value)).toBe(true);
      expect(resumed.result).toEqual(full.result);
      // Elapsed time goes on from the checkpoint's.
      expect(resumed.epochs[0]?.elapsedS).toBeGreaterThan(full.epochs[1]?.elapsedS ?? Infinity);
      expect(latestCheckpointEpochs(aside)).toEqual([4, 3]);
      expect(resumed.leaked).toBe(0);
    });
  }

  it('goes straight to the final evaluation from a checkpoint where early stopping ended training', async () => {
    // Five labels per class at a high learning rate stop early (earlyStopping.test.ts).
    const config = syntheticConfig(
      'scratch',
      {},
      {
        budget: 5,
        training: {
          epochs: 40,
          learningRate: 0.05,
          batchSize: 16,
          earlyStopping: { monitor: 'val_loss', patience: 2, restoreBest: true },
        },
      },
    );
    const first = await run(config);
    const stoppedAt = first.epochs.length;
    expect(stoppedAt).toBeLessThan(40);
    const dir = tempDir();
    const aside = tempDir();
    const full = await run(config, { dir }, { epoch: stoppedAt, to: aside });
    expect(full.result).toEqual(first.result);
    const resumed = await run(config, { dir: aside, resumeFromEpoch: stoppedAt });
    expect(resumed.epochs).toEqual([]);
    expect(resumed.result).toEqual(full.result);
    expect(resumed.logs).toContain(
      `Evaluating the weights of epoch ${full.result.status === 'completed' ? full.result.finalMetrics.best_epoch : NaN}`,
    );
    expect(resumed.leaked).toBe(0);
  });

  it('is bit-identical on the cpu backend too (Adam by ordinary ops, not the wasm kernel)', async () => {
    tf = (await selectBackend('cpu')).tf;
    try {
      const config = caseConfig(['fine-tune', { probeEpochs: 1, trunkLrScale: 0.5 }, 20]);
      const cpu = { ...config, training: { ...config.training, backend: 'cpu' as const } };
      const dir = tempDir();
      const aside = tempDir();
      const full = await run(cpu, { dir }, { epoch: RESUME_FROM, to: aside });
      const resumed = await run(cpu, { dir: aside, resumeFromEpoch: RESUME_FROM });
      expect(resumed.epochs.map((e) => e.values)).toEqual(
        full.epochs.slice(2).map((e) => e.values),
      );
      expect(resumed.result).toEqual(full.result);
      expect(resumed.leaked).toBe(0);
    } finally {
      tf = (await selectBackend('wasm')).tf;
    }
  });

  it('resumes from the last epoch with the final evaluation only', async () => {
    const config = caseConfig(['scratch', {}, 20]);
    const dir = tempDir();
    const full = await run(config, { dir });
    const resumed = await run(config, { dir, resumeFromEpoch: EPOCHS });
    expect(resumed.epochs).toEqual([]);
    expect(resumed.result).toEqual(full.result);
  });

  it('refuses a missing, damaged or foreign checkpoint with a clear error, leaking nothing', async () => {
    const config = caseConfig(['scratch', {}, 20]);
    const dir = tempDir();
    const before = tf.memory().numTensors;
    await expect(run(config, { dir, resumeFromEpoch: 2 })).rejects.toThrow(
      /checkpoint of epoch 2 .* does not exist; cannot resume from it/,
    );
    expect(tf.memory().numTensors).toBe(before);

    await run(config, { dir });
    // Another seed: another job.
    await expect(run({ ...config, seed: 6 }, { dir, resumeFromEpoch: 4 })).rejects.toThrow(
      /belongs to another job: its configHash/,
    );
    // One flipped byte in the tensors' data (the state part, which the manifest follows).
    const file = checkpointPath(dir, 4);
    const bytes = readFileSync(file);
    const manifestBytes = (await readCheckpointFile(dir, 4, 'manifest.json')).byteLength;
    const stateBytes = (await readCheckpointFile(dir, 4, 'state.bin')).byteLength;
    const at = bytes.byteLength - manifestBytes - stateBytes + 10;
    bytes[at] = (bytes[at] ?? 0) ^ 1;
    writeFileSync(file, bytes);
    await expect(run(config, { dir, resumeFromEpoch: 4 })).rejects.toThrow(/is damaged/);
    await writeCheckpointFiles(dir, 3, {
      'state.bin': await readCheckpointFile(dir, 3, 'state.bin'),
      'manifest.json': '{',
    });
    await expect(run(config, { dir, resumeFromEpoch: 3 })).rejects.toThrow(/is unreadable/);
    await expect(run(config, { dir, resumeFromEpoch: 5 })).rejects.toThrow(/has 4 epochs/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('writes no checkpoint for TrAdaBoost, says so, and refuses to resume it', async () => {
    const config = syntheticConfig('tradaboost', {}, { budget: 10, training: { epochs: 2 } });
    expect(isResumable(config)).toBe(false);
    const dir = tempDir();
    const { result, logs } = await run(config, { dir });
    expect(result.status).toBe('completed');
    expect(logs.some((l) => l.startsWith('No checkpoints: ') && l.includes('epoch 1'))).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
    await expect(run(config, { dir, resumeFromEpoch: 1 })).rejects.toThrow(/cannot resume/);
  });
});
