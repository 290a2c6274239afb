import type { AppError, Result } from '../../src-shared/result';

/** A value fetched once (and again on demand), with its loading and error state for the view. */
export class Resource<T> {
  value = $state.raw<T | undefined>(undefined);
  error = $state.raw<AppError | null>(null);
  loading = $state(false);
  readonly #fetch: () => Promise<Result<T>>;
  #inflight: Promise<void> | null = null;

  constructor(fetch: () => Promise<Result<T>>) {
    this.#fetch = fetch;
  }

  load(): Promise<void> {
    this.#inflight ??= this.#load().finally(() => {
      this.#inflight = null;
    });
    return this.#inflight;
  }

  /** Loads unless already loaded or loading. */
  ensure(): void {
    if (this.value === undefined && this.#inflight === null) void this.load();
  }

  async #load(): Promise<void> {
    this.loading = true;
    const result = await this.#fetch();
    this.loading = false;
    if (result.ok) {
      this.value = result.value;
      this.error = null;
    } else {
      this.error = result.error;
    }
  }
}
