import { describe, expect, it } from 'vitest';
import { openCore } from '../../../src-main/core/core';
import type { TrainerLauncher } from '../../../src-main/core/runQueue';
import { startTrainer } from '../../../src-main/engine/trainer/host';
import { openDb } from '../../../src-main/store/db';
import { readRawMetrics } from '../../../src-main/store/metrics';
import type { AppEvent } from '../../../src-shared/rpc/events';
import { useTempDirs } from '../../helpers/tempDir';
import { join } from 'node:path';

const tempDir = useTempDirs();

/** The built-in digits example cut down to seconds: 1 seed, few epochs, the wasm backend. */
const tinySpec = {
  name: 'tiny digits',
  sources: [{ name: 'digits 0–4', dataset: 'digits', classes: [0, 1, 2, 3, 4] }],
  targets: [{ name: 'digits 5–9', dataset: 'digits', classes: [5, 6, 7, 8, 9] }],
  strategies: [{ id: 'scratch' }, { id: 'fine-tune', params: { freezeLayers: 1 } }],
  budgets: [10],
  seeds: [0],
  model: { type: 'mlp', hidden: [32] },
  training: { epochs: 4, learningRate: 0.01, batchSize: 16, backend: 'wasm' },
  sourceTraining: { epochs: 3, learningRate: 0.01, batchSize: 32, backend: 'wasm' },
};

describe('the core with real trainer processes', () => {
  it('trains a source model, fine-tunes and trains from scratch, and records everything', async () => {
    const dir = tempDir();
    const core = await openCore({ workspaceDir: dir, transport: 'in-process', queue: 'own' });
    const events: AppEvent[] = [];
    core.onEvent((e) => events.push(e));
    const { experimentId } = await core.handlers['experiments.create']({ spec: tinySpec });
    await core.waitForExperiment(experimentId);
    const runs = await core.handlers['runs.list']({ experimentId });
    expect(runs.map((r) => `${r.strategy}:${r.status}`)).toEqual([
      'source:completed',
      'scratch:completed',
      'fine-tune:completed',
    ]);
    for (const run of runs) {
      const detail = await core.handlers['runs.get']({ id: run.id });
      expect(detail.backend).toBe('wasm');
      expect(detail.environment?.versions['tfjs-core']).toBe('4.22.0');
      expect(detail.dataHash).toMatch(/^[0-9a-f]{64}$/);
      expect(detail.metrics).toHaveLength(run.kind === 'source' ? 3 : 4);
      expect(detail.finalMetrics?.test_acc).toBeGreaterThan(0.3); // 5 classes: chance is 0.2
      expect(detail.startedAt).not.toBeNull();
      expect(detail.finishedAt).not.toBeNull();
      // The confusion matrix on the test split agrees with the recorded test accuracy.
      const confusion = await core.handlers['runs.confusion']({ id: run.id });
      const matrix = confusion?.matrix ?? [];
      const total = matrix.flat().reduce((a, b) => a + b, 0);
      const hits = matrix.reduce((sum, row, i) => sum + (row[i] ?? 0), 0);
      expect(matrix).toHaveLength(5);
      expect(total).toBeGreaterThan(0);
      expect(hits / total).toBeCloseTo(detail.finalMetrics?.test_acc ?? NaN, 6);
    }
    const fineTune = await core.handlers['runs.get']({ id: runs[2]?.id ?? 0 });
    expect(fineTune.sourceModelHash).toMatch(/^[0-9a-f]{64}$/);
    // Every parameter is resolved and recorded, defaults included (regularisers off, scales 1).
    expect(fineTune.config.strategyParams).toEqual({
      freezeLayers: 1,
      l2sp: 0,
      l2: 0,
      probeEpochs: 0,
      trunkLrScale: 1,
      headInitScale: 1,
      keepSourceHead: false,
      ...Object.fromEntries([1, 2, 3, 4, 5, 6, 7, 8].map((l) => [`layerScale${l}`, 1])),
    });
    // And the revision of fine-tune's procedure it ran (issue 17: its head's own seed).
    expect(fineTune.config.strategyRevision).toBe(2);
    // Live events: every epoch of every run was streamed, with progress in between.
    expect(events.filter((e) => e.type === 'run.epoch')).toHaveLength(3 + 4 + 4);
    expect(events.some((e) => e.type === 'run.progress')).toBe(true);
    await core.close();
  });

  it('gives identical per-epoch metrics for the same seed and backend', async () => {
    const dir = tempDir();
    const core = await openCore({ workspaceDir: dir, transport: 'in-process', queue: 'own' });
    const spec = { ...tinySpec, strategies: [{ id: 'scratch' }] };
    const a = await core.handlers['experiments.create']({ spec });
    const b = await core.handlers['experiments.create']({ spec });
    const c = await core.handlers['experiments.create']({ spec: { ...spec, seeds: [1] } });
    await Promise.all([a, b, c].map((x) => core.waitForExperiment(x.experimentId)));
    await core.close();
    const db = openDb(join(dir, 'transferlab.sqlite'));
    const [ma, mb, mc] = [a, b, c].map((x) => readRawMetrics(db, x.runIds[0] ?? 0));
    db.close();
    expect(ma?.length).toBe(4 * 4);
    expect(mb).toEqual(ma);
    expect(mc).not.toEqual(ma);
  });

  it('resumes the run whose trainer is killed from its last epoch, and carries on with the next', async () => {
    const dir = tempDir();
    let killed = false;
    const launch: TrainerLauncher = (job, onMessage) => {
      const handle = startTrainer(job, (m) => {
        onMessage(m);
        // Kill the first trainer in the middle of its run, as an out-of-memory kill would.
        if (!killed && m.type === 'epoch' && m.epoch === 2 && handle.pid !== undefined) {
          killed = true;
          process.kill(handle.pid, 'SIGKILL');
        }
      });
      return handle;
    };
    // One trainer at a time, so the first to reach epoch 2 is the source run.
    const core = await openCore(
      { workspaceDir: dir, transport: 'in-process', queue: 'own', concurrency: 1 },
      { launch },
    );
    const { experimentId } = await core.handlers['experiments.create']({
      spec: { ...tinySpec, seeds: [0, 1] },
    });
    await core.waitForExperiment(experimentId);
    const runs = await core.handlers['runs.list']({ experimentId });
    expect(runs.map((r) => r.status)).toEqual(runs.map(() => 'completed'));
    const killedRun = runs.find((r) => r.kind === 'source');
    const detail = await core.handlers['runs.get']({ id: killedRun?.id ?? 0 });
    expect(detail.attempts).toBe(2);
    expect(detail.log.map((l) => l.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^The trainer process crashed: .*SIGKILL.*; trying again \(start 2 of 3\)\.$/,
        ),
        'Resuming after an interruption from the checkpoint of epoch 2.',
        'Resumed from the checkpoint of epoch 2',
      ]),
    );
    expect(detail.metrics.map((m) => m.epoch)).toEqual(
      Array.from({ length: detail.epochs }, (_, i) => i + 1),
    );
    expect(detail.epochsDone).toBe(detail.epochs);
    await core.close();
  });

  it('cancels a running trainer within a batch or so', async () => {
    const dir = tempDir();
    const core = await openCore({ workspaceDir: dir, transport: 'in-process', queue: 'own' });
    const spec = {
      ...tinySpec,
      strategies: [{ id: 'scratch' }],
      budgets: ['all'],
      training: { ...tinySpec.training, epochs: 500, batchSize: 8 },
    };
    const { experimentId, runIds } = await core.handlers['experiments.create']({ spec });
    const runId = runIds[0] ?? 0;
    await new Promise<void>((resolve) => {
      const off = core.onEvent((e) => {
        if (e.type === 'run.epoch' && e.runId === runId) {
          off();
          resolve();
        }
      });
    });
    const asked = Date.now();
    await core.handlers['runs.cancel']({ id: runId });
    await core.waitForExperiment(experimentId);
    const tookMs = Date.now() - asked;
    const run = await core.handlers['runs.get']({ id: runId });
    expect(run.status).toBe('cancelled');
    expect(run.epochsDone).toBeLessThan(500);
    // Cancel is seen between batches; well under the 3 s kill grace.
    expect(tookMs).toBeLessThan(2500);
    await core.close();
  });
});
