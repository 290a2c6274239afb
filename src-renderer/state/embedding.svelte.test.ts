import { describe, expect, it } from 'vitest';
import type { EmbeddingAnswer } from '../../src-shared/domain/embedding';
import { err, ok, type Result } from '../../src-shared/result';
import type { Api } from '../../src-shared/rpc/api';
import type { RpcInput } from '../../src-shared/rpc/contract';
import { EmbeddingState } from './embedding.svelte';

/**
 * The embedding panel's state (issue 14, point 3): opening reads the cache only, "Compute"
 * asks for the computation once, and a failure keeps what was shown with the error beside it.
 */

function fakeApi(answers: Result<EmbeddingAnswer>[]) {
  const calls: RpcInput<'runs.embedding'>[] = [];
  const methods: Partial<Api> = {
    'runs.embedding': (input) => {
      calls.push(input);
      const next = answers.shift();
      if (next === undefined) throw new Error('no answer left');
      return Promise.resolve(next);
    },
  };
  return { api: methods as Api, calls };
}

const READY: EmbeddingAnswer = {
  status: 'ready',
  embedding: {
    runId: 4,
    settings: { perDomain: 300, seed: 0 },
    sourceName: 'A',
    targetName: 'B',
    points: { domain: [0, 1], label: [0, 1] },
    before: null,
    beforeMissing: 'none kept',
    after: {
      label: 'this run',
      runId: 4,
      layer: 'hidden_1',
      features: 2,
      mmd2: 0.1,
      proxyADistance: 0.5,
      domainError: 0.375,
      pca: [0, 0, 1, 1],
      umap: [0, 0, 1, 1],
      pcaExplained: [0.9, 0.1],
    },
    computedAt: '2026-12-06T18:00:00.000Z',
  },
};

describe('EmbeddingState', () => {
  it('reads the cache on load and computes only when asked', async () => {
    const { api, calls } = fakeApi([ok({ status: 'not-computed' }), ok(READY)]);
    const state = new EmbeddingState(api, 4, () => 1000);
    await state.load();
    expect(calls).toEqual([{ id: 4 }]);
    expect(state.phase).toBe('idle');
    expect(state.answer).toEqual({ status: 'not-computed' });

    const computing = state.compute();
    expect(state.phase).toBe('computing');
    expect(state.since).toBe(1000);
    // A second click while computing asks for nothing more.
    await state.compute();
    await computing;
    expect(calls).toEqual([{ id: 4 }, { id: 4, compute: true }]);
    expect(state.phase).toBe('done');
    expect(state.answer).toEqual(READY);
  });

  it('keeps the answer shown and the error when computing fails', async () => {
    const { api } = fakeApi([
      ok({ status: 'not-computed' }),
      err('internal', 'Cannot compute the embedding: boom'),
    ]);
    const state = new EmbeddingState(api, 4);
    await state.load();
    await state.compute();
    expect(state.phase).toBe('idle');
    expect(state.answer).toEqual({ status: 'not-computed' });
    expect(state.error?.message).toBe('Cannot compute the embedding: boom');
  });

  it('shows why a run has no embedding', async () => {
    const { api } = fakeApi([ok({ status: 'unavailable', message: 'not kept' })]);
    const state = new EmbeddingState(api, 4);
    await state.load();
    expect(state.phase).toBe('idle');
    expect(state.answer).toEqual({ status: 'unavailable', message: 'not kept' });
  });
});
