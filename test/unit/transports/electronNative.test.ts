import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../src-main/core/paths';
import {
  electronNativePath,
  ensureElectronNative,
  isUsableBuild,
  nativeTarget,
  readModuleAbi,
  readModuleAbiOfFile,
  rebuildEnvironment,
  type Rebuilder,
} from '../../../scripts/electronNative';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();
const root = projectRoot();
const nodeBuild = join(
  dirname(createRequire(join(root, 'package.json')).resolve('better-sqlite3/package.json')),
  'build',
  'Release',
  'better_sqlite3.node',
);

/** Bytes that look like an addon exporting `node_register_module_v<abi>`. */
function fakeAddon(...abis: number[]): Buffer {
  const noise = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251));
  return Buffer.concat([
    Buffer.from('\x7fELF'),
    noise,
    ...abis.map((abi) => Buffer.from(`\0node_register_module_v${abi}\0`, 'latin1')),
    noise,
  ]);
}

describe('readModuleAbi', () => {
  it("reads Node's ABI from the real better-sqlite3 build", () => {
    expect(readModuleAbiOfFile(nodeBuild)).toBe(Number(process.versions.modules));
    expect(readModuleAbiOfFile(nodeBuild)).toBe(115);
  });

  it('reads a fabricated binary, at any offset of a larger buffer', () => {
    expect(readModuleAbi(fakeAddon(150))).toBe(150);
    expect(readModuleAbi(fakeAddon(150, 150))).toBe(150);
    const big = Buffer.concat([Buffer.alloc(100, 1), fakeAddon(140), Buffer.alloc(100, 2)]);
    expect(readModuleAbi(big.subarray(50))).toBe(140);
    expect(readModuleAbi(new Uint8Array(fakeAddon(127)))).toBe(127);
  });

  it('returns null without the symbol and refuses two different ABIs', () => {
    expect(readModuleAbi(Buffer.from('no symbol here node_register_module_vX'))).toBeNull();
    expect(readModuleAbi(new Uint8Array())).toBeNull();
    expect(() => readModuleAbi(fakeAddon(115, 150))).toThrow(/several ABIs: 115, 150/);
  });
});

describe('rebuildEnvironment', () => {
  it("drops npm's target settings, whatever their case, and keeps the rest", () => {
    const env = rebuildEnvironment({
      PATH: '/usr/bin',
      npm_config_nodedir: '/usr',
      NPM_CONFIG_NODEDIR: '/usr',
      npm_config_target: '20.20.0',
      npm_config_runtime: 'node',
      npm_config_disturl: 'https://nodejs.org/dist',
      nodedir: '/usr',
      npm_config_cache: '/tmp/cache',
      npm_config_jobs: '2',
    });
    expect(env).toEqual({ PATH: '/usr/bin', npm_config_cache: '/tmp/cache', npm_config_jobs: '2' });
  });
});

describe('nativeTarget', () => {
  it("reads Electron's version and ABI without loading electron", () => {
    const target = nativeTarget(root);
    expect(target.electronVersion).toMatch(/^45\./);
    expect(target.electronAbi).toBe(
      Number(readFileSync(join(root, 'node_modules/electron/abi_version'), 'utf8')),
    );
    expect(target.electronAbi).not.toBe(Number(process.versions.modules));
    expect(target.betterSqliteVersion).toMatch(/^12\./);
  });

  it('refuses the Node build for Electron', () => {
    expect(isUsableBuild(nodeBuild, nativeTarget(root))).toBe(false);
  });
});

/** A project root with just enough of electron and better-sqlite3 for ensureElectronNative. */
function fakeRoot(): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fake', type: 'module' }));
  const electron = join(dir, 'node_modules', 'electron');
  mkdirSync(electron, { recursive: true });
  writeFileSync(
    join(electron, 'package.json'),
    JSON.stringify({ name: 'electron', version: '45.0.0' }),
  );
  writeFileSync(join(electron, 'abi_version'), '150\n');
  const sqlite = join(dir, 'node_modules', 'better-sqlite3');
  mkdirSync(join(sqlite, 'build', 'Release'), { recursive: true });
  mkdirSync(join(sqlite, 'src'));
  writeFileSync(
    join(sqlite, 'package.json'),
    JSON.stringify({ name: 'better-sqlite3', version: '12.0.0' }),
  );
  writeFileSync(join(sqlite, 'src', 'better_sqlite3.cpp'), '// sources');
  cpSync(nodeBuild, join(sqlite, 'build', 'Release', 'better_sqlite3.node'));
  return dir;
}

/** A rebuild that writes `bytes` where node-gyp would put the addon, and records its call. */
function fakeRebuild(
  bytes: Buffer,
  calls: { workDir: string; env: NodeJS.ProcessEnv }[],
): Rebuilder {
  return (workDir, _target, env) => {
    calls.push({ workDir, env });
    const copy = join(workDir, 'node_modules', 'better-sqlite3');
    // The copy has the sources but not the Node build.
    expect(existsSync(join(copy, 'src', 'better_sqlite3.cpp'))).toBe(true);
    expect(existsSync(join(copy, 'build'))).toBe(false);
    mkdirSync(join(copy, 'build', 'Release'), { recursive: true });
    writeFileSync(join(copy, 'build', 'Release', 'better_sqlite3.node'), bytes);
    return Promise.resolve();
  };
}

describe('ensureElectronNative', () => {
  const quiet = { log: () => undefined };

  it('builds from a copy, verifies the ABI, installs the file and reuses it next time', async () => {
    const dir = fakeRoot();
    const calls: { workDir: string; env: NodeJS.ProcessEnv }[] = [];
    const saved = process.env.npm_config_nodedir;
    process.env.npm_config_nodedir = '/usr';
    try {
      const path = await ensureElectronNative(dir, {
        ...quiet,
        rebuild: fakeRebuild(fakeAddon(150), calls),
      });
      expect(path).toBe(electronNativePath(dir));
      expect(readModuleAbiOfFile(path)).toBe(150);
      expect(calls).toHaveLength(1);
      expect(calls[0]?.env.npm_config_nodedir).toBeUndefined();
      // The work folder is gone and the Node build was never touched.
      expect(existsSync(calls[0]?.workDir ?? '')).toBe(false);
      const nodeCopy = join(
        dir,
        'node_modules',
        'better-sqlite3',
        'build',
        'Release',
        'better_sqlite3.node',
      );
      expect(readModuleAbiOfFile(nodeCopy)).toBe(115);

      await ensureElectronNative(dir, { ...quiet, rebuild: fakeRebuild(fakeAddon(150), calls) });
      expect(calls).toHaveLength(1);
    } finally {
      if (saved === undefined) delete process.env.npm_config_nodedir;
      else process.env.npm_config_nodedir = saved;
    }
  });

  it('refuses a rebuild that silently built for Node', async () => {
    const dir = fakeRoot();
    const calls: { workDir: string; env: NodeJS.ProcessEnv }[] = [];
    await expect(
      ensureElectronNative(dir, { ...quiet, rebuild: fakeRebuild(readFileSync(nodeBuild), calls) }),
    ).rejects.toThrow(/ABI 115, Electron 45\.0\.0 needs 150: refusing/);
    expect(existsSync(electronNativePath(dir))).toBe(false);
  });

  it('rebuilds when the installed file has the wrong ABI', async () => {
    const dir = fakeRoot();
    mkdirSync(dirname(electronNativePath(dir)), { recursive: true });
    cpSync(nodeBuild, electronNativePath(dir));
    const calls: { workDir: string; env: NodeJS.ProcessEnv }[] = [];
    await ensureElectronNative(dir, { ...quiet, rebuild: fakeRebuild(fakeAddon(150), calls) });
    expect(calls).toHaveLength(1);
    expect(readModuleAbiOfFile(electronNativePath(dir))).toBe(150);
  });

  it('passes a failed rebuild on and leaves nothing behind', async () => {
    const dir = fakeRoot();
    const failing: Rebuilder = () => Promise.reject(new Error('headers could not be downloaded'));
    await expect(ensureElectronNative(dir, { ...quiet, rebuild: failing })).rejects.toThrow(
      /headers/,
    );
    expect(existsSync(electronNativePath(dir))).toBe(false);
  });
});
