import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, session } from 'electron';
import { openCore } from '../core/core';
import { defaultWorkspaceDir, projectRoot } from '../core/paths';
import type { Core } from '../core/types';
import { forwardEvents, registerIpcHandlers, trustedSenderCheck } from '../transports/ipc';
import { menuTemplate } from './menu';
import { renderPdfWithElectron } from './pdf';
import { createMainWindow, hardenSession, hardenWebContents, rendererCsp } from './window';

/**
 * The Electron shell: opens the core on the default workspace, wires it to the window through
 * IPC, and closes it on quit. Everything else lives in the core and the renderer.
 */

// electron-vite sets ELECTRON_RENDERER_URL in `dev`; a packaged app never trusts it.
const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
const indexHtml = fileURLToPath(new URL('../renderer/index.html', import.meta.url));
const appUrl = devServerUrl ?? pathToFileURL(indexHtml).href;
const preload = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));
/** better-sqlite3 built for Electron's ABI (scripts/electronNative.ts); node_modules has Node's. */
const nativeBinding = join(projectRoot(), 'native', 'electron', 'better_sqlite3.node');

let core: Core | null = null;
let mainWindow: BrowserWindow | null = null;
const cleanups: (() => void)[] = [];

function fail(e: unknown): void {
  const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
  console.error(message);
  dialog.showErrorBox('Transferlab cannot start', message);
  app.exit(1);
}

function openWindow(): void {
  mainWindow = createMainWindow({ preload, url: appUrl });
  mainWindow.on('closed', () => {
    mainWindow = null;
  });
}

async function start(): Promise<void> {
  hardenSession(session.defaultSession, rendererCsp(devServerUrl));
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(menuTemplate({ isMac: process.platform === 'darwin' })),
  );
  if (!existsSync(nativeBinding)) {
    throw new Error(
      `The Electron build of better-sqlite3 is missing (${nativeBinding}). ` +
        'Run `npm start`, which builds it before launching Electron.',
    );
  }
  const opened = await openCore({
    workspaceDir: defaultWorkspaceDir(),
    transport: 'electron',
    queue: 'all',
    nativeBinding,
    // Reports print with this app's own Chromium, not a system one the user may not have.
    renderPdf: renderPdfWithElectron,
  });
  core = opened;
  // Handlers before the window: the page may call the core as soon as it loads.
  cleanups.push(registerIpcHandlers(ipcMain, opened.handlers, trustedSenderCheck(appUrl)));
  cleanups.push(
    forwardEvents(
      (listener) => opened.onEvent(listener),
      () => mainWindow?.webContents ?? null,
    ),
  );
  openWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
}

/** Stops the trainers and closes the database before the process ends. */
let shutdown: Promise<void> | null = null;
function closeCore(): Promise<void> {
  shutdown ??= (async () => {
    for (const cleanup of cleanups.splice(0)) cleanup();
    const current = core;
    core = null;
    await current?.close();
  })();
  return shutdown;
}

if (!app.requestSingleInstanceLock()) {
  // Another instance owns the workspace's queue: hand over to it (it focuses its window).
  app.quit();
} else {
  app.enableSandbox();
  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents);
  });
  app.on('second-instance', () => {
    if (mainWindow === null) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  let closed = false;
  app.on('before-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    closeCore()
      .catch((e: unknown) => {
        console.error('Closing the core failed:', e);
      })
      .finally(() => {
        closed = true;
        app.quit();
      });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      app.quit();
    });
  }
  app.whenReady().then(start).catch(fail);
}
