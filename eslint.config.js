import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import svelteConfig from './svelte.config.js';

/**
 * Layer boundaries, enforced here like VS Code's `code-layering` rule:
 * - src-shared is the contract: pure TypeScript, zod only, nothing runtime-specific;
 * - src-renderer never imports src-main (it talks to the core through the Api only);
 * - only the Electron shell (src-main/electron) imports `electron`.
 */
const nodeBuiltins = {
  regex: '^node:',
  message: 'src-shared and src-renderer must not import Node built-ins.',
};
const runtimeOnly = [
  'fs',
  'path',
  'os',
  'child_process',
  'electron',
  'better-sqlite3',
  'ws',
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-node',
  '@tensorflow/tfjs-backend-wasm',
];
const mainImport = {
  regex: '(^|/)src-main(/|$)',
  message: 'src-renderer and src-shared never import src-main.',
};
const rendererImport = {
  regex: '(^|/)src-renderer(/|$)',
  message: 'Only src-renderer imports src-renderer.',
};

/**
 * Only src-main/store speaks SQL (issue 12): code elsewhere calls named store functions
 * (`claimNextRun`, `insertReport`), never `prepare()`, as Signal keeps every query in `ts/sql/`.
 * Tests and bench/scripts may query the database directly (they check what was written).
 *
 * The selectors are syntactic, so they name the receiver: a method called on `db` or on a
 * `.db` property (`this.db`, `ctx.db`, `this.o.db`), which is how every Db in src-main is named.
 * Method names alone would misfire: `prepare` is also a strategy's (engine/train.ts) and `exec`
 * is RegExp's (import/npy.ts). `pragma` is better-sqlite3's alone, so it is refused on any
 * receiver. `db.close()` is not SQL and stays allowed. Importing better-sqlite3 (statically or
 * not) is refused too, so a Database cannot be opened under another name.
 */
const sqlMessage =
  'Only src-main/store speaks SQL: add a store function (src-main/store/<table or job>.ts) and call it.';
const dbMethods =
  '/^(prepare|exec|transaction|function|aggregate|table|backup|serialize|loadExtension)$/';
const sqlOutsideStore = [
  ...[`[callee.object.name='db']`, `[callee.object.property.name='db']`].map((receiver) => ({
    selector: `CallExpression[callee.type='MemberExpression']${receiver}[callee.property.name=${dbMethods}]`,
    message: sqlMessage,
  })),
  { selector: `CallExpression[callee.property.name='pragma']`, message: sqlMessage },
  { selector: `ImportExpression[source.value='better-sqlite3']`, message: sqlMessage },
  {
    selector: `CallExpression[callee.name='require'][arguments.0.value='better-sqlite3']`,
    message: sqlMessage,
  },
];
const sqliteImport = { name: 'better-sqlite3', message: sqlMessage };
const electronImport = { name: 'electron', message: 'Only src-main/electron imports electron.' };

/**
 * Layers inside src-main (issue 12), each importing only those below it:
 *   data      where rows live and how they are read (locators, IDX, array files, resizing)
 *   engine    training (tfjs): data
 *   store     the only SQL: data
 *   analysis  pure computation over records: data, and the store's types only
 *   import    dataset importers: data, store
 *   reports   reports and bundles: data, store, analysis, import
 *   cluster   the worker and its event files (issue 16): data, engine; never the store, so a
 *             worker on a compute node cannot open the database
 *   core      the services behind the contract: everything above
 *   transports, cli, electron: the front doors, over core
 * A relative import naming another top-level folder of src-main (`../store/…`, `../../engine/…`)
 * is checked against the importing file's layer.
 */
const LAYERS = {
  data: [],
  engine: ['data'],
  store: ['data'],
  analysis: ['data'],
  import: ['data', 'store'],
  reports: ['data', 'store', 'analysis', 'import'],
  cluster: ['data', 'engine'],
  core: ['data', 'engine', 'store', 'analysis', 'import', 'reports', 'cluster'],
  transports: ['data', 'store', 'core'],
};
const TOP_LEVEL = [
  'data',
  'engine',
  'store',
  'analysis',
  'import',
  'reports',
  'cluster',
  'core',
  'transports',
  'cli',
  'electron',
];
function layerPatterns(layer) {
  const forbidden = TOP_LEVEL.filter((f) => f !== layer && !LAYERS[layer].includes(f));
  const allowed = ['src-shared', ...LAYERS[layer]].join(', ');
  return [
    {
      regex: `^(\\.\\./)+(${forbidden.join('|')})(/|$)`,
      // Analysis is pure computation: it may name the store's record types, never call it.
      ...(layer === 'analysis'
        ? {
            message: `src-main/analysis imports only ${allowed}, and types (import type) of the rest.`,
            allowTypeImports: true,
          }
        : { message: `src-main/${layer} imports only ${allowed} (layers: eslint.config.js).` }),
    },
  ];
}

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'out/**',
      'dist/**',
      'coverage/**',
      'test-results/**',
      'native/**',
      'resources/**',
      '.scratch/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...svelte.configs.recommended,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.svelte'],
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, svelteConfig },
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.js', 'scripts/**', 'bin/**', 'test/**', 'bench/**', 'src-main/**', '*.ts'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['src-renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['test/unit/renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'Only src-main/electron imports electron.' }],
          patterns: [mainImport],
        },
      ],
    },
  },
  {
    files: ['src-shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: runtimeOnly, patterns: [nodeBuiltins, mainImport, rendererImport] },
      ],
    },
  },
  {
    files: ['src-renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: runtimeOnly.filter((p) => p !== 'ws'), patterns: [nodeBuiltins, mainImport] },
      ],
    },
  },
  {
    files: ['src-main/**', 'test/**', 'bench/**', 'scripts/**', 'bin/**'],
    // The shell imports electron; the renderer's own unit tests import the renderer's pure logic.
    ignores: ['src-main/electron/**', 'test/unit/renderer/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electronImport], patterns: [rendererImport] }],
    },
  },
  // After the block above: these files' import restrictions replace its list, so they repeat it.
  {
    files: ['src-main/**'],
    ignores: ['src-main/store/**'],
    rules: { 'no-restricted-syntax': ['error', ...sqlOutsideStore] },
  },
  {
    files: ['src-main/**'],
    ignores: ['src-main/store/**', 'src-main/electron/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [electronImport, sqliteImport], patterns: [rendererImport] },
      ],
    },
  },
  // The layers, one block each (they replace the block above for their files, so repeat it).
  ...Object.keys(LAYERS).map((layer) => ({
    files: [`src-main/${layer}/**`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: layer === 'store' ? [electronImport] : [electronImport, sqliteImport],
          patterns: [rendererImport, ...layerPatterns(layer)],
        },
      ],
    },
  })),
  {
    files: ['src-main/electron/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [sqliteImport] }] },
  },
);
