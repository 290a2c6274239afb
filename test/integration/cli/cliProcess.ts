import { spawn, type StdioOptions } from 'node:child_process';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import type { CliIo } from '../../../src-main/cli/io';
import { main } from '../../../src-main/cli/main';
import { projectRoot } from '../../../src-main/core/paths';

/**
 * Two ways to run the CLI with a real stdin and stdout bytes (issue 12: `-` for stdin and
 * stdout): in-process with a fed stdin, and as bin/transferlab.js with its own environment
 * and file descriptors.
 */

export interface PipedResult {
  code: number | null;
  /** Everything on stdout, as bytes: a report with `--out -` may be binary. */
  stdout: Buffer;
  stderr: string;
}

/** Runs the CLI in-process with `stdin` fed (empty when left out) and stdout kept as bytes. */
export async function transferlabPiped(
  args: readonly string[],
  options: { stdin?: string; stdoutIsTTY?: boolean } = {},
): Promise<PipedResult> {
  const stdout: Buffer[] = [];
  let stderr = '';
  const io: CliIo = {
    out: (text) => {
      stdout.push(Buffer.from(text, 'utf8'));
    },
    err: (text) => {
      stderr += text;
    },
    writeOut: (bytes) => {
      stdout.push(Buffer.from(bytes));
      return Promise.resolve();
    },
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin, 'utf8')]),
    stderrIsTTY: false,
    stdoutIsTTY: options.stdoutIsTTY ?? false,
    stderr: new PassThrough(),
  };
  const code = await main(['node', 'transferlab', ...args], io);
  return { code, stdout: Buffer.concat(stdout), stderr };
}

export const BIN = join(projectRoot(), 'bin', 'transferlab.js');

/**
 * Runs bin/transferlab.js. `stdin` is written to its stdin, then closed; `stdout` may be a file
 * descriptor to write to instead of a pipe (its bytes are then not collected); `env` is added
 * to this process's environment, and a key set to undefined is removed from it.
 */
export function transferlabProcess(
  args: readonly string[],
  options: {
    stdin?: string;
    stdout?: number;
    env?: Record<string, string | undefined>;
    /** Called once the process has started, with its stdout pipe (if it has one). */
    started?: (stdout: Readable | null) => void;
  } = {},
): Promise<PipedResult> {
  const env = { ...process.env, ...options.env };
  for (const [key, value] of Object.entries(options.env ?? {}))
    if (value === undefined) Reflect.deleteProperty(env, key);
  const stdio: StdioOptions = [
    options.stdin === undefined ? 'ignore' : 'pipe',
    options.stdout ?? 'pipe',
    'pipe',
  ];
  const child = spawn(process.execPath, [BIN, ...args], { stdio, env });
  const stdout: Buffer[] = [];
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  // A reader closed on purpose (started) may error: what the child says is what counts.
  child.stdout?.on('error', () => undefined);
  child.stdin?.end(options.stdin);
  options.started?.(child.stdout);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout: Buffer.concat(stdout), stderr });
    });
  });
}

/** Whether `script` (util-linux) can give a command a terminal for its stdout. */
export function hasScript(): Promise<boolean> {
  if (process.platform !== 'linux') return Promise.resolve(false);
  return new Promise((resolve) => {
    const child = spawn('script', ['--version'], { stdio: 'ignore' });
    child.on('error', () => {
      resolve(false);
    });
    child.on('close', (code) => {
      resolve(code === 0);
    });
  });
}

/** Single-quotes a word for `sh -c`. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
