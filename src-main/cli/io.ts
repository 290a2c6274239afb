import { write } from 'node:fs';
import { UsageError } from './args';

/**
 * Where the CLI writes. stdout carries results only (a table, a URL, one JSON document, or a
 * report's own bytes with `report --out -`); progress, messages and errors go to stderr so
 * output can be piped.
 */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /**
   * Writes bytes to stdout and resolves once the operating system has taken every one of them
   * (`report --out -`); rejects, with the system's reason, when it refuses them (a reader that
   * went away, a full disk). Test doubles that collect text may leave it out: `out` then gets
   * the bytes as UTF-8 text.
   */
  writeOut?(bytes: Uint8Array): Promise<void>;
  /** What `-` reads (`run -`, `plan -`, `report --request -`); process.stdin when left out. */
  readonly stdin?: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  /** Whether stderr is a terminal (progress bars) or a pipe/file (plain lines). */
  readonly stderrIsTTY: boolean;
  /** Whether stdout is a terminal (coloured tables, unless NO_COLOR: see `useColor`). */
  readonly stdoutIsTTY: boolean;
  readonly stderr: NodeJS.WritableStream;
}

const STDOUT_FD = 1;

function writeSome(fd: number, bytes: Uint8Array, offset: number): Promise<number> {
  return new Promise((resolve, reject) => {
    write(fd, bytes, offset, bytes.byteLength - offset, null, (e, written) => {
      if (e) reject(e);
      else resolve(written);
    });
  });
}

/**
 * Writes all of `bytes` to a file descriptor. Straight to the descriptor rather than through
 * process.stdout, so that a refusal is this write's error (and this command's exit code), not
 * an 'error' event on the shared stream. A pipe Node has made non-blocking answers EAGAIN while
 * its reader is behind: wait and go on.
 */
export async function writeAllToFd(fd: number, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.byteLength) {
    try {
      offset += await writeSome(fd, bytes, offset);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    writeOut: async (bytes) => {
      // Anything still queued on the stream goes first (nothing should be: see report.ts).
      if (process.stdout.writableLength > 0) {
        await new Promise<void>((resolve) => {
          process.stdout.write('', () => {
            resolve();
          });
        });
      }
      await writeAllToFd(STDOUT_FD, bytes);
    },
    stdin: process.stdin,
    stderrIsTTY: process.stderr.isTTY,
    stdoutIsTTY: process.stdout.isTTY,
    stderr: process.stderr,
  };
}

/** The biggest spec or request `-` reads from stdin: far above any real one. */
export const MAX_STDIN_BYTES = 16 * 1024 * 1024;

/** How messages name what `-` read. */
export const STDIN_LABEL = '<stdin>';

/**
 * Reads stdin to its end as UTF-8 text, at most `maxBytes`. On a terminal it says first that
 * it waits for input, since a command that just sits there looks hung.
 */
export async function readStdinText(
  io: CliIo,
  what: string,
  maxBytes = MAX_STDIN_BYTES,
): Promise<string> {
  const stdin = io.stdin ?? process.stdin;
  if (stdin.isTTY === true) io.err(`Reading ${what} from stdin (end it with Ctrl+D)...\n`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
    size += bytes.byteLength;
    if (size > maxBytes) {
      throw new UsageError(
        `${STDIN_LABEL}: more than ${maxBytes / (1024 * 1024)} MiB; that is not ${what}`,
      );
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Whether stdout gets coloured output (tables): FORCE_COLOR first, read as Node reads it (`1`,
 * `2`, `3`, `true` or empty force colour and override NO_COLOR; any other value turns it
 * off), then NO_COLOR (https://no-color.org: any non-empty value turns colour off), then
 * whether stdout is a terminal.
 */
export function colorWanted(stdoutIsTTY: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return ['', '1', '2', '3', 'true'].includes(force);
  const noColor = env.NO_COLOR;
  if (noColor !== undefined && noColor !== '') return false;
  return stdoutIsTTY;
}

/** Whether this command's stdout gets colour (see `colorWanted`). */
export function useColor(io: Pick<CliIo, 'stdoutIsTTY'>): boolean {
  return colorWanted(io.stdoutIsTTY);
}

/**
 * While a command promises pure JSON on stdout, anything the libraries below it print with
 * console.log/info/debug goes to stderr instead. Returns the function that restores them.
 */
export function keepConsoleOffStdout(): () => void {
  const saved = { log: console.log, info: console.info, debug: console.debug };
  console.log = console.error;
  console.info = console.error;
  console.debug = console.error;
  return () => {
    console.log = saved.log;
    console.info = saved.info;
    console.debug = saved.debug;
  };
}

/** Calls `handler` on every SIGINT and SIGTERM (instead of exiting); returns the remover. */
export function onStopSignal(handler: (signal: NodeJS.Signals) => void): () => void {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}
