import { createSubscriber } from 'svelte/reactivity';

/**
 * "Now", ticking once a second, but only while something on screen reads it (the duration of a
 * running run): no timer runs when nothing needs one.
 */
export class Clock {
  readonly #subscribe: () => void;

  /**
   * `subscriber` is Svelte's `createSubscriber`; a spec may pass one of its own to start and stop
   * the timer by hand, without an effect reading the clock.
   */
  constructor(subscriber: typeof createSubscriber = createSubscriber) {
    this.#subscribe = subscriber((update) => {
      const timer = setInterval(update, 1000);
      return () => {
        clearInterval(timer);
      };
    });
  }

  get now(): number {
    this.#subscribe();
    return Date.now();
  }
}
