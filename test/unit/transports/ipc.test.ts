import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { RPC_METHODS } from '../../../src-shared/rpc/contract';
import type { Issue } from '../../../src-shared/result';
import {
  forwardEvents,
  isAppUrl,
  registerIpcHandlers,
  trustedSenderCheck,
  type InvokeEventLike,
  type IpcMainLike,
  type SenderFrameLike,
  type WebContentsLike,
} from '../../../src-main/transports/ipc';
import { fakeBackend } from './fakeBackend';

type Listener = (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>;

/** Behaves like Electron's ipcMain for `handle`/`invoke`: one handler per channel. */
class FakeIpcMain implements IpcMainLike {
  readonly listeners = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    if (this.listeners.has(channel))
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.listeners.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.listeners.delete(channel);
  }
  invoke(
    channel: string,
    senderFrame: SenderFrameLike | null,
    ...args: unknown[]
  ): Promise<unknown> {
    const listener = this.listeners.get(channel);
    if (listener === undefined)
      return Promise.reject(new Error(`No handler registered for '${channel}'`));
    return listener({ senderFrame }, ...args);
  }
}

const APP_URL = 'file:///opt/transferlab/out/renderer/index.html';
const mainFrame: SenderFrameLike = { url: APP_URL, parent: null };

let warnings: MockInstance<typeof console.warn>;
beforeEach(() => {
  // Refusals are logged; keep the test output quiet but check that they are.
  warnings = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => {
  warnings.mockRestore();
});

function setup(appUrl = APP_URL) {
  const ipc = new FakeIpcMain();
  const backend = fakeBackend();
  const unregister = registerIpcHandlers(ipc, backend.handlers, trustedSenderCheck(appUrl));
  return { ipc, backend, unregister };
}

describe('registerIpcHandlers', () => {
  it('registers one channel per RPC method', () => {
    const { ipc, unregister } = setup();
    expect([...ipc.listeners.keys()].sort()).toEqual(RPC_METHODS.map((m) => `rpc:${m}`).sort());
    unregister();
    expect(ipc.listeners.size).toBe(0);
  });

  it('answers the main frame of our page', async () => {
    const { ipc, backend } = setup();
    expect(await ipc.invoke('rpc:runs.list', mainFrame, { limit: 5 })).toEqual({
      ok: true,
      value: [],
    });
    expect(
      await ipc.invoke('rpc:app.info', { url: `${APP_URL}#/runs/3`, parent: null }),
    ).toMatchObject({
      ok: true,
      value: { name: 'Transferlab' },
    });
    // No input at all is an empty object, as over the WebSocket.
    expect(await ipc.invoke('rpc:app.info', mainFrame)).toMatchObject({ ok: true });
    expect(backend.calls).toContainEqual({ method: 'runs.list', input: { limit: 5 } });
  });

  it('refuses sub-frames, foreign pages, detached and destroyed frames before any handler runs', async () => {
    const { ipc, backend } = setup();
    const refused: (SenderFrameLike | null)[] = [
      { url: APP_URL, parent: mainFrame },
      { url: 'https://evil.example/', parent: null },
      { url: 'file:///opt/transferlab/out/renderer/index.html.evil', parent: null },
      { url: 'file:///tmp/evil/opt/transferlab/out/renderer/index.html', parent: null },
      { url: 'file://evilhost/opt/transferlab/out/renderer/index.html', parent: null },
      { url: 'about:blank', parent: null },
      { url: 'not a url', parent: null },
      { url: APP_URL, parent: null, detached: true },
      null,
    ];
    for (const frame of refused) {
      const answer = await ipc.invoke('rpc:runs.cancel', frame, { id: 1 });
      expect(answer, JSON.stringify(frame?.url)).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
    }
    expect(backend.calls).toEqual([]);
    expect(warnings).toHaveBeenCalledTimes(refused.length);
  });

  it('carries a method added to the contract without a line of its own (backends.list)', async () => {
    const { ipc, backend } = setup();
    expect(await ipc.invoke('rpc:backends.list', mainFrame, { refresh: true })).toMatchObject({
      ok: true,
      value: { auto: 'wasm' },
    });
    expect(backend.calls).toContainEqual({ method: 'backends.list', input: { refresh: true } });
    expect(await ipc.invoke('rpc:backends.list', mainFrame, { refresh: 'yes' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
  });

  it('has no handler for an unknown channel', async () => {
    const { ipc } = setup();
    await expect(ipc.invoke('rpc:fs.readFile', mainFrame, {})).rejects.toThrow(/No handler/);
    await expect(ipc.invoke('rpc:__proto__', mainFrame, {})).rejects.toThrow(/No handler/);
  });

  it('returns {ok:false} with issues for invalid input', async () => {
    const { ipc, backend } = setup();
    const answer = await ipc.invoke('rpc:runs.get', mainFrame, { id: 'seven', extra: true });
    expect(answer).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const issues = (answer as { error: { issues: Issue[] } }).error.issues;
    expect(issues.some((i) => i.path === 'id')).toBe(true);
    expect(issues.some((i) => i.message.includes('extra'))).toBe(true);
    expect(await ipc.invoke('rpc:app.info', mainFrame, {}, 'second')).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(backend.calls).toEqual([]);
  });

  it('returns a handler failure as {ok:false}, not a thrown error', async () => {
    const { ipc } = setup();
    expect(await ipc.invoke('rpc:runs.get', mainFrame, { id: 4 })).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'No run #4.' },
    });
  });

  it('trusts the dev server by exact origin', async () => {
    const { ipc } = setup('http://localhost:5173/');
    expect(
      await ipc.invoke('rpc:app.info', { url: 'http://localhost:5173/#/x', parent: null }),
    ).toMatchObject({ ok: true });
    for (const url of [
      'http://localhost:5173.evil.com/',
      'http://localhost:5174/',
      'https://localhost:5173/',
      'http://evil.example/?http://localhost:5173/',
    ]) {
      expect(await ipc.invoke('rpc:app.info', { url, parent: null }), url).toMatchObject({
        ok: false,
      });
    }
  });
});

describe('isAppUrl', () => {
  it('compares parsed URLs', () => {
    expect(isAppUrl(`${APP_URL}?x=1#a`, APP_URL)).toBe(true);
    expect(isAppUrl('file:///opt/transferlab/out/renderer/other.html', APP_URL)).toBe(false);
    expect(isAppUrl('file:///opt/transferlab/out/renderer/%69ndex.html', APP_URL)).toBe(false);
    expect(isAppUrl(APP_URL, 'javascript:alert(1)')).toBe(false);
  });
});

describe('forwardEvents', () => {
  it('sends each event to the current window and skips a destroyed one', () => {
    const backend = fakeBackend();
    const sent: unknown[][] = [];
    let destroyed = false;
    const contents: WebContentsLike = {
      send: (...args: unknown[]) => {
        sent.push(args);
      },
      isDestroyed: () => destroyed,
    };
    let target: WebContentsLike | null = contents;
    const stop = forwardEvents(backend.onEvent, () => target);
    const event = { type: 'experiment.created', experimentId: 3 } as const;
    backend.emit(event);
    expect(sent).toEqual([['app:event', event]]);
    destroyed = true;
    backend.emit(event);
    target = null;
    backend.emit(event);
    expect(sent).toHaveLength(1);
    stop();
    expect(backend.listenerCount()).toBe(0);
  });
});
