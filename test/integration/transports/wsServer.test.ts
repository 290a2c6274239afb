import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect as connectTcp } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, type RawData } from 'ws';
import type { WsServerFrame } from '../../../src-shared/rpc/wire';
import { startServer, type RunningServer } from '../../../src-main/transports/wsServer';
import { useTempDirs } from '../../helpers/tempDir';
import { fakeBackend } from '../../unit/transports/fakeBackend';

const tempDir = useTempDirs();
const servers: RunningServer[] = [];
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  for (const server of servers.splice(0)) await server.close();
});

const SECRET = 'top-secret-outside-the-root';

/** A renderer folder with a page and an asset, beside a file that must never be served. */
function makeSite(): string {
  const base = tempDir();
  const site = join(base, 'renderer');
  mkdirSync(join(site, 'assets'), { recursive: true });
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>Transferlab</title>');
  writeFileSync(join(site, 'assets', 'app.js'), 'console.log(1);');
  writeFileSync(join(site, 'assets', 'style.css'), 'body{}');
  writeFileSync(join(base, 'secret.txt'), SECRET);
  symlinkSync(join(base, 'secret.txt'), join(site, 'link.txt'));
  return site;
}

async function start(options: { maxMessageBytes?: number; uploadsDir?: string } = {}) {
  const backend = fakeBackend();
  const server = await startServer({ core: backend, port: 0, staticDir: makeSite(), ...options });
  servers.push(server);
  return { server, backend };
}

interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP GET: the path is sent exactly as given (fetch would normalise `..`). */
function get(port: number, path: string, host = `127.0.0.1:${port}`): Promise<HttpAnswer> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'GET', headers: { Host: host } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          });
        });
      },
    );
    // A request line the HTTP parser rejects ends in a destroyed socket: status 0.
    req.on('error', () => {
      resolve({ status: 0, headers: {}, body: '' });
    });
    req.end();
  });
}

/** A POST without credentials, as another local program or page might send it. */
function post(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { Host: `127.0.0.1:${port}`, 'Content-Type': 'application/octet-stream' },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end('data');
  });
}

/** Raw bytes on a socket, for requests an HTTP client will not send (no Host at all). */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp(port, '127.0.0.1', () => socket.end(text));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => {
      resolve(Buffer.concat(chunks).toString());
    });
    socket.on('error', reject);
  });
}

type Connection = { ws: WebSocket } | { refused: number };

function connect(
  port: number,
  options: { token?: string | null; host?: string; origin?: string | null; path?: string } = {},
  token = '',
): Promise<Connection> {
  const query =
    options.token === null ? '' : `?token=${encodeURIComponent(options.token ?? token)}`;
  const url = `ws://127.0.0.1:${port}${options.path ?? '/rpc'}${query}`;
  const headers: Record<string, string> = {};
  if (options.host !== undefined) headers.Host = options.host;
  const origin = options.origin === undefined ? `http://127.0.0.1:${port}` : options.origin;
  const ws = new WebSocket(url, { headers, ...(origin !== null ? { origin } : {}) });
  sockets.push(ws);
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      resolve({ ws });
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve({ refused: res.statusCode ?? 0 });
      res.resume();
    });
    ws.once('error', reject);
  });
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString();
  if (Array.isArray(data)) return Buffer.concat(data).toString();
  return Buffer.from(data).toString();
}

function nextFrame(ws: WebSocket): Promise<WsServerFrame> {
  return new Promise((resolve) => {
    ws.once('message', (data: RawData) => {
      resolve(JSON.parse(rawText(data)) as WsServerFrame);
    });
  });
}

async function rpc(ws: WebSocket, payload: string): Promise<WsServerFrame> {
  const answer = nextFrame(ws);
  ws.send(payload);
  return answer;
}

async function open(server: RunningServer): Promise<WebSocket> {
  const c = await connect(server.port, {}, server.token);
  if (!('ws' in c)) throw new Error(`refused with ${c.refused}`);
  return c.ws;
}

describe('startServer', () => {
  it('binds 127.0.0.1 and hands out a URL with a long random token', async () => {
    const { server } = await start();
    const other = await start();
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(other.server.token).not.toBe(server.token);
  });

  it('accepts the right token, Host and Origin, and answers an RPC', async () => {
    const { server, backend } = await start();
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`]) {
      const c = await connect(server.port, { host, origin: `http://${host}` }, server.token);
      expect(c).toHaveProperty('ws');
      if (!('ws' in c)) return;
      const frame = await rpc(c.ws, JSON.stringify({ id: 7, method: 'app.info', input: {} }));
      expect(frame).toEqual({
        kind: 'response',
        id: 7,
        result: { ok: true, value: expect.objectContaining({ name: 'Transferlab' }) as unknown },
      });
    }
    expect(backend.calls.filter((c) => c.method === 'app.info')).toHaveLength(2);
  });

  it('refuses a missing token, a wrong token, a repeated token and the wrong path', async () => {
    const { server } = await start();
    expect(await connect(server.port, { token: null }, server.token)).toEqual({ refused: 401 });
    expect(await connect(server.port, { token: 'wrong' }, server.token)).toEqual({ refused: 401 });
    expect(await connect(server.port, { token: `${server.token}x` }, server.token)).toEqual({
      refused: 401,
    });
    expect(await connect(server.port, { token: '' }, server.token)).toEqual({ refused: 401 });
    const twice = `${server.token}&token=${server.token}`;
    const c = await connect(
      server.port,
      { path: `/rpc?token=${twice}`, token: null },
      server.token,
    );
    expect(c).toEqual({ refused: 401 });
    expect(await connect(server.port, { path: '/other' }, server.token)).toEqual({ refused: 404 });
  });

  it('refuses a foreign Host (DNS rebinding) even with the right token', async () => {
    const { server } = await start();
    for (const host of [
      'evil.example',
      `evil.example:${server.port}`,
      '127.0.0.1:1',
      `[::1]:${server.port}`,
    ]) {
      expect(await connect(server.port, { host }, server.token)).toEqual({ refused: 403 });
    }
  });

  it('refuses a foreign or missing Origin even with the right token', async () => {
    const { server } = await start();
    for (const origin of [
      'http://evil.example',
      `http://evil.example:${server.port}`,
      `https://127.0.0.1:${server.port}`,
      `http://127.0.0.1:${server.port + 1}`,
      'null',
      null,
    ]) {
      expect(await connect(server.port, { origin }, server.token)).toEqual({ refused: 403 });
    }
  });

  it('answers a malformed frame with an error and keeps working', async () => {
    const { server } = await start();
    const ws = await open(server);
    const notJson = await rpc(ws, '{not json');
    expect(notJson).toMatchObject({
      kind: 'response',
      id: -1,
      result: { ok: false, error: { code: 'bad_frame' } },
    });
    const noMethod = await rpc(ws, JSON.stringify({ id: 3, input: {} }));
    expect(noMethod).toMatchObject({ id: 3, result: { ok: false, error: { code: 'bad_frame' } } });
    const extraKey = await rpc(ws, JSON.stringify({ id: 4, method: 'app.info', input: {}, x: 1 }));
    expect(extraKey).toMatchObject({ id: 4, result: { ok: false } });
    const array = await rpc(ws, '[1,2,3]');
    expect(array).toMatchObject({ id: -1, result: { ok: false } });
    const binary = nextFrame(ws);
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await binary).toMatchObject({
      id: -1,
      result: { ok: false, error: { code: 'bad_frame' } },
    });
    const unknown = await rpc(ws, JSON.stringify({ id: 5, method: 'fs.readFile', input: {} }));
    expect(unknown).toMatchObject({
      id: 5,
      result: { ok: false, error: { code: 'unknown_method' } },
    });
    const proto = await rpc(ws, JSON.stringify({ id: 6, method: '__proto__', input: {} }));
    expect(proto).toMatchObject({
      id: 6,
      result: { ok: false, error: { code: 'unknown_method' } },
    });
    const badInput = await rpc(
      ws,
      JSON.stringify({ id: 8, method: 'runs.get', input: { id: 'x' } }),
    );
    expect(badInput).toMatchObject({
      id: 8,
      result: {
        ok: false,
        error: { code: 'invalid_input', issues: [{ path: 'id' }] },
      },
    });
    const failing = await rpc(ws, JSON.stringify({ id: 9, method: 'runs.get', input: { id: 2 } }));
    expect(failing).toMatchObject({ id: 9, result: { ok: false, error: { code: 'not_found' } } });
    const fine = await rpc(ws, JSON.stringify({ id: 10, method: 'runs.cancel', input: { id: 1 } }));
    expect(fine).toEqual({
      kind: 'response',
      id: 10,
      result: { ok: true, value: { cancelled: true } },
    });
  });

  it('closes a connection whose message is over the size cap, and the server goes on', async () => {
    const { server } = await start({ maxMessageBytes: 1024 });
    const ws = await open(server);
    const closed = new Promise<number>((resolve) =>
      ws.once('close', (code) => {
        resolve(code);
      }),
    );
    ws.send(JSON.stringify({ id: 1, method: 'app.info', input: { pad: 'x'.repeat(4096) } }));
    expect(await closed).toBe(1009);
    const again = await open(server);
    const frame = await rpc(again, JSON.stringify({ id: 2, method: 'app.info', input: {} }));
    expect(frame).toMatchObject({ id: 2, result: { ok: true } });
  });

  it('broadcasts core events to every client, with non-finite numbers as null', async () => {
    const { server, backend } = await start();
    const a = await open(server);
    const b = await open(server);
    const frames = [nextFrame(a), nextFrame(b)];
    backend.emit({
      type: 'run.epoch',
      runId: 1,
      experimentId: 1,
      epoch: 2,
      epochs: 5,
      values: { loss: Number.NaN, acc: 0.5, val_loss: Number.POSITIVE_INFINITY },
      elapsedS: 1.5,
    });
    for (const frame of await Promise.all(frames)) {
      expect(frame).toEqual({
        kind: 'event',
        event: {
          type: 'run.epoch',
          runId: 1,
          experimentId: 1,
          epoch: 2,
          epochs: 5,
          values: { loss: null, acc: 0.5, val_loss: null },
          elapsedS: 1.5,
        },
      });
    }
  });

  it('unsubscribes from the core and drops clients on close', async () => {
    const { server, backend } = await start();
    const ws = await open(server);
    expect(backend.listenerCount()).toBe(1);
    const closed = new Promise<void>((resolve) =>
      ws.once('close', () => {
        resolve();
      }),
    );
    await server.close();
    await closed;
    expect(backend.listenerCount()).toBe(0);
    await server.close();
  });
});

describe('static files', () => {
  it('serves the renderer with content types and a CSP', async () => {
    const { server } = await start();
    const page = await get(server.port, '/?token=abc');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Transferlab</title>');
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${server.port}`);
    expect(csp).toContain("img-src 'self' data:");
    expect(csp).not.toContain('unsafe-eval');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect((await get(server.port, '/assets/app.js')).headers['content-type']).toBe(
      'text/javascript; charset=utf-8',
    );
    expect((await get(server.port, '/assets/style.css')).headers['content-type']).toBe(
      'text/css; charset=utf-8',
    );
    expect((await get(server.port, '/missing.js')).status).toBe(404);
  });

  it('serves the app without the token, while the RPC and uploads need it (README)', async () => {
    // The page, its scripts and styles hold no data, and must load before the page can read
    // its token from its own URL; everything that reaches the core needs the token.
    const { server } = await start({ uploadsDir: tempDir() });
    for (const path of ['/', '/index.html', '/assets/app.js', '/assets/style.css']) {
      expect((await get(server.port, path)).status, path).toBe(200);
    }
    expect(await connect(server.port, { token: null }, server.token)).toEqual({ refused: 401 });
    expect(await post(server.port, `/api/uploads`)).toBe(401);
    expect(await post(server.port, `/api/uploads?token=${server.token}`)).toBe(401);
    // Only reading files: no other method on the static side.
    expect(await post(server.port, '/')).toBe(405);
    // Without the token, but still only to our own Host name (DNS rebinding).
    expect((await get(server.port, '/assets/app.js', 'evil.example')).status).toBe(403);
  });

  it('refuses path traversal, encoded or not, and symlinks out of the root', async () => {
    const { server } = await start();
    for (const path of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E%2Fsecret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '/..\\secret.txt',
      '/%00/../secret.txt',
      '/index.html%00.js',
      '/%',
      '/link.txt',
      'secret.txt',
      '//secret.txt',
      `/${'../'.repeat(20)}etc/passwd`,
    ]) {
      const answer = await get(server.port, path);
      expect(answer.status === 0 || answer.status >= 400, `${path}: ${answer.status}`).toBe(true);
      expect(answer.body, path).not.toContain(SECRET);
      expect(answer.body, path).not.toContain('root:');
    }
  });

  it('answers 403 to a foreign Host header', async () => {
    const { server } = await start();
    expect((await get(server.port, '/', `localhost:${server.port}`)).status).toBe(200);
    for (const host of [
      'evil.example',
      `evil.example:${server.port}`,
      `127.0.0.1:${server.port + 1}`,
    ]) {
      const answer = await get(server.port, '/', host);
      expect(answer.status, host).toBe(403);
      expect(answer.body).not.toContain('Transferlab');
    }
    for (const request of [
      'GET / HTTP/1.0\r\n\r\n',
      'GET / HTTP/1.1\r\nConnection: close\r\n\r\n',
    ]) {
      const answer = await rawRequest(server.port, request);
      expect(answer).toMatch(/^HTTP\/1\.1 4\d\d /);
      expect(answer).not.toContain('<title>');
    }
  });
});
