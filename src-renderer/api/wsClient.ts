import type { AppEvent } from '../../src-shared/rpc/events';
import type { RpcMethod } from '../../src-shared/rpc/contract';
import type { Result } from '../../src-shared/result';
import { BUSY_CODE, DEFAULT_MAX_IN_FLIGHT, type WsRequest } from '../../src-shared/rpc/wire';
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
  /** The longest a call may take in all, retries after `busy` included. */
  requestTimeoutMs?: number;
  /** Reconnecting after a drop. */
  backoff?: { initialMs: number; maxMs: number };
  /**
   * Requests on the wire at once (sent, or refused as `busy` and waiting to be sent again); more
   * wait here, in order, for a slot. The server's default limit unless told otherwise.
   */
  maxInFlight?: number;
  /** Sending a request again after the server answered `busy` (issue 11). */
  busyRetry?: BusyRetryPolicy;
  /** Opens a socket: the browser's WebSocket in the app, a fake in tests. */
  createSocket: SocketFactory;
}

export interface BusyRetryPolicy {
  /** The first back-off window; it doubles with each refusal... */
  initialMs: number;
  /** ...up to this (the server's hint is capped here too). */
  maxMs: number;
  /** Re-sends after the first refusal; one more refusal fails the call. */
  maxAttempts: number;
  /** The most time spent waiting between re-sends of one call. */
  maxTotalMs: number;
}

/**
 * After the server's 50 ms hint, windows of 100 ms, 200 ms, ... up to 5 s: ten re-sends wait
 * between 0.5 s and ~27 s in all (30 s at most). A server busy for longer than that turns into a
 * clear `busy` error, not a hang.
 */
export const DEFAULT_BUSY_RETRY: BusyRetryPolicy = {
  initialMs: 100,
  maxMs: 5_000,
  maxAttempts: 10,
  maxTotalMs: 30_000,
};

interface Pending {
  method: RpcMethod;
  frame: string;
  /**
   * queued: waits for an open socket and a free slot (in `#queue`); sent: on the wire, its outcome
   * unknown until answered; waiting: refused as `busy` (so not run), to be sent again when
   * `retryTimer` fires. Sent and waiting requests hold a slot (`#active`).
   */
  state: 'queued' | 'sent' | 'waiting';
  resolve: (result: Result<unknown>) => void;
  timer: ReturnType<typeof setTimeout>;
  retryTimer: ReturnType<typeof setTimeout> | null;
  /** `busy` refusals so far, and the back-off waited after them. */
  refusals: number;
  waitedMs: number;
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

/**
 * The wait before sending a request again after a `busy` answer: the server's hint, then "full
 * jitter" over a window that doubles with each refusal (Brooker, "Exponential Backoff And Jitter",
 * AWS Architecture Blog 2015). All the requests that one burst got refused come back spread over
 * the whole window, rather than as the same burst a little later.
 */
export function busyRetryDelay(
  refusals: number,
  hintMs: number,
  policy: Pick<BusyRetryPolicy, 'initialMs' | 'maxMs'>,
  random = Math.random,
): number {
  const window = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(refusals, 20));
  return Math.round(Math.min(hintMs, policy.maxMs) + random() * window);
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
 *
 * Overload (issue 11): at most `maxInFlight` requests are on the wire; the rest wait here in order.
 * A request the server answered `busy` (with `retryAfterMs`) was not run, so it is sent again after
 * a back-off, a bounded number of times, before the call fails with `busy`; it keeps its slot while
 * it waits, so that a refusing server sees fewer requests from this page, not more.
 */
export class WsTransport implements Transport {
  readonly #options: Required<Omit<WsTransportOptions, 'onStatus' | 'onReopen'>> &
    Pick<WsTransportOptions, 'onStatus' | 'onReopen'>;
  readonly #pending = new Map<number, Pending>();
  /** Ids of the queued requests, oldest first. */
  readonly #queue = new Set<number>();
  /** Requests holding a slot: sent or waiting; and of those, the waiting ones. */
  #active = 0;
  #waiting = 0;
  /**
   * How many slots the pump fills: `maxInFlight`, lowered by `busy` answers to what the server
   * was found to accept, and raised again by one per window's worth of answers (see #retryBusy).
   */
  #window: number;
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
      maxInFlight: DEFAULT_MAX_IN_FLIGHT,
      busyRetry: DEFAULT_BUSY_RETRY,
      ...options,
    };
    this.#window = this.#options.maxInFlight;
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
    for (const id of [...this.#pending.keys()]) {
      this.#settle(id, failure('disconnected', 'The client was closed.'));
    }
  }

  call(method: RpcMethod, input: unknown): Promise<Result<unknown>> {
    return new Promise((resolve) => {
      const id = this.#nextId++;
      const request: WsRequest = { id, method, input: input ?? {} };
      const seconds = Math.round(this.#options.requestTimeoutMs / 1000);
      const timer = setTimeout(() => {
        this.#settle(id, failure('timeout', `No answer to ${method} within ${seconds} s.`));
      }, this.#options.requestTimeoutMs);
      const pending: Pending = {
        method,
        frame: JSON.stringify(request),
        state: 'queued',
        resolve,
        timer,
        retryTimer: null,
        refusals: 0,
        waitedMs: 0,
      };
      this.#pending.set(id, pending);
      this.#queue.add(id);
      this.#pump();
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
          this.#window = this.#options.maxInFlight; // perhaps a restarted server, other limits
          this.#status('open', null);
          this.#pump();
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

  /**
   * Requests already sent on a dropped socket: their outcome is unknown, so they fail. Those
   * waiting out a `busy` back-off were not run and go out on the next connection.
   */
  #failSent(): void {
    for (const [id, pending] of [...this.#pending]) {
      if (pending.state !== 'sent') continue;
      this.#settle(
        id,
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

  /** Sends queued requests, oldest first, while the socket is open and slots are free. */
  #pump(): void {
    for (const id of this.#queue) {
      if (!this.#open || this.#active >= Math.floor(this.#window)) return;
      this.#queue.delete(id);
      const pending = this.#pending.get(id);
      if (!pending) continue;
      this.#active += 1;
      this.#transmit(pending);
    }
  }

  /** Puts a request that holds a slot on the wire. */
  #transmit(pending: Pending): void {
    this.#ws?.send(pending.frame);
    pending.state = 'sent';
  }

  /**
   * The server refused a sent request as `busy` and did not run it: send it again after a back-off,
   * or fail the call with `busy` once the attempts or the waiting budget are spent.
   *
   * The server refuses when this connection has its limit of requests running, and those are
   * among the ones still on the wire here (their answers follow the refusal): so the window drops
   * to that count, and the pump sends nothing new until the refused ones are through. Without it
   * the queue's fresh requests would take every slot the server frees, and the refused ones,
   * coming back after their back-off, would be refused again until the queue ran dry.
   */
  #retryBusy(id: number, hintMs: number, message: string): void {
    const pending = this.#pending.get(id);
    if (pending?.state !== 'sent') return; // timed out already, or a stray answer
    const othersOnWire = this.#active - this.#waiting - 1;
    this.#window = Math.max(1, Math.min(this.#window, othersOnWire));
    const policy = this.#options.busyRetry;
    const delay = busyRetryDelay(pending.refusals, hintMs, policy);
    pending.refusals += 1;
    if (pending.refusals > policy.maxAttempts || pending.waitedMs + delay > policy.maxTotalMs) {
      const seconds = Math.round(pending.waitedMs / 100) / 10;
      this.#settle(
        id,
        failure(
          BUSY_CODE,
          `The server is overloaded: it refused ${pending.method} ${pending.refusals} times over ${seconds} s ` +
            `without running it (${message}). Try again later.`,
        ),
      );
      return;
    }
    pending.waitedMs += delay;
    pending.state = 'waiting';
    this.#waiting += 1;
    pending.retryTimer = setTimeout(() => {
      pending.retryTimer = null;
      if (this.#pending.get(id) !== pending) return;
      this.#waiting -= 1;
      if (this.#open) {
        this.#transmit(pending);
      } else {
        // The socket is down: give the slot back and go out with the others on the next open.
        pending.state = 'queued';
        this.#active -= 1;
        this.#queue.add(id);
      }
    }, delay);
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
    if (frame.kind === 'event') {
      this.#listeners.emit(frame.event);
    } else if (
      !frame.result.ok &&
      frame.result.error.code === BUSY_CODE &&
      frame.retryAfterMs !== undefined
    ) {
      this.#retryBusy(frame.id, frame.retryAfterMs, frame.result.error.message);
    } else {
      if (this.#pending.get(frame.id)?.state === 'sent') {
        // Additive increase: one more slot per window's worth of answers, up to maxInFlight.
        this.#window = Math.min(this.#options.maxInFlight, this.#window + 1 / this.#window);
      }
      this.#settle(frame.id, toResult(frame.result));
    }
  }

  /** Ends a call: its one way out, whatever the outcome. */
  #settle(id: number, result: Result<unknown>): void {
    const pending = this.#pending.get(id);
    if (!pending) return; // timed out already
    clearTimeout(pending.timer);
    if (pending.retryTimer !== null) clearTimeout(pending.retryTimer);
    this.#pending.delete(id);
    if (pending.state === 'queued') {
      this.#queue.delete(id);
    } else {
      this.#active -= 1;
      if (pending.state === 'waiting') this.#waiting -= 1;
    }
    pending.resolve(result);
    this.#pump(); // a slot may have come free
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
