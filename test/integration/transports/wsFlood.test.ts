import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, type RawData } from 'ws';
import type { RpcHandlers } from '../../../src-shared/rpc/contract';
import type { Result } from '../../../src-shared/result';
import { startServer, type RunningServer } from '../../../src-main/transports/wsServer';
// eslint-disable-next-line no-restricted-imports -- the page's real client against the real server: what issue 11 is about
import { WsTransport, type SocketFactory } from '../../../src-renderer/api/wsClient';
import { useTempDirs } from '../../helpers/tempDir';
import { fakeBackend } from '../../unit/transports/fakeBackend';

/**
 * Issue 11: 2,000 calls at once on one WebSocket. The server runs a few at a time and refuses
 * the rest as `busy`; every refusal must carry its request's id, and the real client must send
 * those again until each call settles with its own answer. Nothing here depends on how long
 * anything takes: the counts of refusals vary from run to run, the outcome must not.
 * The client keeps 64 requests on the wire (the server's default limit), 16 times what this
 * server accepts, so it meets refusals and has to narrow its window and retry.
 */

const tempDir = useTempDirs();
const servers: RunningServer[] = [];
const transports: WsTransport[] = [];

afterEach(async () => {
  for (const transport of transports.splice(0)) transport.stop();
  for (const server of servers.splice(0)) await server.close();
});

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

interface Tap {
  sentIds: Set<number>;
  /** Every response frame that came back, busy ones included, as parsed JSON. */
  responses: { id: number; code: string | null; retryAfterMs: unknown }[];
}

/** The page's socket, played by `ws` in Node (same URL, token and Origin), with a tap on it. */
function nodeSocketFactory(origin: string, tap: Tap): SocketFactory {
  return (url, handlers) => {
    const ws = new WebSocket(url, { origin });
    ws.on('open', () => {
      handlers.onOpen();
    });
    ws.on('message', (data: RawData) => {
      const text = rawText(data);
      const frame = JSON.parse(text) as {
        kind: string;
        id: number;
        result: Result<unknown>;
        retryAfterMs?: unknown;
      };
      if (frame.kind === 'response') {
        tap.responses.push({
          id: frame.id,
          code: frame.result.ok ? null : frame.result.error.code,
          retryAfterMs: frame.retryAfterMs,
        });
      }
      handlers.onMessage(text);
    });
    ws.on('close', (code: number, reason: Buffer) => {
      handlers.onClose(code, reason.toString());
    });
    ws.on('error', () => undefined); // 'close' follows and does the work
    return {
      send: (data) => {
        tap.sentIds.add((JSON.parse(data) as { id: number }).id);
        ws.send(data);
      },
      close: (code, reason) => {
        ws.close(code, reason);
      },
    };
  };
}

describe('a flood of calls on one WebSocket', () => {
  it('gets one answer per request, each with the request id, from the server alone', async () => {
    const CALLS = 2000;
    const fake = fakeBackend();
    const server = await startServer({
      core: fake,
      port: 0,
      staticDir: tempDir(),
      maxInFlight: 4,
    });
    servers.push(server);
    const ws = new WebSocket(
      `ws://127.0.0.1:${server.port}/rpc?token=${encodeURIComponent(server.token)}`,
      { origin: `http://127.0.0.1:${server.port}` },
    );
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const answers: { id: number; code: string | null; retryAfterMs?: unknown }[] = [];
    const all = new Promise<void>((resolve) => {
      ws.on('message', (data: RawData) => {
        const frame = JSON.parse(rawText(data)) as {
          id: number;
          result: Result<unknown>;
          retryAfterMs?: unknown;
        };
        answers.push({
          id: frame.id,
          code: frame.result.ok ? null : frame.result.error.code,
          retryAfterMs: frame.retryAfterMs,
        });
        if (answers.length === CALLS) resolve();
      });
    });
    // Some not in the client's key order, so that the full parse is used as well.
    for (let id = 0; id < CALLS; id += 1) {
      ws.send(
        id % 5 === 0
          ? JSON.stringify({ method: 'app.info', input: {}, id })
          : JSON.stringify({ id, method: 'app.info', input: {} }),
      );
    }
    await all;
    ws.terminate();
    expect(answers.map((a) => a.id).sort((a, b) => a - b)).toEqual(
      Array.from({ length: CALLS }, (_, i) => i),
    );
    const busy = answers.filter((a) => a.code === 'busy');
    expect(busy.length).toBeGreaterThan(0);
    expect(busy.every((a) => a.retryAfterMs === 50)).toBe(true);
    expect(answers.filter((a) => a.code === null)).toHaveLength(CALLS - busy.length);
    expect(fake.calls).toHaveLength(CALLS - busy.length);
    console.info(
      `raw burst: ${CALLS} frames, maxInFlight 4: ${busy.length} busy, all with their ids`,
    );
  });

  it('answers every one with its own id, and the client gets all of them through', async () => {
    const CALLS = 2000;
    const MAX_IN_FLIGHT = 4;
    const fake = fakeBackend();
    // How many times a handler really ran, per request: a retry must never run one twice.
    const runs = new Map<number, number>();
    const count = (key: number): void => {
      runs.set(key, (runs.get(key) ?? 0) + 1);
    };
    const handlers: RpcHandlers = {
      ...fake.handlers,
      // Each answer names its request, so a reply matched to the wrong call would show.
      'runs.get': async ({ id }) => {
        count(id);
        return fake.handlers['runs.get']({ id });
      },
      'runs.list': async (input) => {
        count(input.limit ?? -1);
        await Promise.resolve();
        return [];
      },
    };
    const server = await startServer({
      core: { handlers, onEvent: fake.onEvent },
      port: 0,
      staticDir: tempDir(),
      maxInFlight: MAX_IN_FLIGHT,
    });
    servers.push(server);

    const tap: Tap = { sentIds: new Set(), responses: [] };
    const transport = new WsTransport({
      url: `ws://127.0.0.1:${server.port}/rpc?token=${encodeURIComponent(server.token)}`,
      createSocket: nodeSocketFactory(`http://127.0.0.1:${server.port}`, tap),
    });
    transports.push(transport);

    // All calls are made before the socket opens, so they leave in one burst when it does.
    const calls = Array.from({ length: CALLS }, (_, i) => {
      const key = i + 1;
      return i % 2 === 0
        ? transport.call('runs.get', { id: key })
        : transport.call('runs.list', { limit: key });
    });
    transport.start();
    const results = await Promise.all(calls);

    results.forEach((result, i) => {
      const key = i + 1;
      if (i % 2 === 0) {
        expect(result, `call ${i}`).toEqual({
          ok: false,
          error: { code: 'not_found', message: `No run #${key}.` },
        });
      } else {
        expect(result, `call ${i}`).toEqual({ ok: true, value: [] });
      }
    });
    // Every handler ran exactly once per call.
    expect(runs.size).toBe(CALLS);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);

    const busy = tap.responses.filter((r) => r.code === 'busy');
    const answered = tap.responses.filter((r) => r.code !== 'busy');
    // The burst is far over the limit, so some were refused; each refusal named a request
    // that had been sent and said when to come back.
    expect(busy.length).toBeGreaterThan(0);
    for (const refusal of busy) {
      expect(tap.sentIds.has(refusal.id), `busy id ${refusal.id}`).toBe(true);
      expect(refusal.retryAfterMs).toEqual(expect.any(Number));
    }
    expect(tap.responses.every((r) => r.id >= 0)).toBe(true);
    // One real answer per call, and nothing else.
    expect(answered).toHaveLength(CALLS);
    expect(new Set(answered.map((r) => r.id)).size).toBe(CALLS);
    const refusals = new Map<number, number>();
    for (const r of busy) refusals.set(r.id, (refusals.get(r.id) ?? 0) + 1);
    console.info(
      `flood: ${CALLS} calls, maxInFlight ${MAX_IN_FLIGHT}: ${busy.length} busy answers, ` +
        `${refusals.size} calls refused at least once, at most ${Math.max(0, ...refusals.values())} ` +
        `times; all ${results.length} settled`,
    );
  });
});
