/**
 * Runs `task` at most once per `delayMs` however often it is requested, and never twice at once:
 * a request made while the task runs schedules exactly one more run after it. This keeps bursts
 * of events (an experiment creating 60 runs) from turning into a storm of list requests.
 */
export class Coalescer {
  readonly #task: () => Promise<void>;
  readonly #delayMs: number;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #running = false;
  #again = false;

  constructor(task: () => Promise<void>, delayMs: number) {
    this.#task = task;
    this.#delayMs = delayMs;
  }

  request(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#timer ??= setTimeout(() => {
      this.#timer = null;
      void this.#run();
    }, this.#delayMs);
  }

  async #run(): Promise<void> {
    this.#running = true;
    try {
      await this.#task();
    } catch (e) {
      console.error(e);
    } finally {
      this.#running = false;
      if (this.#again) {
        this.#again = false;
        this.request();
      }
    }
  }

  cancel(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#again = false;
  }
}

/**
 * Collects keys (e.g. ids of runs that just finished) and hands them to `task` in one batch,
 * coalesced like `Coalescer`.
 */
export class BatchCoalescer<K> {
  readonly #keys = new Set<K>();
  readonly #inner: Coalescer;

  constructor(task: (keys: K[]) => Promise<void>, delayMs: number) {
    this.#inner = new Coalescer(async () => {
      const keys = [...this.#keys];
      this.#keys.clear();
      if (keys.length > 0) await task(keys);
    }, delayMs);
  }

  add(key: K): void {
    this.#keys.add(key);
    this.#inner.request();
  }
}

/**
 * Keeps the latest value per key and flushes them together once per animation frame: per-batch
 * progress can arrive hundreds of times a second, the screen needs it at most 60 times.
 */
export class FrameBuffer<K, V> {
  readonly #pending = new Map<K, V>();
  readonly #flush: (entries: [K, V][]) => void;
  readonly #schedule: (callback: () => void) => unknown;
  #scheduled = false;

  constructor(
    flush: (entries: [K, V][]) => void,
    /** `requestAnimationFrame` in the renderer; injected so the logic is testable without a DOM. */
    schedule: (callback: () => void) => unknown,
  ) {
    this.#flush = flush;
    this.#schedule = schedule;
  }

  set(key: K, value: V): void {
    this.#pending.set(key, value);
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.#schedule(() => {
      this.#scheduled = false;
      const entries = [...this.#pending];
      this.#pending.clear();
      this.#flush(entries);
    });
  }

  /** Drops a pending value (e.g. its run just finished an epoch or the run itself). */
  delete(key: K): void {
    this.#pending.delete(key);
  }
}
