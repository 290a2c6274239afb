import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defaultClientConditions } from 'vite';
import { configDefaults, defineConfig } from 'vitest/config';

/** Specs of .svelte components, rendered to HTML with `svelte/server`. */
const componentSpecs = 'src-renderer/components/**/*.svelte.test.ts';

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
        // The renderer's runes classes (*.svelte.ts), tested beside them on Svelte's client
        // runtime as in the app: $effect runs, $state and $derived tell their readers of a
        // change, SvelteMap and createSubscriber (Clock, MediaQuery) track them. Vitest's node
        // environment loads every module through Vite's server ('ssr') environment, where
        // Svelte's plugin compiles for the server and `svelte` resolves to its server build, in
        // which none of that happens. So this project compiles for the client, resolves with the
        // browser's conditions in that environment, and inlines svelte and esm-env (Vite loads
        // them, not Node, as Svelte's plugin also asks) so that every import of them, their own
        // included, resolves with those conditions. There is no DOM: a spec stubs what it reads
        // of `window` (settings: matchMedia). clientRuntime.svelte.test.ts fails if these specs
        // stop running on the client runtime.
        extends: true,
        plugins: [svelte({ dynamicCompileOptions: () => ({ generate: 'client' }) })],
        ssr: { resolve: { conditions: [...defaultClientConditions] } },
        test: {
          name: 'runes',
          include: ['src-renderer/**/*.svelte.test.ts'],
          exclude: [...configDefaults.exclude, componentSpecs],
          server: { deps: { inline: [/[\\/]node_modules[\\/](svelte|esm-env)[\\/]/] } },
        },
      },
      {
        // Components rendered to HTML on Svelte's server runtime (its default here), which
        // needs no DOM: the markup and the attributes they hand their snippets.
        extends: true,
        plugins: [svelte()],
        test: {
          name: 'components',
          include: [componentSpecs],
        },
      },
    ],
  },
});
