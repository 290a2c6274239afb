import type { Api } from '../../src-shared/rpc/api';
import { BRIDGE_NAME } from '../../src-shared/rpc/wire';
import { bridgeTransport } from './bridge';
import { bridgeFiles } from './bridgeFiles';
import { openBrowserSocket } from './browserSocket';
import { createApi } from './client';
import { ConnectionState } from './connection.svelte';
import { unavailableFiles, type FileSender } from './files';
import { rpcUrl, takeToken } from './token';
import { uploadFiles, uploadUrl } from './upload';
import { WsTransport } from './wsClient';

export interface Connected {
  api: Api;
  connection: ConnectionState;
  /** How chosen files reach the core: as paths in Electron, as uploads in a browser. */
  files: FileSender;
}

/**
 * Chooses the one `Api` of this window at start-up: the preload bridge inside Electron, the
 * WebSocket server otherwise (headless mode in a browser).
 */
function sessionStorageOf(win: Window): Storage | null {
  try {
    return win.sessionStorage;
  } catch {
    return null; // disabled storage throws on access
  }
}

export function connectApi(win: Window): Connected {
  const rawBridge: unknown = Reflect.get(win, BRIDGE_NAME);
  const bridge = bridgeTransport(rawBridge);
  if (bridge) {
    return {
      api: createApi(bridge),
      connection: new ConnectionState('electron', true),
      files:
        bridgeFiles(rawBridge) ??
        unavailableFiles('This window cannot read files: restart Transferlab after updating it.'),
    };
  }

  const token = takeToken({
    location: win.location,
    storage: sessionStorageOf(win),
    replaceUrl: (url) => {
      win.history.replaceState(win.history.state, '', url);
    },
  });
  const connection = new ConnectionState('websocket', token !== null);
  const transport = new WsTransport({
    url: rpcUrl(win.location, token),
    createSocket: openBrowserSocket,
    onStatus: (snapshot) => {
      connection.update(snapshot);
    },
    onReopen: () => {
      connection.notifyReopened();
    },
  });
  connection.setRetry(() => {
    transport.reconnectNow();
  });
  win.addEventListener('online', () => {
    transport.reconnectNow();
  });
  transport.start();
  return {
    api: createApi(transport),
    connection,
    files: uploadFiles(uploadUrl(win.location), token),
  };
}
