import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_BUSY_RETRY,
  WsTransport,
  busyRetryDelay,
  type BusyRetryPolicy,
  type SocketHandlers,
} from '../../../src-renderer/api/wsClient';

/** Issue 11: requests the server refused as `busy` are sent again after a back-off. */

class FakeSocket {
  readonly sent: string[] = [];
  constructor(readonly handlers: SocketHandlers) {}
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {}
  ids(): number[] {
    return this.sent.map((s) => (JSON.parse(s) as { id: number }).id);
  }
  receive(frame: unknown): void {
    this.handlers.onMessage(JSON.stringify(frame));
  }
  busy(id: number, retryAfterMs: number | null = 50): void {
    this.receive({
      kind: 'response',
      id,
      result: { ok: false, error: { code: 'busy', message: 'More than 4 requests in flight' } },
      ...(retryAfterMs === null ? {} : { retryAfterMs }),
    });
  }
}

const POLICY: BusyRetryPolicy = { initialMs: 100, maxMs: 1000, maxAttempts: 3, maxTotalMs: 10_000 };

function setup(busyRetry: BusyRetryPolicy = POLICY, maxInFlight = 64) {
  const sockets: FakeSocket[] = [];
  const transport = new WsTransport({
    url: 'ws://h/rpc?token=t',
    createSocket: (_url, handlers) => {
      const socket = new FakeSocket(handlers);
      sockets.push(socket);
      return socket;
    },
    requestTimeoutMs: 60_000,
    backoff: { initialMs: 100, maxMs: 100 },
    busyRetry,
    maxInFlight,
  });
  transport.start();
  const last = (): FakeSocket => {
    const socket = sockets.at(-1);
    if (!socket) throw new Error('no socket');
    return socket;
  };
  return { transport, sockets, last };
}

describe('busyRetryDelay', () => {
  it('adds full jitter over a doubling window to the server hint, both capped', () => {
    const top = () => 1;
    expect([0, 1, 2, 3, 4, 30].map((n) => busyRetryDelay(n, 50, POLICY, top))).toEqual([
      150, 250, 450, 850, 1050, 1050,
    ]);
    expect(busyRetryDelay(3, 50, POLICY, () => 0)).toBe(50);
    expect(busyRetryDelay(0, 60_000, POLICY, () => 0)).toBe(1000);
    expect(busyRetryDelay(0, 0, DEFAULT_BUSY_RETRY, () => 0.5)).toBe(50);
  });
});

describe('WebSocket transport and busy answers', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    // The top of every jitter window: delays are 50 + 100, 200, 400, ... ms.
    vi.spyOn(Math, 'random').mockReturnValue(1);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('sends a refused request again after its back-off, then settles with the answer', async () => {
    const t = setup();
    t.last().handlers.onOpen();
    const call = t.transport.call('app.info', {});
    const other = t.transport.call('runs.list', {});
    const [id, otherId] = t.last().ids();
    if (id === undefined || otherId === undefined) throw new Error('not sent');
    t.last().busy(id);
    await vi.advanceTimersByTimeAsync(149);
    expect(t.last().ids()).toEqual([id, otherId]);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.last().ids()).toEqual([id, otherId, id]);
    expect(t.last().sent[2]).toBe(t.last().sent[0]);
    t.last().busy(id);
    await vi.advanceTimersByTimeAsync(250);
    expect(t.last().ids()).toEqual([id, otherId, id, id]);
    t.last().receive({ kind: 'response', id, result: { ok: true, value: { name: 'x' } } });
    t.last().receive({ kind: 'response', id: otherId, result: { ok: true, value: [] } });
    await expect(call).resolves.toEqual({ ok: true, value: { name: 'x' } });
    await expect(other).resolves.toEqual({ ok: true, value: [] });
  });

  it('fails with a clear busy error once the attempts are spent', async () => {
    const t = setup();
    t.last().handlers.onOpen();
    const call = t.transport.call('app.info', {});
    const id = t.last().ids()[0] ?? -1;
    for (let refusal = 0; refusal < POLICY.maxAttempts; refusal += 1) {
      t.last().busy(id);
      await vi.advanceTimersByTimeAsync(POLICY.maxMs + 100);
    }
    expect(t.last().ids()).toEqual(Array<number>(POLICY.maxAttempts + 1).fill(id));
    t.last().busy(id);
    const result = await call;
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('busy');
      expect(result.error.message).toMatch(
        /refused app\.info 4 times over 0\.9 s without running it.*Try again later/,
      );
    }
    await vi.advanceTimersByTimeAsync(5000);
    expect(t.last().sent).toHaveLength(POLICY.maxAttempts + 1);
  });

  it('fails once the waiting budget would be exceeded', async () => {
    const t = setup({ ...POLICY, maxAttempts: 100, maxTotalMs: 500 });
    t.last().handlers.onOpen();
    const call = t.transport.call('app.info', {});
    const id = t.last().ids()[0] ?? -1;
    t.last().busy(id); // waits 150
    await vi.advanceTimersByTimeAsync(150);
    t.last().busy(id); // waits 250: 400 in all
    await vi.advanceTimersByTimeAsync(250);
    t.last().busy(id); // 450 more would pass 500
    const result = await call;
    expect(result).toMatchObject({ ok: false, error: { code: 'busy' } });
    expect(t.last().sent).toHaveLength(3);
  });

  it('does not retry a busy error without a retry hint: only the transport promises one', async () => {
    const t = setup();
    t.last().handlers.onOpen();
    const call = t.transport.call('app.info', {});
    t.last().busy(t.last().ids()[0] ?? -1, null);
    await expect(call).resolves.toEqual({
      ok: false,
      error: { code: 'busy', message: 'More than 4 requests in flight' },
    });
  });

  it('refuses a malformed retry hint as a bad frame', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const t = setup();
    t.last().handlers.onOpen();
    const call = t.transport.call('app.info', {});
    t.last().busy(t.last().ids()[0] ?? -1, -5);
    const result = await call;
    expect(result).toMatchObject({ ok: false, error: { code: 'bad_frame' } });
  });

  it('keeps a request waiting out its back-off across a drop and sends it on the next socket', async () => {
    const t = setup();
    t.last().handlers.onOpen();
    const waiting = t.transport.call('app.info', {});
    const inFlight = t.transport.call('runs.list', {});
    const [id, inFlightId] = t.last().ids();
    if (id === undefined || inFlightId === undefined) throw new Error('not sent');
    t.last().busy(id);
    t.last().handlers.onClose(1006, '');
    // The one on the wire may have run: it fails. The refused one did not: it waits.
    await expect(inFlight).resolves.toMatchObject({ ok: false, error: { code: 'disconnected' } });
    await vi.advanceTimersByTimeAsync(150); // back-off over while disconnected: queued
    expect(t.sockets).toHaveLength(2); // reconnected after 100 ms
    t.last().handlers.onOpen();
    expect(t.last().ids()).toEqual([id]);
    t.last().receive({ kind: 'response', id, result: { ok: true, value: 1 } });
    await expect(waiting).resolves.toEqual({ ok: true, value: 1 });
  });

  it('keeps at most maxInFlight on the wire, a refused one holding its slot', async () => {
    const t = setup(POLICY, 2);
    t.last().handlers.onOpen();
    const calls = [1, 2, 3, 4].map((limit) => t.transport.call('runs.list', { limit }));
    const [a, b] = t.last().ids();
    if (a === undefined || b === undefined) throw new Error('not sent');
    expect(t.last().ids()).toEqual([a, b]);
    t.last().busy(a); // waiting: still holds its slot
    expect(t.last().ids()).toEqual([a, b]);
    t.last().receive({ kind: 'response', id: b, result: { ok: true, value: 'b' } });
    const c = t.last().ids()[2];
    expect(t.last().ids()).toEqual([a, b, c]); // the oldest queued one took the free slot
    await vi.advanceTimersByTimeAsync(150);
    expect(t.last().ids()).toEqual([a, b, c, a]);
    t.last().receive({ kind: 'response', id: a, result: { ok: true, value: 'a' } });
    const d = t.last().ids()[4];
    t.last().receive({ kind: 'response', id: c, result: { ok: true, value: 'c' } });
    t.last().receive({ kind: 'response', id: d, result: { ok: true, value: 'd' } });
    expect((await Promise.all(calls)).map((r) => (r.ok ? r.value : null))).toEqual([
      'a',
      'b',
      'c',
      'd',
    ]);
  });

  it('narrows its window to what the server accepted, and widens it again', async () => {
    const t = setup(POLICY, 6);
    t.last().handlers.onOpen();
    const calls = Array.from({ length: 10 }, (_, i) =>
      t.transport.call('runs.list', { limit: i + 1 }),
    );
    const first = t.last().ids();
    expect(first).toHaveLength(6);
    const [a, b, ...refused] = first;
    if (a === undefined || b === undefined) throw new Error('not sent');
    // The server ran two and refused the other four: the window drops to two.
    for (const id of refused) t.last().busy(id);
    t.last().receive({ kind: 'response', id: a, result: { ok: true, value: a } });
    t.last().receive({ kind: 'response', id: b, result: { ok: true, value: b } });
    // Slots came free, but the four refused ones come first: nothing new goes out.
    expect(t.last().ids()).toEqual(first);
    await vi.advanceTimersByTimeAsync(150);
    expect(t.last().ids().slice(6)).toEqual(refused);
    for (const id of refused) {
      t.last().receive({ kind: 'response', id, result: { ok: true, value: id } });
    }
    // Six answers on a window of two widen it past four: the last four calls go out.
    const rest = t.last().ids().slice(10);
    expect(rest).toHaveLength(4);
    for (const id of rest)
      t.last().receive({ kind: 'response', id, result: { ok: true, value: id } });
    const results = await Promise.all(calls);
    expect(results.map((r) => (r.ok ? r.value : null))).toEqual([a, b, ...refused, ...rest]);
  });

  it('fails a waiting request when the client stops, and sends nothing after', async () => {
    const t = setup();
    t.last().handlers.onOpen();
    const call = t.transport.call('app.info', {});
    t.last().busy(t.last().ids()[0] ?? -1);
    t.transport.stop();
    await expect(call).resolves.toMatchObject({ ok: false, error: { code: 'disconnected' } });
    await vi.advanceTimersByTimeAsync(5000);
    expect(t.last().sent).toHaveLength(1);
  });
});
