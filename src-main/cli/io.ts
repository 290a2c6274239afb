/**
 * Where the CLI writes. stdout carries results only (a table, a URL, one JSON document);
 * progress, messages and errors go to stderr so `--json` output can be piped.
 */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal (progress bars) or a pipe/file (plain lines). */
  readonly stderrIsTTY: boolean;
  /** Whether stdout is a terminal (coloured tables). */
  readonly stdoutIsTTY: boolean;
  readonly stderr: NodeJS.WritableStream;
}

export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    stderrIsTTY: process.stderr.isTTY,
    stdoutIsTTY: process.stdout.isTTY,
    stderr: process.stderr,
  };
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
