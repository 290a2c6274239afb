#!/usr/bin/env node
// The `transferlab` command. It runs the built CLI (out/main/cli.js, made by `npm run build`,
// which `npm install` runs) with plain Node: no TypeScript loader starts with the command or
// with the trainers it forks. Where there is no build, or a source file is newer than it (a
// developer's edit), it runs src-main/cli/main.ts through tsx instead, so the command never
// runs stale code. The exit code waits for stdout and stderr to drain, and the process exits
// even if a library left a handle open.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

// A closed pipe (`transferlab runs | head`) ends the command quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}

const root = join(import.meta.dirname, '..');
const built = join(root, 'out', 'main', 'cli.js');

/** Whether the build is at least as new as every file it was built from. */
function buildIsCurrent() {
  if (!existsSync(built)) return false;
  const builtAt = statSync(built).mtimeMs;
  for (const dir of ['src-main', 'src-shared']) {
    const entries = readdirSync(join(root, dir), { recursive: true, withFileTypes: true });
    for (const entry of entries) {
      if (entry.isFile() && statSync(join(entry.parentPath, entry.name)).mtimeMs > builtAt)
        return false;
    }
  }
  return true;
}

let main;
if (process.env.TRANSFERLAB_FROM_SOURCES !== '1' && buildIsCurrent()) {
  ({ main } = await import('../out/main/cli.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src-main/cli/main.ts'));
}
const code = await main(process.argv);
const drain = (stream) =>
  new Promise((resolve) => {
    if (stream.writableLength === 0) resolve();
    else stream.write('', () => resolve());
  });
await Promise.all([drain(process.stdout), drain(process.stderr)]);
process.exit(code);
