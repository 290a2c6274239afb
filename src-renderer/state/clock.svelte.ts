import { createSubscriber } from 'svelte/reactivity';

/**
 * "Now", ticking once a second, but only while something on screen reads it (the duration of a
 * running run): no timer runs when nothing needs one.
 */
export class Clock {
  readonly #subscribe = createSubscriber((update) => {
    const timer = setInterval(update, 1000);
    return () => {
      clearInterval(timer);
    };
  });

  get now(): number {
    this.#subscribe();
    return Date.now();
  }
}
