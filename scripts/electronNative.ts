import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { z } from 'zod';

/**
 * better-sqlite3 is not N-API: its binary is tied to one runtime's ABI, so Electron needs its
 * own build beside the Node one that tests, the CLI and the server use. This builds it into
 * native/electron/better_sqlite3.node (passed to the core as `nativeBinding`) and refuses any
 * file whose ABI is not Electron's:
 * - the rebuild works on a COPY of node_modules/better-sqlite3, because a failed in-place
 *   rebuild deletes the Node build;
 * - npm's `nodedir` (and the other settings that pick a target) are removed from the child's
 *   environment: through npm/npx a rebuild inherits them and silently builds for Node;
 * - the result is verified by reading the `node_register_module_v<N>` symbol in the binary.
 */

const SYMBOL_PREFIX = 'node_register_module_v';

/**
 * The NODE_MODULE_VERSION a native addon was built for, read from its exported
 * `node_register_module_v<N>` symbol; null when the binary has none (an N-API addon, or not an
 * addon). Throws when the binary names two different versions.
 */
export function readModuleAbi(binary: Uint8Array): number | null {
  const text = Buffer.from(binary.buffer, binary.byteOffset, binary.byteLength).toString('latin1');
  const found = new Set<number>();
  const pattern = new RegExp(`${SYMBOL_PREFIX}(\\d+)`, 'g');
  for (const match of text.matchAll(pattern)) found.add(Number(match[1]));
  if (found.size > 1) {
    throw new Error(`The binary names several ABIs: ${[...found].join(', ')}`);
  }
  const [abi] = found;
  return abi ?? null;
}

export function readModuleAbiOfFile(path: string): number | null {
  return readModuleAbi(readFileSync(path));
}

const PackageSchema = z.object({ version: z.string() });

export interface NativeTarget {
  root: string;
  electronVersion: string;
  electronAbi: number;
  betterSqliteDir: string;
  betterSqliteVersion: string;
}

/** Where electron and better-sqlite3 are installed, and the versions to build for. */
export function nativeTarget(root: string): NativeTarget {
  const require = createRequire(join(root, 'package.json'));
  // Resolve package.json files only: `require('electron')` would start its lazy download.
  const electronDir = dirname(require.resolve('electron/package.json'));
  const betterSqliteDir = dirname(require.resolve('better-sqlite3/package.json'));
  const readVersion = (dir: string): string =>
    PackageSchema.parse(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))).version;
  const electronAbi = Number(readFileSync(join(electronDir, 'abi_version'), 'utf8').trim());
  if (!Number.isInteger(electronAbi) || electronAbi <= 0) {
    throw new Error(`Cannot read Electron's ABI from ${join(electronDir, 'abi_version')}`);
  }
  return {
    root,
    electronVersion: readVersion(electronDir),
    electronAbi,
    betterSqliteDir,
    betterSqliteVersion: readVersion(betterSqliteDir),
  };
}

export function electronNativePath(root: string): string {
  return join(root, 'native', 'electron', 'better_sqlite3.node');
}

const StampSchema = z.object({
  electronVersion: z.string(),
  betterSqliteVersion: z.string(),
  abi: z.number(),
});

/** Settings that would make node-gyp build for another runtime than the one asked for. */
const TARGET_SETTINGS = ['nodedir', 'target', 'runtime', 'disturl', 'dist_url', 'dist-url'];

/** The environment for the rebuild: npm's target settings removed (any case, any spelling). */
export function rebuildEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    const lower = key.toLowerCase();
    const setting = lower.startsWith('npm_config_') ? lower.slice('npm_config_'.length) : null;
    if (setting !== null && TARGET_SETTINGS.includes(setting)) continue;
    if (lower === 'nodedir') continue;
    clean[key] = value;
  }
  return clean;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolveRun();
      else reject(new Error(`${command} ${args.join(' ')} exited with ${signal ?? String(code)}`));
    });
  });
}

/** True when `path` holds a build for `target` (ABI read from the file, versions from the stamp). */
export function isUsableBuild(path: string, target: NativeTarget): boolean {
  if (!existsSync(path)) return false;
  try {
    if (readModuleAbiOfFile(path) !== target.electronAbi) return false;
    const stamp = StampSchema.parse(JSON.parse(readFileSync(`${path}.json`, 'utf8')));
    return (
      stamp.electronVersion === target.electronVersion &&
      stamp.betterSqliteVersion === target.betterSqliteVersion
    );
  } catch {
    return false;
  }
}

/** Rebuilds the copy under `workDir` (a folder with package.json and node_modules/better-sqlite3). */
export type Rebuilder = (
  workDir: string,
  target: NativeTarget,
  env: NodeJS.ProcessEnv,
) => Promise<void>;

/** The real rebuild: @electron/rebuild's CLI in a child process with the cleaned environment. */
export const electronRebuild: Rebuilder = (workDir, target, env) => {
  const require = createRequire(join(target.root, 'package.json'));
  // The package exports only its main module (lib/main.js); the CLI sits beside it.
  const cli = join(dirname(require.resolve('@electron/rebuild')), 'cli.js');
  const args = [cli, '--version', target.electronVersion, '--module-dir', workDir];
  return run(process.execPath, [...args, '--only', 'better-sqlite3', '--force'], workDir, env);
};

/**
 * Returns the path of a verified Electron-ABI better-sqlite3, building it first when missing or
 * stale (Electron or better-sqlite3 upgraded). Needs Electron's headers (downloaded by
 * @electron/rebuild) and a compiler; throws with the reason when it cannot produce a good file.
 */
export async function ensureElectronNative(
  root: string,
  options: { log?: (line: string) => void; rebuild?: Rebuilder } = {},
): Promise<string> {
  const log =
    options.log ??
    ((line: string) => {
      console.error(line);
    });
  const rebuild = options.rebuild ?? electronRebuild;
  const target = nativeTarget(root);
  const output = electronNativePath(root);
  if (isUsableBuild(output, target)) return output;

  const outDir = dirname(output);
  const work = join(outDir, `.build-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  const moduleCopy = join(work, 'node_modules', 'better-sqlite3');
  log(
    `Building better-sqlite3 ${target.betterSqliteVersion} for Electron ${target.electronVersion} (ABI ${target.electronAbi})...`,
  );
  try {
    mkdirSync(dirname(moduleCopy), { recursive: true });
    // The sources only: the Node build stays where it is, untouched.
    cpSync(target.betterSqliteDir, moduleCopy, {
      recursive: true,
      filter: (source) => {
        const rel = relative(target.betterSqliteDir, source);
        return rel !== 'build' && !rel.startsWith(`build${sep}`);
      },
    });
    writeFileSync(
      join(work, 'package.json'),
      JSON.stringify({
        name: 'transferlab-electron-native',
        version: '0.0.0',
        private: true,
        dependencies: { 'better-sqlite3': target.betterSqliteVersion },
      }),
    );
    await rebuild(work, target, rebuildEnvironment(process.env));
    const built = join(moduleCopy, 'build', 'Release', 'better_sqlite3.node');
    if (!existsSync(built)) throw new Error(`The rebuild produced no ${built}`);
    const abi = readModuleAbiOfFile(built);
    if (abi !== target.electronAbi) {
      throw new Error(
        `The rebuilt better-sqlite3 has ABI ${String(abi)}, Electron ${target.electronVersion} needs ${target.electronAbi}: refusing to use it (was it built for Node?)`,
      );
    }
    // Write beside the target, then rename: a half-copied binary is never seen.
    const partial = `${output}.partial`;
    cpSync(built, partial);
    renameSync(partial, output);
    writeFileSync(
      `${output}.json`,
      `${JSON.stringify(
        {
          electronVersion: target.electronVersion,
          betterSqliteVersion: target.betterSqliteVersion,
          abi,
        },
        null,
        2,
      )}\n`,
    );
    log(`Built ${relative(root, output)} (ABI ${abi}).`);
    return output;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
