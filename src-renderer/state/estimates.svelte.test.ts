import { describe, expect, it } from 'vitest';
import type { Api } from '../../src-shared/rpc/api';
import type { RpcInput } from '../../src-shared/rpc/contract';
import type {
  TransferabilityEstimate,
  TransferabilityPairEstimate,
} from '../../src-shared/rpc/transferability';
import type { Result } from '../../src-shared/result';
import { designerPairs, scoringKey } from '../lib/transferability';
import { TransferabilityEstimates } from './estimates.svelte';

/**
 * The designer's transferability scores, per source→target pair: a pair is scored once at a
 * time, keeps its last result through a failure, and says which spec its result is for.
 */

type EstimateInput = RpcInput<'transferability.estimate'>;
type Spec = EstimateInput['spec'];

interface Asked {
  input: EstimateInput;
  answer: (result: Result<TransferabilityEstimate>) => void;
}

function fakeApi(): { api: Api; asked: Asked[] } {
  const asked: Asked[] = [];
  const methods: Partial<Api> = {
    'transferability.estimate': (input) =>
      new Promise((answer) => {
        asked.push({ input, answer });
      }),
  };
  return { api: methods as Api, asked };
}

function take(list: Asked[], index: number): Asked {
  const entry = list[index];
  if (!entry) throw new Error(`no request #${index} was made (${list.length} were)`);
  return entry;
}

function spec(epochs: number, name = 'digits'): Spec {
  return {
    name,
    sources: [
      { name: 'digits 0–4', dataset: 'digits', classes: [0, 1, 2, 3, 4] },
      { name: 'digits 5–9', dataset: 'digits', classes: [5, 6, 7, 8, 9] },
    ],
    targets: [{ name: 'iris', dataset: 'iris' }],
    strategies: [{ id: 'fine-tune' }],
    training: { epochs, learningRate: 0.001, batchSize: 32, optimizer: 'adam', backend: 'auto' },
  };
}

const pairs = designerPairs([{ name: 'digits 0–4' }, { name: 'digits 5–9' }], [{ name: 'iris' }]);
const [first, second] = pairs;
if (!first || !second) throw new Error('two pairs expected');

function scored(source: number, leep: number): TransferabilityPairEstimate {
  return {
    source,
    target: 0,
    sourceName: `source ${source}`,
    targetName: 'iris',
    budget: 'all',
    seed: 0,
    estimate: {
      status: 'scored',
      scores: { leep, nce: -1, hScore: 0.5, logMe: 0.1 },
      samples: 50,
      sourceRunId: 1,
      modelId: null,
    },
  };
}

describe('TransferabilityEstimates', () => {
  it('scores the pairs in one call and files each answer under its pair', async () => {
    const { api, asked } = fakeApi();
    const estimates = new TransferabilityEstimates(api);
    const done = estimates.score(spec(5), pairs);
    expect(estimates.running).toBe(true);
    expect(estimates.get(first.key)).toEqual({
      running: true,
      result: null,
      error: null,
      scoredFor: null,
    });
    expect(take(asked, 0).input.pairs).toEqual([
      { source: 0, target: 0 },
      { source: 1, target: 0 },
    ]);
    // The server answers in its own order.
    take(asked, 0).answer({ ok: true, value: { pairs: [scored(1, -0.2), scored(0, -0.9)] } });
    await done;
    expect(estimates.running).toBe(false);
    expect(estimates.get(first.key)).toEqual({
      running: false,
      result: scored(0, -0.9),
      error: null,
      scoredFor: scoringKey(spec(5)),
    });
    expect(estimates.get(second.key)?.result).toEqual(scored(1, -0.2));
  });

  it('does not ask again for a pair already being scored', async () => {
    const { api, asked } = fakeApi();
    const estimates = new TransferabilityEstimates(api);
    const one = estimates.score(spec(5), [first]);
    const both = estimates.score(spec(5), pairs);
    const again = estimates.score(spec(5), [first]);
    await again;
    expect(asked.map((a) => a.input.pairs)).toEqual([
      [{ source: 0, target: 0 }],
      [{ source: 1, target: 0 }],
    ]);
    take(asked, 1).answer({ ok: true, value: { pairs: [scored(1, -0.3)] } });
    await both;
    // The first pair's own call is still out.
    expect(estimates.get(first.key)?.running).toBe(true);
    expect(estimates.running).toBe(true);
    take(asked, 0).answer({ ok: true, value: { pairs: [scored(0, -0.4)] } });
    await one;
    expect(estimates.running).toBe(false);
    expect(estimates.get(first.key)?.result).toEqual(scored(0, -0.4));
  });

  it('keeps the last result and what it was for when a later call fails', async () => {
    const { api, asked } = fakeApi();
    const estimates = new TransferabilityEstimates(api);
    const before = estimates.score(spec(5), [first]);
    take(asked, 0).answer({ ok: true, value: { pairs: [scored(0, -0.5)] } });
    await before;

    const after = estimates.score(spec(9), [first]);
    // While it runs, the old result is still shown (marked outdated by the view).
    expect(estimates.get(first.key)).toEqual({
      running: true,
      result: scored(0, -0.5),
      error: null,
      scoredFor: scoringKey(spec(5)),
    });
    take(asked, 1).answer({ ok: false, error: { code: 'disconnected', message: 'Lost.' } });
    await after;
    expect(estimates.get(first.key)).toEqual({
      running: false,
      result: scored(0, -0.5),
      error: { code: 'disconnected', message: 'Lost.' },
      scoredFor: scoringKey(spec(5)),
    });
  });

  it('clears a pair’s result when the answer leaves it out, and ignores the spec’s name', async () => {
    const { api, asked } = fakeApi();
    const estimates = new TransferabilityEstimates(api);
    const done = estimates.score(spec(5, 'renamed'), pairs);
    take(asked, 0).answer({ ok: true, value: { pairs: [scored(1, -0.1)] } });
    await done;
    expect(estimates.get(first.key)).toEqual({
      running: false,
      result: null,
      error: null,
      scoredFor: scoringKey(spec(5)),
    });
    expect(estimates.get(second.key)?.result).toEqual(scored(1, -0.1));
    expect(estimates.get('0/0:elsewhere→nowhere')).toBeUndefined();
  });
});
