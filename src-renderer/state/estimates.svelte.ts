import type { Api } from '../../src-shared/rpc/api';
import type { RpcInput } from '../../src-shared/rpc/contract';
import type { TransferabilityPairEstimate } from '../../src-shared/rpc/transferability';
import type { AppError } from '../../src-shared/result';
import { scoringKey, type DesignerPair } from '../lib/transferability';

export interface PairScoreState {
  running: boolean;
  result: TransferabilityPairEstimate | null;
  /** The call failed as a whole (connection lost, spec refused). */
  error: AppError | null;
  /** scoringKey of the spec the result is for. */
  scoredFor: string | null;
}

type EstimateSpec = RpcInput<'transferability.estimate'>['spec'];

/** The designer's transferability scores, per pair, with their progress and errors. */
export class TransferabilityEstimates {
  pairs = $state<Record<string, PairScoreState>>({});
  readonly #api: Api;

  constructor(api: Api) {
    this.#api = api;
  }

  get(key: string): PairScoreState | undefined {
    return this.pairs[key];
  }

  get running(): boolean {
    return Object.values(this.pairs).some((p) => p.running);
  }

  async score(spec: EstimateSpec, pairs: readonly DesignerPair[]): Promise<void> {
    const todo = pairs.filter((p) => this.pairs[p.key]?.running !== true);
    if (todo.length === 0) return;
    const scoredFor = scoringKey(spec);
    for (const p of todo) {
      const previous = this.pairs[p.key];
      this.pairs[p.key] = {
        running: true,
        result: previous?.result ?? null,
        error: null,
        scoredFor: previous?.scoredFor ?? null,
      };
    }
    const answer = await this.#api['transferability.estimate']({
      spec,
      pairs: todo.map((p) => ({ source: p.source, target: p.target })),
    });
    for (const p of todo) {
      const result = answer.ok
        ? (answer.value.pairs.find((r) => r.source === p.source && r.target === p.target) ?? null)
        : null;
      this.pairs[p.key] = answer.ok
        ? { running: false, result, error: null, scoredFor }
        : {
            running: false,
            result: this.pairs[p.key]?.result ?? null,
            error: answer.error,
            scoredFor: this.pairs[p.key]?.scoredFor ?? null,
          };
    }
  }
}
