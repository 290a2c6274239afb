import { createReadStream } from 'node:fs';
import {
  createServer,
  STATUS_CODES,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { Core } from '../core/types';
import { DEFAULT_MAX_IN_FLIGHT, type WsServerFrame } from '../../src-shared/rpc/wire';
import {
  isAllowedHost,
  isAllowedOrigin,
  LOOPBACK_HOST,
  newToken,
  securityHeaders,
  tokensEqual,
} from './httpGuard';
import { contentTypeFor, resolveStaticFile } from './staticFiles';
import { DEFAULT_MAX_UPLOAD_BYTES, handleUpload, sweepUploads, UPLOAD_PATH } from './uploads';
import { busyFrame, eventFrame, handleFrame, serializeFrame } from './wsFrames';

/**
 * The headless workbench: the built renderer over HTTP and the RPC contract over a WebSocket,
 * both on 127.0.0.1 only. The browser opens `url` (which carries the token); the renderer's
 * WebSocket client connects to `/rpc?token=...` on the same origin.
 */

/** What the server needs from the core; a test passes a fake with the same shape. */
export type WorkbenchBackend = Pick<Core, 'handlers' | 'onEvent'>;

export interface ServerOptions {
  core: WorkbenchBackend;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The built renderer (out/renderer). A missing folder only makes every page a 404. */
  staticDir: string;
  /** Largest incoming WebSocket message; bigger ones close the connection (1009). */
  maxMessageBytes?: number;
  /**
   * Requests one connection may have running at once; more are not run but answered `busy`, with
   * their own id and a `retryAfterMs` hint (the client sends them again after a back-off).
   */
  maxInFlight?: number;
  /** Where `POST /api/uploads` stores files (the workspace's uploads/); absent: no uploads. */
  uploadsDir?: string;
  /** Largest upload accepted (default 4 GiB). */
  maxUploadBytes?: number;
}

export interface RunningServer {
  /** The page to open, token included: http://127.0.0.1:<port>/?token=<token> */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export const RPC_PATH = '/rpc';
const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;
/**
 * The least wait a `busy` answer asks for. Short: a handler usually ends within milliseconds, and
 * the client adds its own growing, jittered back-off on top.
 */
export const BUSY_RETRY_AFTER_MS = 50;
/** Above this much unsent data a client is slow: progress events to it are skipped. */
const SLOW_CLIENT_BYTES = 4 * 1024 * 1024;

function splitUrl(raw: string | undefined): { pathname: string; query: URLSearchParams } {
  // Parsed by hand: `new URL('//evil/x', base)` would read `evil` as a host.
  const url = raw ?? '/';
  const hash = url.indexOf('#');
  const withoutHash = hash < 0 ? url : url.slice(0, hash);
  const q = withoutHash.indexOf('?');
  return q < 0
    ? { pathname: withoutHash, query: new URLSearchParams() }
    : { pathname: withoutHash.slice(0, q), query: new URLSearchParams(withoutHash.slice(q + 1)) };
}

function rawDataToText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/** Answers a refused upgrade with a plain HTTP status, then destroys the socket. */
function refuseUpgrade(socket: Duplex, status: number): void {
  const body = `${STATUS_CODES[status] ?? 'Refused'}\n`;
  const timer = setTimeout(() => {
    socket.destroy();
  }, 1000);
  socket.once('finish', () => {
    clearTimeout(timer);
    socket.destroy();
  });
  socket.once('error', () => {
    socket.destroy();
  });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Connection: close\r\nContent-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const onError = (e: Error): void => {
      reject(e);
    };
    server.once('error', onError);
    server.listen({ port, host: LOOPBACK_HOST, exclusive: true }, () => {
      server.off('error', onError);
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error('The server has no TCP address'));
      } else {
        resolvePort(address.port);
      }
    });
  });
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { core, staticDir } = options;
  const maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  const token = newToken();
  // The port is known only after listen(); the handlers below read it when requests arrive.
  let port = -1;

  const serveStatic = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const headers = securityHeaders(port);
    if (!isAllowedHost(req.headers.host, port)) {
      res.writeHead(403, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Forbidden: unknown Host\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD' });
      res.end();
      return;
    }
    const { pathname } = splitUrl(req.url);
    const file = await resolveStaticFile(staticDir, pathname);
    if (file === null) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Not found\n');
      return;
    }
    const type = contentTypeFor(file.path);
    res.writeHead(200, {
      ...headers,
      'Content-Type': type,
      'Content-Length': String(file.size),
      'Cache-Control': type.startsWith('text/html') ? 'no-store' : 'no-cache',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(file.path);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  };

  const uploadsDir = options.uploadsDir;
  const server = createServer((req, res) => {
    if (uploadsDir !== undefined && splitUrl(req.url).pathname === UPLOAD_PATH) {
      handleUpload(req, res, {
        dir: uploadsDir,
        maxBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
        token,
        port,
      }).catch(() => {
        res.destroy();
      });
      return;
    }
    serveStatic(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.on('clientError', (_e, socket) => {
    socket.destroy();
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    // Compression buys nothing on loopback and has a history of memory problems.
    perMessageDeflate: false,
  });

  /** The HTTP status refusing a WebSocket upgrade, or null to accept it. */
  const upgradeRefusal = (req: IncomingMessage): number | null => {
    if (!isAllowedHost(req.headers.host, port)) return 403;
    const { pathname, query } = splitUrl(req.url);
    if (pathname !== RPC_PATH) return 404;
    // Browsers always send Origin on a WebSocket, and a page of another site sends its own.
    // A client without one is refused too: only our page is meant to connect.
    if (!isAllowedOrigin(req.headers.origin, port)) return 403;
    const tokens = query.getAll('token');
    if (tokens.length !== 1 || !tokensEqual(token, tokens[0])) return 401;
    return null;
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {
      socket.destroy();
    });
    const refusal = upgradeRefusal(req);
    if (refusal !== null) {
      refuseUpgrade(socket, refusal);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      wss.emit('connection', ws, req);
    });
  });

  wss.on('connection', (ws: WebSocket) => {
    let inFlight = 0;
    ws.on('error', () => {
      ws.terminate();
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const text = isBinary ? null : rawDataToText(data);
      if (inFlight >= maxInFlight) {
        // Every request gets an answer with its own id, a refused one too (issue 11).
        send(ws, busyFrame(text, maxInFlight, BUSY_RETRY_AFTER_MS));
        return;
      }
      inFlight += 1;
      handleFrame(core.handlers, text)
        .then((frame) => {
          send(ws, frame);
        })
        // handleFrame never rejects; this only keeps a failing send from going unhandled.
        .catch(() => undefined)
        .finally(() => {
          inFlight -= 1;
        });
    });
  });

  const unsubscribe = core.onEvent((event) => {
    const text = serializeFrame(eventFrame(event));
    if (text === null) return;
    for (const client of wss.clients) {
      if (client.readyState !== WebSocket.OPEN) continue;
      // Progress is superseded by the next report: a client that cannot keep up skips some.
      const lossy = event.type === 'run.progress' || event.type === 'dataset.importProgress';
      if (lossy && client.bufferedAmount > SLOW_CLIENT_BYTES) continue;
      client.send(text);
    }
  });

  try {
    port = await listen(server, options.port ?? 0);
  } catch (e) {
    unsubscribe();
    throw e;
  }

  // Uploads nobody imported are deleted after a day: at start, then every hour.
  const sweep = (): void => {
    if (uploadsDir !== undefined) sweepUploads(uploadsDir).catch(() => undefined);
  };
  sweep();
  const sweeper = setInterval(sweep, 60 * 60 * 1000);
  sweeper.unref();

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolveClose) => {
      clearInterval(sweeper);
      unsubscribe();
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.close(() => {
        resolveClose();
      });
      server.closeAllConnections();
    });
    return closing;
  };

  return {
    url: `http://${LOOPBACK_HOST}:${port}/?token=${encodeURIComponent(token)}`,
    port,
    token,
    close,
  };
}

function send(ws: WebSocket, frame: WsServerFrame): void {
  if (ws.readyState !== WebSocket.OPEN) return;
  const text = serializeFrame(frame);
  if (text !== null) ws.send(text);
}
