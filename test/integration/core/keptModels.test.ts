import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { openCore } from '../../../src-main/core/core';
import type { Core } from '../../../src-main/core/types';
import type { KeepModels } from '../../../src-shared/domain/models';
import { ExperimentSpecSchema } from '../../../src-shared/domain/experimentSpec';
import { useTempDirs } from '../../helpers/tempDir';

/**
 * Issue 13, point 3: transfer runs keep their trained models as the workspace says (all, the
 * best of each comparison cell on validation accuracy, none), the disk used is reported, and a
 * kept model exports to an ONNX file ONNX Runtime runs.
 */

const tempDir = useTempDirs();

const task = (angleDeg: number) => ({
  generator: 'linear-binary' as const,
  features: 12,
  samples: 300,
  taskSeed: 3,
  angleDeg,
  noise: 0.1,
});

const spec = ExperimentSpecSchema.parse({
  name: 'keep',
  sources: [{ name: 'A', dataset: task(0) }],
  targets: [{ name: 'B', dataset: task(30) }],
  strategies: [{ id: 'scratch' }, { id: 'fine-tune' }],
  budgets: [5],
  seeds: [0, 1, 2],
  model: { type: 'mlp', hidden: [8] },
  training: { epochs: 2, learningRate: 0.01, batchSize: 8, backend: 'wasm' },
});

async function runWith(keep: KeepModels): Promise<{ core: Core; runIds: number[] }> {
  const core = await openCore({ workspaceDir: tempDir(), transport: 'in-process', queue: 'own' });
  await core.handlers['models.setKeep']({ keep });
  const { runIds } = await core.handlers['experiments.create']({ spec });
  await core.waitForRuns(runIds);
  return { core, runIds };
}

describe('models kept by runs', () => {
  it('keeps the best of each cell on validation accuracy, and exports it', async () => {
    const { core, runIds } = await runWith('best-per-cell');
    try {
      const storage = await core.handlers['models.storage']({});
      expect(storage).toMatchObject({
        keep: 'best-per-cell',
        sourceRuns: { models: 3 },
        transferRuns: { models: 2 },
      });
      expect(storage.transferRuns.bytes).toBeGreaterThan(0);
      const runs = [];
      for (const id of runIds) runs.push(await core.handlers['runs.get']({ id }));
      for (const strategy of ['scratch', 'fine-tune']) {
        const cell = runs.filter((r) => r.kind === 'transfer' && r.strategy === strategy);
        expect(cell).toHaveLength(3);
        const best = [...cell].sort(
          (a, b) =>
            (b.finalMetrics?.val_acc ?? -1) - (a.finalMetrics?.val_acc ?? -1) ||
            (a.finalMetrics?.val_loss ?? Infinity) - (b.finalMetrics?.val_loss ?? Infinity) ||
            a.id - b.id,
        )[0];
        if (best === undefined) throw new Error('no best run');
        for (const run of cell) {
          const exported = core.handlers['models.export']({
            from: { kind: 'run', id: run.id },
            format: 'onnx',
          });
          if (run.id === best.id) {
            const file = (await exported).files[0];
            const session = await InferenceSession.create(
              Buffer.from(file?.content ?? '', 'base64'),
            );
            const out = await session.run({
              input: new OrtTensor('float32', new Float32Array(4 * 12).fill(0.5), [4, 12]),
            });
            expect(out.logits?.dims).toEqual([4, 1]);
          } else {
            await expect(exported).rejects.toThrow(/kept no model/);
          }
        }
      }
    } finally {
      await core.close();
    }
  });

  it('keeps every model with "all", none with "none"', async () => {
    const all = await runWith('all');
    try {
      expect(await all.core.handlers['models.storage']({})).toMatchObject({
        transferRuns: { models: 6 },
      });
      const dir = tempDir();
      const tfjs = await all.core.handlers['models.export']({
        from: { kind: 'run', id: all.runIds.at(-1) ?? 0 },
        format: 'tfjs',
        out: dir,
      });
      const json: unknown = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
      expect(json).toMatchObject({ format: 'layers-model' });
      expect(tfjs.files).toHaveLength(2);
    } finally {
      await all.core.close();
    }
    const none = await runWith('none');
    try {
      expect(await none.core.handlers['models.storage']({})).toMatchObject({
        keep: 'none',
        sourceRuns: { models: 3 },
        transferRuns: { models: 0, bytes: 0 },
      });
    } finally {
      await none.core.close();
    }
  });
});
