import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Starting an engine child process (a trainer, a transferability probe): tfjs never runs in the
 * server's or the Electron main process, so training can neither block the UI nor take it down.
 */

/** An engine process: its TypeScript entry beside this file, and its electron-vite bundle. */
export interface EngineProcess {
  /** e.g. 'entry.ts' */
  source: string;
  /** e.g. 'trainer.js', an input of electron.vite.config.ts */
  bundle: string;
}

/** A script to fork and the Node flags it needs. */
export interface EngineScript {
  script: string;
  execArgv: string[];
}

/** The script to fork and the Node flags it needs. */
export function engineScript(which: EngineProcess): EngineScript {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    // From the sources (tsx, vitest): fork the TypeScript entry through tsx's ESM loader, resolved
    // from this project so it does not depend on the current directory.
    const tsxLoader = createRequire(import.meta.url).resolve('tsx/esm');
    return {
      script: join(dirname(here), which.source),
      execArgv: ['--import', pathToFileURL(tsxLoader).href],
    };
  }
  // Bundled by electron-vite: out/main/<bundle> sits beside out/main/index.js; this code may
  // also have been split into out/main/chunks/, one level down.
  const dir = dirname(here);
  const script = [join(dir, which.bundle), join(dir, '..', which.bundle)].find((p) =>
    existsSync(p),
  );
  if (script === undefined) throw new Error(`Cannot find the script ${which.bundle} near ${dir}`);
  return { script, execArgv: [] };
}

/**
 * Forks the engine process with piped output and an IPC channel (throws when it cannot). `entry`
 * replaces the script found beside this module: a test starts the built bundle with it from the
 * sources, where this module would fork the TypeScript entry.
 */
export function forkEngine(which: EngineProcess, entry?: EngineScript): ChildProcess {
  const { script, execArgv } = entry ?? engineScript(which);
  return fork(script, [], {
    // Not the parent's execArgv: vitest's or Electron's flags would break the child.
    execArgv,
    // 'advanced' (structured clone) carries NaN and ±Infinity, which JSON cannot.
    serialization: 'advanced',
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    // In Electron, process.execPath is the Electron binary: this makes it run the script as Node.
    env: !('electron' in process.versions)
      ? process.env
      : { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
}
