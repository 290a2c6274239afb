import { RPC_METHODS, type RpcHandlers } from '../../src-shared/rpc/contract';
import type { AppEvent } from '../../src-shared/rpc/events';
import { IPC_EVENT_CHANNEL, IPC_PREFIX } from '../../src-shared/rpc/wire';
import { err, type Result } from '../../src-shared/result';
import { dispatch } from './dispatch';

/**
 * Electron IPC for the RPC contract, written against the few members of Electron's objects it
 * uses (so the shell passes the real `ipcMain` and tests pass fakes; this file never imports
 * electron). Like VS Code's `validatedIpcMain`, every call checks its sender before any
 * handler runs: the main frame of our own page only, never a sub-frame or a foreign page.
 */

/** The part of Electron's WebFrameMain the sender check reads. */
export interface SenderFrameLike {
  readonly url: string;
  readonly parent: unknown;
  readonly detached?: boolean;
}

/** The part of Electron's IpcMainInvokeEvent the handlers read. */
export interface InvokeEventLike {
  readonly senderFrame: SenderFrameLike | null;
}

/** The part of Electron's ipcMain the wrapper uses. */
export interface IpcMainLike {
  handle(
    channel: string,
    listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>,
  ): void;
  removeHandler(channel: string): void;
}

/** The part of Electron's WebContents that events are sent to. */
export interface WebContentsLike {
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
}

export type SenderCheck = (frame: SenderFrameLike) => boolean;

function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/**
 * Whether `candidate` is a page of the app loaded from `appUrl`. Parsed URLs are compared, never
 * substrings (`file:///evil/out/renderer/index.html.html` or `http://localhost:5173.evil.com`
 * must not pass): for file:// the exact file (query and hash ignored, the UI may route by
 * hash); for the dev server the exact origin (scheme, host and port).
 */
export function isAppUrl(candidate: string, appUrl: string): boolean {
  const url = parseUrl(candidate);
  const app = parseUrl(appUrl);
  if (url === null || app === null) return false;
  if (app.protocol === 'file:') {
    return url.protocol === 'file:' && url.host === app.host && url.pathname === app.pathname;
  }
  if (app.protocol === 'http:' || app.protocol === 'https:') {
    return url.origin === app.origin;
  }
  return false;
}

/** The sender check for an app loaded from `appUrl`: its main frame, still attached. */
export function trustedSenderCheck(appUrl: string): SenderCheck {
  return (frame) => frame.parent === null && frame.detached !== true && isAppUrl(frame.url, appUrl);
}

/**
 * Registers one `handle` per RPC method on `rpc:<method>`. Each call checks its sender, then
 * parses the input against the contract and runs the handler through `dispatch`; the answer is
 * always a Result (`{ok, value | error}`), never a thrown error. Returns the unregister function.
 */
export function registerIpcHandlers(
  ipcMain: IpcMainLike,
  handlers: RpcHandlers,
  isTrustedSender: SenderCheck,
): () => void {
  const channels = RPC_METHODS.map((method) => {
    const channel = `${IPC_PREFIX}${method}`;
    ipcMain.handle(channel, async (event, ...args): Promise<Result<unknown>> => {
      const frame = event.senderFrame;
      if (frame === null || !isTrustedSender(frame)) {
        console.warn(`Refused IPC ${channel} from ${frame?.url ?? 'a destroyed frame'}`);
        return err('forbidden', 'This frame may not call the app');
      }
      if (args.length > 1) {
        return err('invalid_input', `${method} takes one argument, got ${args.length}`);
      }
      return dispatch(handlers, method, args[0]);
    });
    return channel;
  });
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}

/**
 * Sends every core event to the window on `app:event`. The target is looked up on each event,
 * so a window that was closed and re-created keeps receiving them; a destroyed one is skipped.
 */
export function forwardEvents(
  onEvent: (listener: (event: AppEvent) => void) => () => void,
  target: () => WebContentsLike | null,
): () => void {
  return onEvent((event) => {
    const contents = target();
    if (contents === null || contents.isDestroyed()) return;
    contents.send(IPC_EVENT_CHANNEL, event);
  });
}
