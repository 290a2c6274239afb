import { PassThrough } from 'node:stream';
import type { CliIo } from '../../src-main/cli/io';
import { main } from '../../src-main/cli/main';

/** Runs the CLI in-process, as bin/transferlab.js would, capturing what it prints. */
export async function transferlabInProcess(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    out: (text) => (stdout += text),
    err: (text) => (stderr += text),
    stderrIsTTY: false,
    stdoutIsTTY: false,
    stderr: new PassThrough(),
  };
  const code = await main(['node', 'transferlab', ...args], io);
  return { code, stdout, stderr };
}
