#!/usr/bin/env node
// The `transferlab` command: registers tsx so Node runs the TypeScript CLI directly, then hands
// over to src-main/cli/main.ts. The exit code waits for stdout and stderr to drain, and the
// process exits even if a library left a handle open.
import { register } from 'tsx/esm/api';

// A closed pipe (`transferlab runs | head`) ends the command quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}

register();
const { main } = await import('../src-main/cli/main.ts');
const code = await main(process.argv);
const drain = (stream) =>
  new Promise((resolve) => {
    if (stream.writableLength === 0) resolve();
    else stream.write('', () => resolve());
  });
await Promise.all([drain(process.stdout), drain(process.stderr)]);
process.exit(code);
