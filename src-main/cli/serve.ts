import { defaultWorkspaceDir, projectRoot, uploadsDir } from '../core/paths';
import { startServer } from '../transports/wsServer';
import { parseArgs, ServeArgsSchema } from './args';
import { buildApp, isRendererBuilt, rendererDir } from './build';
import { onStopSignal, type CliIo } from './io';
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

/**
 * Serves until SIGINT/SIGTERM. The URL (token included) is the only line on stdout, so a script
 * or a test can read it; the rest goes to stderr.
 */
export async function serveUntilStopped(
  options: { workspaceDir: string; port: number; concurrency?: number },
  io: CliIo,
): Promise<number> {
  const root = projectRoot();
  if (!isRendererBuilt(root)) {
    io.err('The renderer is not built yet: running electron-vite build...\n');
    await buildApp(root);
  }
  const workbench = await serveWorkbench({ ...options, root });
  io.out(`${workbench.url}\n`);
  io.err(
    `Transferlab is serving ${workbench.workspaceDir} at the URL above (this machine only). Press Ctrl+C to stop.\n`,
  );
  const signal = await untilStopSignal();
  io.err(`Received ${signal}: stopping...\n`);
  await workbench.close();
  return 0;
}

/** `transferlab serve [--port N] [--workspace DIR]` */
export async function serveCommand(options: Record<string, unknown>, io: CliIo): Promise<number> {
  const args = parseArgs(ServeArgsSchema, options);
  return serveUntilStopped(
    {
      workspaceDir: args.workspace ?? defaultWorkspaceDir(),
      port: args.port,
      ...(args.concurrency !== undefined ? { concurrency: args.concurrency } : {}),
    },
    io,
  );
}
