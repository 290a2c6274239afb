import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCore } from '../../../src-main/core/core';
import { NOT_KEPT_MESSAGE, planEmbedding } from '../../../src-main/core/embeddingService';
import { selectBackend } from '../../../src-main/engine/backend';
import { computeEmbedding } from '../../../src-main/engine/embedding/job';
import { openDb } from '../../../src-main/store/db';
import { ExperimentSpecSchema } from '../../../src-shared/domain/experimentSpec';
import type { Embedding, EmbeddingSide } from '../../../src-shared/domain/embedding';
import { ReportCreateInputSchema } from '../../../src-shared/rpc/reports';
import { useTempDirs } from '../../helpers/tempDir';

/**
 * Issue 14, point 3: a transfer run's embedding before and after adaptation, computed by the
 * models process on real trained models, cached, and the same under the seed.
 */

const tempDir = useTempDirs();

const task = (angleDeg: number) => ({
  generator: 'linear-binary' as const,
  features: 8,
  samples: 200,
  taskSeed: 3,
  angleDeg,
  noise: 0.1,
});

const spec = ExperimentSpecSchema.parse({
  name: 'embedding',
  sources: [{ name: 'A', dataset: task(0) }],
  targets: [{ name: 'B', dataset: task(40) }],
  strategies: [{ id: 'scratch' }, { id: 'fine-tune' }, { id: 'mmd' }],
  budgets: [10],
  seeds: [0],
  model: { type: 'mlp', hidden: [6] },
  training: { epochs: 2, learningRate: 0.01, batchSize: 16, backend: 'cpu' },
});

function expectSide(side: EmbeddingSide | null, points: number): void {
  expect(side).not.toBeNull();
  if (side === null) return;
  expect(side.features).toBe(6);
  expect(side.pca).toHaveLength(2 * points);
  expect(side.umap).toHaveLength(2 * points);
  expect([...side.pca, ...side.umap].every(Number.isFinite)).toBe(true);
  expect(side.mmd2).toBeGreaterThanOrEqual(0);
  expect(side.mmd2).toBeLessThanOrEqual(2);
  expect(side.proxyADistance).toBeGreaterThanOrEqual(0);
  expect(side.proxyADistance).toBeLessThanOrEqual(2);
  expect(side.proxyADistance).toBeCloseTo(2 * (1 - 2 * side.domainError), 10);
}

describe('the embedding view', () => {
  it('embeds a run before and after, caches it, and says why other runs have none', async () => {
    const workspaceDir = tempDir();
    const core = await openCore({ workspaceDir, transport: 'in-process', queue: 'own' });
    let fineTune: number;
    let mmd: number;
    let embedding: Embedding;
    try {
      await core.handlers['models.setKeep']({ keep: 'all' });
      const { runIds } = await core.handlers['experiments.create']({ spec });
      await core.waitForRuns(runIds);
      const runs = await core.handlers['runs.list']({});
      const id = (strategy: string): number => {
        const run = runs.find((r) => r.strategy === strategy && r.kind === 'transfer');
        if (run?.status !== 'completed') throw new Error(`${strategy}: ${run?.status}`);
        return run.id;
      };
      fineTune = id('fine-tune');
      mmd = id('mmd');
      const source = runs.find((r) => r.kind === 'source');

      // Opening the page computes nothing.
      expect(await core.handlers['runs.embedding']({ id: fineTune })).toEqual({
        status: 'not-computed',
      });
      const computed = await core.handlers['runs.embedding']({ id: fineTune, compute: true });
      if (computed.status !== 'ready') throw new Error(JSON.stringify(computed));
      embedding = computed.embedding;
      // 200 rows per domain, 20 % test: 40 test rows each, all drawn (fewer than 300).
      expect(embedding.points.domain).toEqual([
        ...Array<number>(40).fill(0),
        ...Array<number>(40).fill(1),
      ]);
      expect(new Set(embedding.points.label)).toEqual(new Set([0, 1]));
      expect(embedding.before?.runId).toBe(source?.id);
      expect(embedding.before?.label).toBe(`source model (run #${source?.id})`);
      expect(embedding.after.runId).toBe(fineTune);
      expectSide(embedding.before, 80);
      expectSide(embedding.after, 80);
      // The second call is the cache's answer, not a new computation.
      expect(await core.handlers['runs.embedding']({ id: fineTune })).toEqual(computed);

      // MMD trains from scratch on both domains: its "before" is the source model it never used.
      const mmdAnswer = await core.handlers['runs.embedding']({ id: mmd, compute: true });
      if (mmdAnswer.status !== 'ready') throw new Error(JSON.stringify(mmdAnswer));
      expect(mmdAnswer.embedding.before?.runId).toBe(source?.id);
      expectSide(mmdAnswer.embedding.after, 80);

      // The markdown report lists the computed embeddings' numbers, before → after.
      const report = await core.handlers['reports.create'](
        ReportCreateInputSchema.parse({
          compare: { selection: { experimentIds: [runs[0]?.experimentId ?? 0] } },
          format: 'md',
        }),
      );
      const fmt = (v: number | undefined): string => (v ?? Number.NaN).toFixed(3);
      expect(report.content).toContain('## Domain alignment');
      expect(report.content).toContain(
        `| \\#${fineTune} | fine-tune | A → B | 80 | ${fmt(embedding.before?.mmd2)} → ${fmt(embedding.after.mmd2)} | ` +
          `${fmt(embedding.before?.proxyADistance)} → ${fmt(embedding.after.proxyADistance)} |`,
      );
      expect(report.content).toContain(`| \\#${mmd} | mmd |`);

      expect(await core.handlers['runs.embedding']({ id: id('scratch') })).toEqual({
        status: 'unavailable',
        message: expect.stringMatching(/no source domain/) as unknown,
      });
      expect(await core.handlers['runs.embedding']({ id: source?.id ?? 0 })).toEqual({
        status: 'unavailable',
        message: expect.stringMatching(/source run trains on one domain/) as unknown,
      });
    } finally {
      await core.close();
    }

    // Recomputed in this process from the same plan and seed: the same numbers and pictures,
    // and no tensor left behind.
    const db = openDb(join(workspaceDir, 'transferlab.sqlite'));
    try {
      const plan = planEmbedding(db, fineTune);
      if (!plan.ok) throw new Error(plan.message);
      const { tf } = await selectBackend('cpu');
      const tensors = tf.memory().numTensors;
      const again = await computeEmbedding(tf, { ...plan.request, settings: embedding.settings });
      expect(tf.memory().numTensors).toBe(tensors);
      expect(again.points).toEqual(embedding.points);
      expect(again.after).toEqual(embedding.after);
      expect(again.before).toEqual(embedding.before);
    } finally {
      db.close();
    }
  }, 240_000);

  it('tells a run whose model was not kept what to do', async () => {
    const core = await openCore({ workspaceDir: tempDir(), transport: 'in-process', queue: 'own' });
    try {
      await core.handlers['models.setKeep']({ keep: 'none' });
      const { runIds } = await core.handlers['experiments.create']({
        spec: { ...spec, strategies: [{ id: 'fine-tune' }] },
      });
      await core.waitForRuns(runIds);
      const runs = await core.handlers['runs.list']({});
      const run = runs.find((r) => r.kind === 'transfer');
      expect(await core.handlers['runs.embedding']({ id: run?.id ?? 0, compute: true })).toEqual({
        status: 'unavailable',
        message: NOT_KEPT_MESSAGE,
      });
    } finally {
      await core.close();
    }
  }, 120_000);
});
