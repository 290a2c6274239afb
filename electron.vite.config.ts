import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          // The Electron shell, and the trainer child process it forks (ELECTRON_RUN_AS_NODE).
          index: resolve(root, 'src-main/electron/main.ts'),
          trainer: resolve(root, 'src-main/engine/trainer/entry.ts'),
          // The transferability probe the designer asks for (src-main/engine/trainer/probeHost.ts).
          probe: resolve(root, 'src-main/engine/trainer/probeEntry.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
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
      outDir: resolve(root, 'out/renderer'),
      rollupOptions: { input: resolve(root, 'src-renderer/index.html') },
    },
    plugins: [svelte({ configFile: resolve(root, 'svelte.config.js') })],
  },
});
