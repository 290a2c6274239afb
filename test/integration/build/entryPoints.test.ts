import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../../src-main/core/paths';
import type { TrainerToParent } from '../../../src-main/engine/protocol';
import { startTrainer } from '../../../src-main/engine/trainer/host';
import { startProbe } from '../../../src-main/engine/trainer/probeHost';
import { runModelsRequest } from '../../../src-main/engine/trainer/modelsHost';
import { pretrainedFixture } from '../../helpers/pretrainedFixtures';
import { useTempDirs } from '../../helpers/tempDir';
import { missingWebGpu, REQUIRE_WEBGPU } from '../../helpers/webgpu';
import { tinySpec } from '../../helpers/tinySpec';
import { digitsLocator, domain, runConfig, trainJob } from '../../unit/engine/fixtures';

/**
 * Every built entry point starts (issue 12): what ships is what runs. One `electron-vite build`
 * into a folder of this test's own (inside the project, so the bundles resolve node_modules as
 * out/ does; out/ itself is left to the app, `transferlab serve` and the e2e tests), then:
 *
 * - every emitted JavaScript file parses, lazily loaded chunks included;
 * - out/main/trainer.js trains a real source run, forked by host.ts and speaking its protocol;
 * - out/main/probe.js, forked by probeHost.ts, scores the model that run saved;
 * - out/main/index.js (the Electron shell) runs under Node with a stand-in `electron` module: it
 *   loads every chunk, registers with the app, and on 'ready' goes as far as Node allows: it opens
 *   the window, or (without the Electron build of better-sqlite3) shows its error box;
 * - out/preload/index.cjs runs as a sandboxed preload does (only `electron` may be required) and
 *   exposes the bridge, whose methods reach ipcRenderer.invoke.
 *
 * The renderer bundle starts in Chromium in the e2e tests (`transferlab serve` serves out/renderer).
 */

const root = projectRoot();
const outDir = join(root, 'out', `.entry-points-test-${process.pid}`);
const tempDir = useTempDirs();
/** Why this machine has no WebGPU adapter (CI installs lavapipe and requires one). */
const webgpuMissing = process.env[REQUIRE_WEBGPU] === '1' ? undefined : await missingWebGpu();

/** Runs a command to its end; rejects with its output when it fails. */
function run(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: options.cwd ?? root,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

function filesUnder(dir: string, ext: RegExp): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => ext.test(f))
    .map((f) => join(dir, f));
}

beforeAll(async () => {
  const cli = join(
    dirname(createRequire(import.meta.url).resolve('electron-vite/package.json')),
    'bin',
    'electron-vite.js',
  );
  const built = await run([cli, 'build'], {
    env: { ...process.env, TRANSFERLAB_BUILD_OUT_DIR: outDir },
  });
  if (built.code !== 0) throw new Error(`electron-vite build failed:\n${built.stderr}`);
}, 180_000);

afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
});

describe('the built entry points', () => {
  it('parse, every chunk included', async () => {
    const files = [
      ...filesUnder(join(outDir, 'main'), /\.js$/),
      ...filesUnder(join(outDir, 'preload'), /\.cjs$/),
      ...filesUnder(join(outDir, 'renderer'), /\.js$/),
    ];
    expect(files.map((f) => f.slice(outDir.length + 1))).toEqual(
      expect.arrayContaining(['main/index.js', 'main/trainer.js', 'main/probe.js']),
    );
    for (const file of files) {
      const checked = await run(['--check', file]);
      expect(checked.stderr, file).toBe('');
      expect(checked.code, file).toBe(0);
    }
  });

  it('leave headless Chromium out of the Electron main process', () => {
    // What index.js loads: every file but the CLI's own entry and the chunk only it imports.
    const cliOnly = /\/main\/(cli\.js|chunks\/pdfChromium-[\w-]+\.js)$/;
    const electronSide = filesUnder(join(outDir, 'main'), /\.js$/).filter((f) => !cliOnly.test(f));
    expect(electronSide.length).toBeGreaterThan(3);
    for (const file of electronSide)
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/playwright/);
  });

  it('trainer.js trains a source run through host.ts, and probe.js scores its model', async () => {
    const modelsDir = tempDir();
    const messages: TrainerToParent[] = [];
    const source = runConfig({
      kind: 'source',
      strategy: 'source',
      domain: domain({ name: 'digits 0-4', classes: [0, 1, 2, 3, 4] }),
      model: { type: 'mlp', hidden: [16], activation: 'relu' },
      training: { epochs: 2 },
    });
    const trainer = startTrainer(
      trainJob(source, { saveModel: true, modelsDir }),
      (m) => messages.push(m),
      { entry: { script: join(outDir, 'main', 'trainer.js'), execArgv: [] } },
    );
    const exit = await trainer.done;
    expect(exit, exit.error).toMatchObject({ status: 'completed', code: 0, signal: null });
    const types = messages.map((m) => m.type).filter((t) => t !== 'progress' && t !== 'log');
    expect(types).toEqual(['started', 'epoch', 'epoch', 'completed']);
    expect(exit.finalMetrics?.test_acc).toBeGreaterThan(0.5);
    const model = exit.model;
    if (model === undefined) throw new Error('The source run saved no model');
    expect(existsSync(model.dir)).toBe(true);

    const target = runConfig({
      kind: 'transfer',
      strategy: 'fine-tune',
      domain: domain({ name: 'digits 5-9', classes: [5, 6, 7, 8, 9] }),
      sourceDomain: source.domain,
      model: source.model,
    });
    const probe = startProbe([{ config: target, data: digitsLocator(), sourceModel: model }], {
      entry: { script: join(outDir, 'main', 'probe.js'), execArgv: [] },
      timeoutMs: 60_000,
    });
    const [outcome] = await probe.done;
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ ok: true });
    if (outcome?.ok) {
      expect(outcome.samples).toBeGreaterThan(0);
      for (const score of Object.values(outcome.scores)) expect(Number.isFinite(score)).toBe(true);
    }
  });

  it('keep tfjs and WebGPU out of the renderer: only the engine processes load them', () => {
    // Issue 15: WebGPU runs in the trainer processes (Electron forks them as Node), never in the
    // page. The renderer names the backends (strings); no tfjs or Dawn code is bundled into it.
    const renderer = filesUnder(join(outDir, 'renderer'), /\.js$/);
    expect(renderer.length).toBeGreaterThan(0);
    for (const file of renderer)
      expect(readFileSync(file, 'utf8'), file).not.toMatch(
        /WebGPUBackend|dawn\.node|registerBackend\(|@tensorflow\/tfjs/,
      );
  });

  it.skipIf(webgpuMissing !== undefined)(
    'trainer.js trains on webgpu, and models.js reports the adapter it finds',
    async () => {
      const messages: TrainerToParent[] = [];
      const job = trainJob(
        runConfig({
          kind: 'source',
          strategy: 'source',
          domain: domain({ name: 'digits 0-4', classes: [0, 1, 2, 3, 4] }),
          model: { type: 'mlp', hidden: [8], activation: 'relu' },
          training: { epochs: 1, backend: 'webgpu' },
        }),
      );
      const exit = await startTrainer(job, (m) => messages.push(m), {
        entry: { script: join(outDir, 'main', 'trainer.js'), execArgv: [] },
      }).done;
      expect(exit, exit.error).toMatchObject({ status: 'completed', code: 0 });
      const started = messages.find((m) => m.type === 'started');
      if (started?.type !== 'started') throw new Error('no started message');
      expect(started.environment.backend).toBe('webgpu');
      expect(started.environment.device?.adapter?.vendor).toEqual(expect.any(String));
      expect(started.environment.versions['tfjs-backend-webgpu']).toMatch(/^4\./);

      const answer = await runModelsRequest(
        { type: 'backends' },
        { entry: { script: join(outDir, 'main', 'models.js'), execArgv: [] }, timeoutMs: 60_000 },
      );
      if (answer.type !== 'backends') throw new Error(JSON.stringify(answer));
      const webgpu = answer.machine.backends.find((b) => b.backend === 'webgpu');
      expect(webgpu?.available).toBe(true);
      expect(webgpu?.adapter?.device).toBe(started.environment.device?.adapter?.device);
    },
  );

  it('models.js converts the PyTorch CNN and exports it back as ONNX', async () => {
    const modelsDir = tempDir();
    const entry = { script: join(outDir, 'main', 'models.js'), execArgv: [] };
    const imported = await runModelsRequest(
      { type: 'import', path: pretrainedFixture('cnn.onnx'), modelsDir },
      { entry, timeoutMs: 60_000 },
    );
    if (imported.type !== 'imported') throw new Error(JSON.stringify(imported));
    expect(imported.model).toMatchObject({ featureLayer: 'hidden_1', outputUnits: 10 });
    const out = tempDir();
    const exported = await runModelsRequest(
      {
        type: 'export',
        model: { dir: imported.model.saved.dir, hash: imported.model.saved.hash },
        format: 'onnx',
        out,
        stem: 'cnn',
      },
      { entry, timeoutMs: 60_000 },
    );
    expect(exported).toEqual({ type: 'exported', files: [join(out, 'cnn.onnx')] });
    const refused = await runModelsRequest(
      { type: 'import', path: pretrainedFixture('unsupported.onnx'), modelsDir },
      { entry, timeoutMs: 60_000 },
    );
    expect(refused).toMatchObject({ type: 'failed', refused: true });
  });

  it('cli.js runs a spec with its built trainers, no TypeScript loader anywhere', async () => {
    const dir = tempDir();
    // Every module any process of the run loads (the CLI's and each trainer's: NODE_OPTIONS is
    // inherited) is written down, so the test sees what really ran.
    const loaded = join(dir, 'loaded.txt');
    const hooks = join(dir, 'hooks.mjs');
    writeFileSync(
      hooks,
      `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const found = await next(specifier, context);
  appendFileSync(${JSON.stringify(loaded)}, process.pid + ' ' + found.url + '\\n');
  return found;
}`,
    );
    const register = join(dir, 'register.mjs');
    writeFileSync(
      register,
      `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
    );
    const spec = join(dir, 'spec.json');
    writeFileSync(spec, JSON.stringify(tinySpec('built CLI')));
    const cli = pathToFileURL(join(outDir, 'main', 'cli.js')).href;
    const script = `const { main } = await import(${JSON.stringify(cli)});
process.exitCode = await main(['node', 'transferlab', 'run', ${JSON.stringify(spec)}, '--workspace', ${JSON.stringify(join(dir, 'ws'))}, '--json']);`;
    const ran = await run(['--input-type=module', '-e', script], {
      env: { ...process.env, NODE_OPTIONS: `--import=${register}` },
    });
    expect(ran.code, ran.stderr).toBe(0);
    const result = JSON.parse(ran.stdout) as { runs: { status: string }[] };
    expect(result.runs.map((r) => r.status)).toEqual(['completed', 'completed', 'completed']);
    const urls = readFileSync(loaded, 'utf8').trim().split('\n');
    // The CLI and at least one trainer process.
    expect(new Set(urls.map((line) => line.split(' ')[0])).size).toBeGreaterThan(1);
    expect(urls.some((line) => line.endsWith('/main/trainer.js'))).toBe(true);
    expect(urls.filter((line) => /\/tsx\/|\.ts$/.test(line))).toEqual([]);
  });

  it('index.js, the Electron shell, starts as far as Node allows', async () => {
    const dir = tempDir();
    // A stand-in for `electron` with every name the bundle imports from it: each call is
    // accepted; 'ready' comes at once; a window or the error box ends the process with a report.
    const names = new Set<string>();
    for (const file of filesUnder(join(outDir, 'main'), /\.js$/)) {
      const imports = readFileSync(file, 'utf8').matchAll(
        /import\s*\{([^}]*)\}\s*from\s*"electron"/g,
      );
      for (const [, list = ''] of imports) {
        for (const entry of list.split(',')) {
          const name = entry.trim().split(/\s+as\s+/)[0];
          if (name) names.add(name);
        }
      }
    }
    expect([...names]).toEqual(expect.arrayContaining(['app', 'BrowserWindow', 'dialog']));
    const stub = join(dir, 'electron.mjs');
    writeFileSync(
      stub,
      `const report = (event) => { process.stdout.write('ELECTRON-STUB ' + JSON.stringify(event) + '\\n'); };
const any = (path) => new Proxy(function () {}, {
  get: (_, key) => (key === 'then' || typeof key === 'symbol' ? undefined : any(path + '.' + key)),
  apply: () => any(path + '()'),
  construct: () => any('new ' + path),
});
const special = {
  app: {
    isPackaged: true,
    requestSingleInstanceLock: () => true,
    whenReady: () => { report({ event: 'whenReady' }); return Promise.resolve(); },
    exit: (code) => { report({ event: 'exit', code }); process.exit(code); },
  },
  dialog: {
    showErrorBox: (title, message) => report({ event: 'errorBox', title, message }),
  },
  BrowserWindow: class extends any('BrowserWindow') {
    constructor(options) {
      super();
      report({ event: 'window', preload: options?.webPreferences?.preload });
      process.exit(0);
    }
  },
};
const part = (name) =>
  name in special && typeof special[name] === 'object'
    ? new Proxy(special[name], { get: (t, k) => (k in t ? t[k] : any(name + '.' + String(k))) })
    : (special[name] ?? any(name));
${[...names].map((n) => `export const ${n} = part(${JSON.stringify(n)});`).join('\n')}
`,
    );
    const hooks = join(dir, 'hooks.mjs');
    writeFileSync(
      hooks,
      `export async function resolve(specifier, context, next) {
  return specifier === 'electron' ? { url: ${JSON.stringify(pathToFileURL(stub).href)}, shortCircuit: true } : next(specifier, context);
}`,
    );
    const register = join(dir, 'register.mjs');
    writeFileSync(
      register,
      `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
    );
    const started = await run(['--import', register, join(outDir, 'main', 'index.js')], {
      env: { ...process.env, TRANSFERLAB_WORKSPACE: join(dir, 'workspace') },
    });
    const events = started.stdout
      .split('\n')
      .filter((line) => line.startsWith('ELECTRON-STUB '))
      .map((line) => JSON.parse(line.slice('ELECTRON-STUB '.length)) as Record<string, unknown>);
    const context = `exit ${String(started.code)}; stdout:\n${started.stdout}\nstderr:\n${started.stderr}`;
    expect(events[0], context).toEqual({ event: 'whenReady' });
    const end = events[1];
    if (end?.event === 'window') {
      expect(end.preload).toBe(join(outDir, 'preload', 'index.cjs'));
      expect(started.code).toBe(0);
    } else {
      // Node cannot load the Electron-ABI better-sqlite3 the app needs (or it was never built).
      expect(end, context).toMatchObject({ event: 'errorBox', title: 'Transferlab cannot start' });
      expect(String(end?.message)).toMatch(/better[-_]sqlite3|NODE_MODULE_VERSION/);
      expect(events[2]).toEqual({ event: 'exit', code: 1 });
    }
  });

  it('the preload runs sandboxed and exposes the bridge', async () => {
    const exposed = new Map<string, unknown>();
    const invoked: unknown[][] = [];
    const electron = {
      contextBridge: {
        exposeInMainWorld: (name: string, api: unknown) => exposed.set(name, api),
      },
      ipcRenderer: {
        invoke: (...args: unknown[]) => {
          invoked.push(args);
          return Promise.resolve({ ok: true, value: 'answer' });
        },
        on: () => undefined,
        removeListener: () => undefined,
      },
      webUtils: { getPathForFile: () => '/a/file' },
    };
    const module = { exports: {} };
    runInNewContext(readFileSync(join(outDir, 'preload', 'index.cjs'), 'utf8'), {
      module,
      exports: module.exports,
      // A sandboxed preload may require 'electron' (and a few Node built-ins), nothing else.
      require: (id: string) => {
        if (id === 'electron') return electron;
        throw new Error(`A sandboxed preload cannot require ${id}`);
      },
    });
    const api = exposed.get('transferlab') as Record<string, (input?: unknown) => unknown>;
    expect(typeof api['app.info']).toBe('function');
    expect(typeof api.onEvent).toBe('function');
    await expect(api['runs.list']?.({})).resolves.toEqual({ ok: true, value: 'answer' });
    expect(invoked).toEqual([['rpc:runs.list', {}]]);
  });
});
