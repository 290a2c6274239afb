import type { AppEvent } from '../../src-shared/rpc/events';
import type { RpcMethod } from '../../src-shared/rpc/contract';
import type { Result } from '../../src-shared/result';
import type { WsRequest } from '../../src-shared/rpc/wire';
import { Listeners, type Transport } from './client';
import { FrameIdSchema, ServerFrameSchema, describeZodError, failure, toResult } from './frames';

export type ConnectionPhase = 'connecting' | 'open' | 'reconnecting';

export interface ConnectionSnapshot {
  phase: ConnectionPhase;
  /** Failed attempts since the last successful open. */
  attempt: number;
  /** When the next attempt starts (epoch ms), while waiting to reconnect. */
  retryAt: number | null;
  /** Why the last connection closed or failed, in words. */
  reason: string | null;
  /** Whether a connection was ever open (a first connect is not a "reconnect"). */
  everOpened: boolean;
}

/** What the transport needs of a WebSocket; `openBrowserSocket` adapts the real one. */
export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface SocketHandlers {
  onOpen(): void;
  onMessage(data: unknown): void;
  onClose(code: number, reason: string): void;
}

export type SocketFactory = (url: string, handlers: SocketHandlers) => SocketLike;

export interface WsTransportOptions {
  url: string;
  onStatus?: (snapshot: ConnectionSnapshot) => void;
  /** Called after a connection opens again following a drop: events may have been missed. */
  onReopen?: () => void;
  requestTimeoutMs?: number;
  backoff?: { initialMs: number; maxMs: number };
  /** Opens a socket: the browser's WebSocket in the app, a fake in tests. */
  createSocket: SocketFactory;
}

interface Pending {
  method: RpcMethod;
  frame: string;
  sent: boolean;
  resolve: (result: Result<unknown>) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** Exponential backoff with ±25 % jitter, so that several windows do not reconnect in step. */
export function backoffDelay(
  attempt: number,
  initialMs: number,
  maxMs: number,
  random = Math.random,
): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 20));
  return Math.round(base * (0.75 + random() * 0.5));
}

function closeReason(code: number, reason: string): string {
  if (reason !== '') return reason;
  if (code === 1008) return 'the server refused the access token';
  if (code === 1001) return 'the server is going away';
  // The server refuses a bad token, Host or Origin before the WebSocket handshake, which browsers
  // report only as an abnormal closure (1006), the same as a server that is not running.
  if (code === 1006) {
    return 'the server is not running, or it refused this page (each launch prints a new address with a new token)';
  }
  return 'no connection to the Transferlab server';
}

/**
 * The WebSocket transport of the `Api` (headless mode). Requests carry ids matched against the
 * responses in a pending map; requests made while disconnected wait for the next connection.
 * A request already sent when the socket drops fails with `disconnected` rather than being re-sent:
 * it may have been carried out (e.g. `experiments.create`), and repeating it could do it twice.
 */
export class WsTransport implements Transport {
  readonly #options: Required<Omit<WsTransportOptions, 'onStatus' | 'onReopen'>> &
    Pick<WsTransportOptions, 'onStatus' | 'onReopen'>;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Listeners<AppEvent>();
  #ws: SocketLike | null = null;
  #open = false;
  #nextId = 1;
  #attempt = 0;
  #everOpened = false;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #stopped = false;
  #reason: string | null = null;

  constructor(options: WsTransportOptions) {
    this.#options = {
      requestTimeoutMs: 60_000,
      backoff: { initialMs: 500, maxMs: 10_000 },
      ...options,
    };
  }

  start(): void {
    this.#stopped = false;
    this.#connect();
  }

  /** Skips the wait before the next attempt (the banner's "Retry now", the browser going online). */
  reconnectNow(): void {
    if (this.#stopped || this.#ws !== null) return;
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    const ws = this.#ws;
    this.#ws = null;
    this.#open = false;
    ws?.close(1000, 'client closed');
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      this.#pending.delete(id);
      pending.resolve(failure('disconnected', 'The client was closed.'));
    }
  }

  call(method: RpcMethod, input: unknown): Promise<Result<unknown>> {
    return new Promise((resolve) => {
      const id = this.#nextId++;
      const request: WsRequest = { id, method, input: input ?? {} };
      const seconds = Math.round(this.#options.requestTimeoutMs / 1000);
      const timer = setTimeout(() => {
        if (this.#pending.delete(id)) {
          resolve(failure('timeout', `No answer to ${method} within ${seconds} s.`));
        }
      }, this.#options.requestTimeoutMs);
      const pending: Pending = {
        method,
        frame: JSON.stringify(request),
        sent: false,
        resolve,
        timer,
      };
      this.#pending.set(id, pending);
      if (this.#open) this.#send(pending);
    });
  }

  subscribe(listener: (event: AppEvent) => void): () => void {
    return this.#listeners.add(listener);
  }

  #connect(): void {
    if (this.#stopped) return;
    this.#retryTimer = null;
    this.#status(this.#everOpened ? 'reconnecting' : 'connecting', null);
    // Handlers ignore a socket that has been replaced (a late event from an old connection).
    let ws: SocketLike | null = null;
    const current = (): boolean => ws !== null && this.#ws === ws;
    try {
      ws = this.#options.createSocket(this.#options.url, {
        onOpen: () => {
          if (!current()) return;
          const reopened = this.#everOpened;
          this.#open = true;
          this.#everOpened = true;
          this.#attempt = 0;
          this.#reason = null;
          this.#status('open', null);
          for (const pending of this.#pending.values()) if (!pending.sent) this.#send(pending);
          if (reopened) this.#options.onReopen?.();
        },
        onMessage: (data) => {
          if (current()) this.#receive(data);
        },
        onClose: (code, reason) => {
          if (!current()) return;
          this.#ws = null;
          this.#open = false;
          this.#failSent();
          this.#scheduleReconnect(closeReason(code, reason));
        },
      });
    } catch (e) {
      this.#scheduleReconnect(e instanceof Error ? e.message : String(e));
      return;
    }
    this.#ws = ws;
  }

  /** Requests already sent on a dropped socket: their outcome is unknown, so they fail. */
  #failSent(): void {
    for (const [id, pending] of this.#pending) {
      if (!pending.sent) continue;
      clearTimeout(pending.timer);
      this.#pending.delete(id);
      pending.resolve(
        failure(
          'disconnected',
          `The connection closed before ${pending.method} was answered; it may or may not have been carried out.`,
        ),
      );
    }
  }

  #scheduleReconnect(reason: string): void {
    if (this.#stopped) return;
    this.#reason = reason;
    const { initialMs, maxMs } = this.#options.backoff;
    const delay = backoffDelay(this.#attempt, initialMs, maxMs);
    this.#attempt += 1;
    this.#retryTimer = setTimeout(() => {
      this.#connect();
    }, delay);
    this.#status(this.#everOpened ? 'reconnecting' : 'connecting', Date.now() + delay);
  }

  #send(pending: Pending): void {
    const ws = this.#ws;
    if (!ws || !this.#open) return;
    ws.send(pending.frame);
    pending.sent = true;
  }

  #receive(data: unknown): void {
    if (typeof data !== 'string') {
      console.warn('Ignoring a non-text WebSocket frame');
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(data);
    } catch {
      console.warn('Ignoring a WebSocket frame that is not JSON');
      return;
    }
    const parsed = ServerFrameSchema.safeParse(raw);
    if (!parsed.success) {
      const withId = FrameIdSchema.safeParse(raw);
      const message = `Malformed frame from the server: ${describeZodError(parsed.error)}`;
      if (withId.success) this.#settle(withId.data.id, failure('bad_frame', message));
      else console.warn(message);
      return;
    }
    const frame = parsed.data;
    if (frame.kind === 'event') this.#listeners.emit(frame.event);
    else this.#settle(frame.id, toResult(frame.result));
  }

  #settle(id: number, result: Result<unknown>): void {
    const pending = this.#pending.get(id);
    if (!pending) return; // timed out already
    clearTimeout(pending.timer);
    this.#pending.delete(id);
    pending.resolve(result);
  }

  #status(phase: ConnectionPhase, retryAt: number | null): void {
    this.#options.onStatus?.({
      phase,
      attempt: this.#attempt,
      retryAt,
      reason: this.#reason,
      everOpened: this.#everOpened,
    });
  }
}
