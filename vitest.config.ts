import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    // Trainer processes and tfjs make some tests take seconds; keep CI's 2 cores busy but not swamped.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
        },
      },
      {
        // The renderer's runes classes (*.svelte.ts), tested beside them: compiled by Svelte's
        // plugin and run on its client runtime (the 'browser' condition), where $state and
        // $derived are reactive as in the app; no DOM is needed.
        extends: true,
        plugins: [svelte()],
        resolve: { conditions: ['browser'] },
        test: {
          name: 'runes',
          include: ['src-renderer/**/*.svelte.test.ts'],
        },
      },
    ],
  },
});
