import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The built renderer the headless server serves. */
export function rendererDir(root: string): string {
  return join(root, 'out', 'renderer');
}

export function isRendererBuilt(root: string): boolean {
  return existsSync(join(rendererDir(root), 'index.html'));
}

/**
 * Runs `electron-vite build` (main, preload and renderer; about 2 s, needs no Electron binary).
 * Its output goes to stderr, so a command's stdout stays clean.
 */
export function buildApp(root: string): Promise<void> {
  const require = createRequire(join(root, 'package.json'));
  const cli = join(
    dirname(require.resolve('electron-vite/package.json')),
    'bin',
    'electron-vite.js',
  );
  return new Promise((resolveBuild, reject) => {
    const child = spawn(process.execPath, [cli, 'build'], {
      cwd: root,
      stdio: ['ignore', process.stderr, process.stderr],
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolveBuild();
      else
        reject(new Error(`electron-vite build failed (${signal ?? `exit code ${String(code)}`})`));
    });
  });
}
