import { BrowserWindow, type Session, type WebContents } from 'electron';
import { workbenchCsp } from '../../src-shared/csp';

/**
 * The main window and the security settings around it (Electron's security checklist):
 * a sandboxed, context-isolated renderer without Node, a Content-Security-Policy, no navigation,
 * no new windows, no <webview>, and every permission request denied.
 */

/** The renderer's CSP; in development the Vite dev server's WebSocket (hot reload) is allowed too. */
export function rendererCsp(devServerUrl?: string): string {
  const connect: string[] = [];
  if (devServerUrl !== undefined) {
    const dev = new URL(devServerUrl);
    connect.push(`${dev.protocol === 'https:' ? 'wss:' : 'ws:'}//${dev.host}`);
  }
  return workbenchCsp(connect);
}

/** Session-wide settings: the CSP on every response, and no permission granted to anyone. */
export function hardenSession(session: Session, csp: string): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] },
    });
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => {
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
}

/**
 * Applied to every WebContents the app creates (from `web-contents-created`): the UI is a
 * single page that never navigates (hash routing does not fire will-navigate), opens no window
 * and embeds no <webview>.
 */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => {
    event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

export interface MainWindowOptions {
  /** The CommonJS preload bundle (out/preload/index.cjs). */
  preload: string;
  /** file:// of out/renderer/index.html, or the dev server's URL. */
  url: string;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    title: 'Transferlab',
    show: false,
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => {
    window.show();
  });
  void window.loadURL(options.url);
  return window;
}
