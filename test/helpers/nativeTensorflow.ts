import { createRequire } from 'node:module';

/** Whether a package resolves here (the native bindings do not on offline machines). */
export function installed(pkg: string): boolean {
  try {
    createRequire(import.meta.url).resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

/** Whether tfjs-node or tfjs-node-gpu is installed: their libtensorflow download fails offline. */
export const hasNativeTensorflow =
  installed('@tensorflow/tfjs-node') || installed('@tensorflow/tfjs-node-gpu');
