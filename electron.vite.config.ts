import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const root = import.meta.dirname;
/**
 * Where the build goes: out/, which the app, `transferlab serve` and the e2e tests use. The
 * entry-point test (test/integration/build/entryPoints.test.ts) builds into a folder of its own
 * inside the project (so the bundles still find node_modules) without touching out/.
 */
const outDir = resolve(root, process.env.TRANSFERLAB_BUILD_OUT_DIR ?? 'out');

/** electron-vite's CommonJS shim in an ES module chunk: its first line, its last, each binding. */
const SHIM_FIRST = '// -- CommonJS Shims --';
const SHIM_LAST = 'const require = __shims_module__.createRequire(import.meta.url);';
const SHIM_BINDING = /^const (require|__filename|__dirname) = .*;$/gm;

/**
 * electron-vite's `vite:esm-shim` adds `const require = createRequire(import.meta.url)` (and
 * `__filename`, `__dirname`) to each main-process chunk whose text mentions them, without looking
 * at what the chunk declares: engine/backend.ts declares its own `require`, so the chunk holding
 * it (shared by trainer.js and probe.js) declared `require` twice, a SyntaxError before any line
 * ran (issue 12; upstream alex8088/electron-vite#921). This runs after the shim and comments out
 * each shim line whose name the chunk declares again at its top level. Lines stay where they
 * were, so source maps stay right.
 */
function dropShadowedShims(): Plugin {
  return {
    name: 'transferlab:drop-shadowed-esm-shims',
    apply: 'build',
    enforce: 'post',
    renderChunk(code) {
      const start = code.indexOf(SHIM_FIRST);
      const last = start < 0 ? -1 : code.indexOf(SHIM_LAST, start);
      if (last < 0) return null;
      const end = last + SHIM_LAST.length;
      const declared = new Map<string, number>();
      for (const name of topLevelNames(this.parse(code).body as unknown as AstNode[]))
        declared.set(name, (declared.get(name) ?? 0) + 1);
      // Only the shim's own lines: the chunk's declarations of the same names stay.
      const shim = code.slice(start, end);
      const kept = shim.replace(SHIM_BINDING, (line, name: string) =>
        (declared.get(name) ?? 0) < 2 ? line : `// (shim) ${name}: declared by the chunk itself`,
      );
      return kept === shim
        ? null
        : { code: code.slice(0, start) + kept + code.slice(end), map: null };
    },
  };
}

interface AstNode {
  type: string;
  id?: AstNode | null;
  name?: string;
  declaration?: AstNode | null;
  declarations?: AstNode[];
  specifiers?: { local: AstNode }[];
}

/** The names a module's top level declares (imports, variables, functions, classes). */
function topLevelNames(body: AstNode[]): string[] {
  const names: string[] = [];
  const add = (node: AstNode | null | undefined): void => {
    if (node?.type === 'Identifier' && node.name !== undefined) names.push(node.name);
  };
  const visit = (node: AstNode): void => {
    if (node.type === 'ImportDeclaration') for (const s of node.specifiers ?? []) add(s.local);
    else if (node.type === 'VariableDeclaration')
      for (const d of node.declarations ?? []) add(d.id);
    else if (node.type === 'FunctionDeclaration' || node.type === 'ClassDeclaration') add(node.id);
    else if (node.type === 'ExportNamedDeclaration' && node.declaration) visit(node.declaration);
  };
  body.forEach(visit);
  return names;
}

export default defineConfig({
  main: {
    plugins: [dropShadowedShims()],
    build: {
      outDir: resolve(outDir, 'main'),
      // Bundled rather than loaded from node_modules: zod alone is dozens of ES modules, and each
      // module Node resolves and links adds to the CLI's start-up (issue 12; bench/startup.ts
      // measures it). Native and large optional packages (better-sqlite3, tfjs,
      // playwright-core) stay external.
      externalizeDeps: { exclude: ['zod', 'commander', 'cli-table3', 'cli-progress', 'ws'] },
      rollupOptions: {
        input: {
          // The Electron shell, and the trainer child process it forks (ELECTRON_RUN_AS_NODE).
          index: resolve(root, 'src-main/electron/main.ts'),
          trainer: resolve(root, 'src-main/engine/trainer/entry.ts'),
          // The transferability probe the designer asks for (src-main/engine/trainer/probeHost.ts).
          probe: resolve(root, 'src-main/engine/trainer/probeEntry.ts'),
          // Model import, export and description (src-main/engine/trainer/modelsHost.ts).
          models: resolve(root, 'src-main/engine/trainer/modelsEntry.ts'),
          // The `transferlab` command (bin/transferlab.js), which runs the server too: built
          // JavaScript, so no TypeScript loader starts with it or with its trainers.
          cli: resolve(root, 'src-main/cli/main.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(outDir, 'preload'),
      rollupOptions: {
        input: { index: resolve(root, 'src-main/electron/preload.ts') },
        // A sandboxed preload must be CommonJS: an ESM preload needs `sandbox: false`.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    build: {
      outDir: resolve(outDir, 'renderer'),
      // electron-vite leaves the renderer unminified; the page loads less than half the bytes.
      minify: true,
      // Three chunks, read from disk by the app and from localhost by the server: the app
      // (~0.6 MB), and two loaded on demand (issue 14): ECharts with the series the app registers
      // (lib/echartsCore.ts, ~0.7 MB) and the Compare view (App.svelte). The limit sits just above
      // the largest, so growth still warns.
      chunkSizeWarningLimit: 800,
      rollupOptions: { input: resolve(root, 'src-renderer/index.html') },
    },
    plugins: [svelte({ configFile: resolve(root, 'svelte.config.js') })],
  },
});
