import { defaultWorkspaceDir, projectRoot, uploadsDir } from '../core/paths';
import { startServer } from '../transports/wsServer';
import { parseArgs, ServeArgsSchema } from './args';
import { buildApp, isRendererBuilt, rendererDir } from './build';
import { keepConsoleOffStdout, onStopSignal, type CliIo } from './io';
import { openCliCore } from './session';

export interface Workbench {
  url: string;
  port: number;
  workspaceDir: string;
  /** Stops the server, then the core (its trainers and the database). */
  close(): Promise<void>;
}

/**
 * The headless workbench: the core on a workspace (executing every queued run, like the app)
 * behind the WebSocket server, which also serves the built renderer. Used by `transferlab serve`
 * and by `npm start` when Electron cannot start.
 */
export async function serveWorkbench(options: {
  workspaceDir: string;
  port: number;
  root?: string;
  /** Sets the workspace's trainer limit (`--concurrency`). */
  concurrency?: number;
}): Promise<Workbench> {
  const root = options.root ?? projectRoot();
  const core = await openCliCore(options.workspaceDir, 'all', 'websocket', options.concurrency);
  try {
    const server = await startServer({
      core,
      port: options.port,
      staticDir: rendererDir(root),
      uploadsDir: uploadsDir(options.workspaceDir),
    });
    return {
      url: server.url,
      port: server.port,
      workspaceDir: options.workspaceDir,
      close: async () => {
        try {
          await server.close();
        } finally {
          await core.close();
        }
      },
    };
  } catch (e) {
    await core.close();
    throw e;
  }
}

/** Resolves with the first SIGINT or SIGTERM. */
export function untilStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolveSignal) => {
    const off = onStopSignal((signal) => {
      off();
      resolveSignal(signal);
    });
  });
}

/** What `serve --json` prints: one line, as soon as the server listens. */
export interface ServeJsonOutput {
  /** The URL to open, with its per-launch token. */
  url: string;
  port: number;
  workspace: string;
}

interface ServeOptions {
  workspaceDir: string;
  port: number;
  concurrency?: number;
  /** Print a ServeJsonOutput instead of the bare URL. */
  json?: boolean;
}

/**
 * Serves until SIGINT/SIGTERM. The URL (token included) is the only line on stdout, so a script
 * or a test can read it; with `json`, that line is a ServeJsonOutput. The rest goes to stderr.
 */
export async function serveUntilStopped(options: ServeOptions, io: CliIo): Promise<number> {
  const restoreConsole = options.json === true ? keepConsoleOffStdout() : () => undefined;
  try {
    return await serve(options, io);
  } finally {
    restoreConsole();
  }
}

async function serve(options: ServeOptions, io: CliIo): Promise<number> {
  const root = projectRoot();
  if (!isRendererBuilt(root)) {
    io.err('The renderer is not built yet: running electron-vite build...\n');
    await buildApp(root);
  }
  const workbench = await serveWorkbench({
    workspaceDir: options.workspaceDir,
    port: options.port,
    root,
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
  });
  // Listening for the stop signal before the URL is out: a script that reads it and stops the
  // server at once must get a clean stop, not a killed process.
  const stopped = untilStopSignal();
  if (options.json === true) {
    const doc: ServeJsonOutput = {
      url: workbench.url,
      port: workbench.port,
      workspace: workbench.workspaceDir,
    };
    io.out(`${JSON.stringify(doc)}\n`);
  } else {
    io.out(`${workbench.url}\n`);
  }
  io.err(
    `Transferlab is serving ${workbench.workspaceDir} at the URL above (this machine only). Press Ctrl+C to stop.\n`,
  );
  const signal = await stopped;
  io.err(`Received ${signal}: stopping...\n`);
  await workbench.close();
  return 0;
}

/** `transferlab serve [--port N] [--workspace DIR] [--concurrency N] [--json]` */
export async function serveCommand(options: Record<string, unknown>, io: CliIo): Promise<number> {
  const args = parseArgs(ServeArgsSchema, options);
  return serveUntilStopped(
    {
      workspaceDir: args.workspace ?? defaultWorkspaceDir(),
      port: args.port,
      ...(args.concurrency !== undefined ? { concurrency: args.concurrency } : {}),
      json: args.json === true,
    },
    io,
  );
}
