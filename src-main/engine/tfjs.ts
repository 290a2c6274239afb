import { createRequire } from 'node:module';
import type * as Tfjs from '@tensorflow/tfjs';

/**
 * tfjs and its wasm backend, loaded with `require` rather than an ES import (issue 12: trainer
 * start-up). Both are CommonJS packages, and an ES import of one makes Node first scan each of
 * its files for the names it exports (cjs-module-lexer): loading them took about three times as
 * long that way (0.9–1.2 s against 0.3–0.45 s, measured side by side on this machine), and every
 * trainer pays it. `require` gives the same instance an ES import elsewhere (a test) gets.
 */

const require = createRequire(import.meta.url);

/** The tfjs namespace the engine computes with: the plain one, or tfjs-node's superset. */
export type Tf = typeof Tfjs;

/** A structural check that a module is tfjs's namespace: what the engine calls on it. */
export function isTfNamespace(value: unknown): value is Tf {
  if (typeof value !== 'object' || value === null) return false;
  const ns = value as Record<string, unknown>;
  return (
    typeof ns.setBackend === 'function' &&
    typeof ns.ready === 'function' &&
    typeof ns.tidy === 'function' &&
    typeof ns.layers === 'object' &&
    // OptimizerConstructors: a class, so a function.
    (typeof ns.train === 'function' || typeof ns.train === 'object') &&
    typeof ns.version === 'object'
  );
}

function loadTfjs(): Tf {
  const loaded: unknown = require('@tensorflow/tfjs');
  if (!isTfNamespace(loaded)) throw new Error('@tensorflow/tfjs does not export a tfjs namespace');
  return loaded;
}

export const tfjs: Tf = loadTfjs();

/** Loading the wasm backend registers it with tfjs; it is a plain dependency, always present. */
function loadWasmVersion(): string {
  const wasm: unknown = require('@tensorflow/tfjs-backend-wasm');
  if (typeof wasm === 'object' && wasm !== null && 'version_wasm' in wasm)
    return String(wasm.version_wasm);
  throw new Error('@tensorflow/tfjs-backend-wasm did not load');
}

export const versionWasm: string = loadWasmVersion();
