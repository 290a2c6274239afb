import { Listeners } from './client';
import type { ConnectionPhase, ConnectionSnapshot } from './wsClient';

/**
 * The transport's state for the UI: the "disconnected — reconnecting" banner reads it, and the
 * stores re-sync when a dropped connection comes back (events may have been missed meanwhile).
 */
export class ConnectionState {
  readonly transport: 'electron' | 'websocket';
  /** False when the page was opened without `?token=` and none was kept from before. */
  readonly hasToken: boolean;
  phase = $state<ConnectionPhase>('connecting');
  attempt = $state(0);
  retryAt = $state<number | null>(null);
  reason = $state<string | null>(null);
  everOpened = $state(false);
  readonly #reopened = new Listeners<undefined>();
  #retry: () => void = () => undefined;

  constructor(transport: 'electron' | 'websocket', hasToken: boolean) {
    this.transport = transport;
    this.hasToken = hasToken;
    if (transport === 'electron') {
      this.phase = 'open';
      this.everOpened = true;
    }
  }

  get connected(): boolean {
    return this.phase === 'open';
  }

  update(snapshot: ConnectionSnapshot): void {
    this.phase = snapshot.phase;
    this.attempt = snapshot.attempt;
    this.retryAt = snapshot.retryAt;
    this.reason = snapshot.reason;
    this.everOpened = snapshot.everOpened;
  }

  setRetry(retry: () => void): void {
    this.#retry = retry;
  }

  retryNow(): void {
    this.#retry();
  }

  onReopen(listener: () => void): () => void {
    return this.#reopened.add(listener);
  }

  notifyReopened(): void {
    this.#reopened.emit(undefined);
  }
}
