import { join, resolve } from 'node:path';
import envPaths from 'env-paths';
import { projectRoot } from '../data/projectRoot';

export { projectRoot };

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

/** Imported models in canonical tfjs form, by weights hash: <workspace>/models/imported/<sha256>/. */
export function importedModelsDir(workspaceDir: string): string {
  return join(workspaceDir, 'models', 'imported');
}
