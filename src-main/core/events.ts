import type { AppEvent } from '../../src-shared/rpc/events';

/** Fans core events out to every transport's listeners; a throwing listener harms no other. */
export class EventBus {
  private readonly listeners = new Set<(event: AppEvent) => void>();

  on(listener: (event: AppEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: AppEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (e) {
        console.error('An event listener failed:', e);
      }
    }
  }
}
