import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildApp } from '../src-main/cli/build';
import { processIo } from '../src-main/cli/io';
import { serveUntilStopped } from '../src-main/cli/serve';
import { defaultWorkspaceDir, projectRoot } from '../src-main/core/paths';
import { ensureElectronNative } from './electronNative';

/**
 * `npm start`: builds the app, then opens it in Electron when Electron can start here, and
 * otherwise serves the same workbench to a browser on 127.0.0.1, saying why in one line.
 */

export type ElectronCheck = { ok: true; binary: string } | { ok: false; reason: string };

/**
 * Whether Electron can start: its binary is installed and, on Linux, there is a display.
 * Reads node_modules/electron/path.txt itself: `require('electron')` would try to download the
 * binary, which cannot work offline.
 */
export function electronCheck(
  root: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): ElectronCheck {
  let electronDir: string;
  try {
    electronDir = dirname(
      createRequire(join(root, 'package.json')).resolve('electron/package.json'),
    );
  } catch {
    return { ok: false, reason: 'The electron package is not installed' };
  }
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) {
    return {
      ok: false,
      reason: "Electron's binary is not installed (it cannot be downloaded here)",
    };
  }
  const relativeBinary = readFileSync(pathFile, 'utf8').trim();
  const distDir = env.ELECTRON_OVERRIDE_DIST_PATH ?? join(electronDir, 'dist');
  const binary = join(distDir, relativeBinary);
  if (relativeBinary === '' || !existsSync(binary)) {
    return { ok: false, reason: `Electron's binary is missing (${binary})` };
  }
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return {
      ok: false,
      reason: 'There is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)',
    };
  }
  return { ok: true, binary };
}

/** Runs Electron on the app (package.json's main: out/main/index.js) until it exits. */
function launchElectron(binary: string, root: string): Promise<number> {
  const env = { ...process.env };
  // Set, it would make Electron behave as plain Node and ignore the app.
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(binary, [root], { cwd: root, env, stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolveExit, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolveExit(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1));
    });
  });
}

async function start(): Promise<number> {
  const root = projectRoot();
  const io = processIo();
  io.err('Building Transferlab (electron-vite build)...\n');
  await buildApp(root);

  const check = electronCheck(root);
  let fallbackReason: string;
  if (check.ok) {
    try {
      await ensureElectronNative(root);
      return await launchElectron(check.binary, root);
    } catch (e) {
      fallbackReason = `Electron cannot start (${e instanceof Error ? e.message : String(e)})`;
    }
  } else {
    fallbackReason = check.reason;
  }
  io.err(`${fallbackReason}; serving the workbench in your browser instead.\n`);
  return serveUntilStopped({ workspaceDir: defaultWorkspaceDir(), port: 0 }, io);
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly || fileURLToPath(import.meta.url) === process.argv[1]) {
  start().then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
