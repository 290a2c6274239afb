import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project root: the folder holding Transferlab's package.json. Found by walking up from this
 * module, so it works from the sources (tsx, vitest) and from the bundle in out/main alike. In
 * the bottom layer, so the engine (resources/onnx) and the core (resources/) share it.
 */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const parsed: unknown = JSON.parse(readFileSync(manifest, 'utf8'));
      if (
        typeof parsed === 'object' &&
        parsed !== null &&
        'name' in parsed &&
        parsed.name === 'transferlab'
      ) {
        return dir;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Cannot find the Transferlab project root');
    dir = parent;
  }
}
