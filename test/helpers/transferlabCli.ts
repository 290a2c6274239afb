import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../src-main/core/paths';

const BIN = join(projectRoot(), 'bin', 'transferlab.js');

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs bin/transferlab.js as a user would; `onStdout` may act on the output as it comes. */
export function transferlab(
  args: string[],
  onStdout?: (text: string, child: ReturnType<typeof spawn>) => void,
): Promise<Finished> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    onStdout?.(stdout, child);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}
