import type { AppEvent, DatasetImportProgressEvent } from '../../src-shared/rpc/events';
import type { ImportProgress } from '../import/types';

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

/** An import's (already throttled) progress as the event every client receives. */
export function importProgressEvent(p: ImportProgress): DatasetImportProgressEvent {
  return {
    type: 'dataset.importProgress',
    ...(p.importId !== undefined ? { importId: p.importId } : {}),
    file: p.file,
    phase: p.phase,
    done: p.done,
    total: p.total,
    unit: p.unit,
  };
}
