import type { Api } from '../../src-shared/rpc/api';
import type { AppError } from '../../src-shared/result';
import type { DatasetPreview } from '../../src-shared/rpc/datasets';
import type { PreviewRequest } from '../lib/domainEditor';

/**
 * The domain editor's live preview: each change of the form asks for a new preview, debounced so
 * that typing "45" into the rotation sends one request rather than two, and latest-wins so that a
 * slow answer to an older form never replaces a newer one. The last preview stays on screen while
 * the next one loads (no layout jump).
 */
export class LivePreview {
  value = $state.raw<DatasetPreview | null>(null);
  error = $state.raw<AppError | null>(null);
  loading = $state(false);

  readonly #api: Api;
  readonly #delayMs: number;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #sequence = 0;
  #lastKey = '';

  constructor(api: Api, delayMs = 250) {
    this.#api = api;
    this.#delayMs = delayMs;
  }

  request(request: PreviewRequest): void {
    const key = JSON.stringify(request);
    if (key === this.#lastKey) return;
    this.#lastKey = key;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.loading = true;
    // The first preview goes at once; later ones wait for the typing to settle.
    const delay = this.value === null && this.error === null ? 0 : this.#delayMs;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#fetch(request);
    }, delay);
  }

  dispose(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#sequence++;
  }

  async #fetch(request: PreviewRequest): Promise<void> {
    const sequence = ++this.#sequence;
    const result = await this.#api['datasets.preview'](request);
    if (sequence !== this.#sequence) return;
    this.loading = false;
    if (result.ok) {
      this.value = result.value;
      this.error = null;
    } else {
      this.error = result.error;
    }
  }
}
