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
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'Only src-main/electron imports electron.' }],
          patterns: [rendererImport],
        },
      ],
    },
  },
);
