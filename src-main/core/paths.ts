import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import envPaths from 'env-paths';

/**
 * The project root: the folder holding Transferlab's package.json. Found by walking up from this
 * module, so it works from the sources (tsx, vitest) and from the bundle in out/main alike.
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

export function resourcesDir(): string {
  return join(projectRoot(), 'resources');
}

/**
 * The default workspace: the OS's app-data folder (e.g. ~/.local/share/Transferlab on Linux,
 * ~/Library/Application Support/Transferlab on macOS, %APPDATA%\Transferlab\Data on Windows).
 * The desktop app, the CLI and the server all default to it, so CLI runs show up in the app.
 * TRANSFERLAB_WORKSPACE overrides it.
 */
export function defaultWorkspaceDir(): string {
  const fromEnv = process.env.TRANSFERLAB_WORKSPACE;
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  return envPaths('Transferlab', { suffix: '' }).data;
}

/** Imported datasets, content-addressed: <workspace>/datasets/<sha256>/ (data/arrays.ts). */
export function datasetsDir(workspaceDir: string): string {
  return join(workspaceDir, 'datasets');
}

/** Files the browser uploaded for an import (transports/uploads.ts), deleted after a day. */
export function uploadsDir(workspaceDir: string): string {
  return join(workspaceDir, 'uploads');
}
