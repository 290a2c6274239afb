import type { EmbeddingAnswer } from '../../src-shared/domain/embedding';
import type { AppError } from '../../src-shared/result';
import type { Api } from '../../src-shared/rpc/api';

/**
 * A run page's embedding panel (issue 14, point 3): the cached answer when the page opens
 * (computing nothing), and "Compute embedding", which the models process takes seconds over.
 * An answer for a run the page has left is dropped.
 */

export type EmbeddingPhase = 'loading' | 'idle' | 'computing' | 'done';

export class EmbeddingState {
  phase = $state<EmbeddingPhase>('loading');
  answer = $state.raw<EmbeddingAnswer | null>(null);
  error = $state.raw<AppError | null>(null);
  /** When computing began (epoch ms), for the elapsed-time label. */
  since = $state(0);

  readonly #api: Api;
  readonly #runId: number;
  readonly #now: () => number;

  constructor(api: Api, runId: number, now: () => number = Date.now) {
    this.#api = api;
    this.#runId = runId;
    this.#now = now;
  }

  /** The cached embedding, or why there is none. */
  async load(): Promise<void> {
    this.phase = 'loading';
    const result = await this.#api['runs.embedding']({ id: this.#runId });
    this.#settle(result.ok ? result.value : null, result.ok ? null : result.error);
  }

  async compute(): Promise<void> {
    if (this.phase === 'computing') return;
    this.phase = 'computing';
    this.error = null;
    this.since = this.#now();
    const result = await this.#api['runs.embedding']({ id: this.#runId, compute: true });
    this.#settle(result.ok ? result.value : this.answer, result.ok ? null : result.error);
  }

  #settle(answer: EmbeddingAnswer | null, error: AppError | null): void {
    this.answer = answer;
    this.error = error;
    this.phase = answer?.status === 'ready' ? 'done' : 'idle';
  }
}
