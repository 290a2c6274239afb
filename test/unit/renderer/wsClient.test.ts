import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppEvent } from '../../../src-shared/rpc/events';
import {
  WsTransport,
  backoffDelay,
  type ConnectionSnapshot,
  type SocketHandlers,
} from '../../../src-renderer/api/wsClient';

/** A fake socket the test drives: it records frames and fires the handlers on demand. */
class FakeSocket {
  readonly sent: string[] = [];
  closed = false;
  constructor(
    readonly url: string,
    readonly handlers: SocketHandlers,
  ) {}
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {
    this.closed = true;
  }
  open(): void {
    this.handlers.onOpen();
  }
  receive(frame: unknown): void {
    this.handlers.onMessage(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }
  drop(code = 1006): void {
    this.handlers.onClose(code, '');
  }
  requests(): { id: number; method: string; input: unknown }[] {
    return this.sent.map((s) => JSON.parse(s) as { id: number; method: string; input: unknown });
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const statuses: ConnectionSnapshot[] = [];
  let reopened = 0;
  const transport = new WsTransport({
    url: 'ws://h/rpc?token=t',
    createSocket: (url, handlers) => {
      const socket = new FakeSocket(url, handlers);
      sockets.push(socket);
      return socket;
    },
    onStatus: (s) => statuses.push(s),
    onReopen: () => {
      reopened += 1;
    },
    requestTimeoutMs: 5000,
    backoff: { initialMs: 100, maxMs: 1000 },
  });
  transport.start();
  const last = (): FakeSocket => {
    const socket = sockets.at(-1);
    if (!socket) throw new Error('no socket');
    return socket;
  };
  return { transport, sockets, statuses, last, reopened: () => reopened };
}

const event: AppEvent = { type: 'experiment.created', experimentId: 4 };

describe('WebSocket transport', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('queues requests until the socket opens, then matches responses by id', async () => {
    const t = setup();
    const info = t.transport.call('app.info', {});
    const runs = t.transport.call('runs.list', { limit: 5 });
    expect(t.last().sent).toEqual([]);
    t.last().open();
    const [first, second] = t.last().requests();
    expect(first).toMatchObject({ method: 'app.info', input: {} });
    expect(second).toMatchObject({ method: 'runs.list', input: { limit: 5 } });
    t.last().receive({ kind: 'response', id: second?.id, result: { ok: true, value: [] } });
    t.last().receive({
      kind: 'response',
      id: first?.id,
      result: {
        ok: false,
        error: { code: 'internal', message: 'boom', issues: [{ path: 'a', message: 'b' }] },
      },
    });
    await expect(runs).resolves.toEqual({ ok: true, value: [] });
    await expect(info).resolves.toEqual({
      ok: false,
      error: { code: 'internal', message: 'boom', issues: [{ path: 'a', message: 'b' }] },
    });
  });

  it('fans parsed events out and drops malformed frames', () => {
    const t = setup();
    const seen: AppEvent[] = [];
    t.transport.subscribe((e) => seen.push(e));
    t.transport.subscribe((e) => seen.push(e));
    t.last().open();
    t.last().receive({ kind: 'event', event });
    t.last().receive({ kind: 'event', event: { type: 'run.status', runId: 'x' } });
    t.last().receive('not json');
    expect(seen).toEqual([event, event]);
  });

  it('fails a request whose response is malformed', async () => {
    const t = setup();
    const call = t.transport.call('app.info', {});
    t.last().open();
    t.last().receive({ kind: 'response', id: t.last().requests()[0]?.id, result: { ok: 'yes' } });
    const result = await call;
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('bad_frame');
  });

  it('fails sent requests on a drop, keeps unsent ones, reconnects with backoff', async () => {
    const t = setup();
    t.last().open();
    const sent = t.transport.call('experiments.list', {});
    t.last().drop();
    const later = t.transport.call('runs.list', {});
    const result = await sent;
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('disconnected');
    expect(t.statuses.at(-1)).toMatchObject({
      phase: 'reconnecting',
      attempt: 1,
      everOpened: true,
    });
    expect(t.sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(200);
    expect(t.sockets).toHaveLength(2);
    t.last().open();
    expect(t.reopened()).toBe(1);
    expect(
      t
        .last()
        .requests()
        .map((r) => r.method),
    ).toEqual(['runs.list']);
    t.last().receive({
      kind: 'response',
      id: t.last().requests()[0]?.id,
      result: { ok: true, value: [] },
    });
    await expect(later).resolves.toEqual({ ok: true, value: [] });
  });

  it('ignores events from a replaced socket', () => {
    const t = setup();
    const first = t.last();
    first.drop();
    t.transport.reconnectNow();
    const seen: AppEvent[] = [];
    t.transport.subscribe((e) => seen.push(e));
    first.receive({ kind: 'event', event });
    expect(seen).toEqual([]);
  });

  it('times a request out', async () => {
    const t = setup();
    t.last().open();
    const call = t.transport.call('app.info', {});
    await vi.advanceTimersByTimeAsync(5000);
    const result = await call;
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('timeout');
  });

  it('backs off exponentially up to a ceiling, with jitter', () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(a, 500, 10_000, mid))).toEqual([
      500, 1000, 2000, 4000, 10_000,
    ]);
    expect(backoffDelay(0, 1000, 10_000, () => 0)).toBe(750);
    expect(backoffDelay(0, 1000, 10_000, () => 1)).toBe(1250);
  });
});
