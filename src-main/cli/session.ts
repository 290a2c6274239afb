import type { RpcInput, RpcMethod, RpcOutput } from '../../src-shared/rpc/contract';
import { AppFailure } from '../../src-shared/result';
import type { Core, CoreOptions } from '../core/types';
import type { PdfRenderer } from '../reports/service';
import { dispatch } from '../transports/dispatch';
import { defaultWorkspaceDir } from '../core/paths';
import { keepConsoleOffStdout } from './io';

/**
 * The CLI's in-process front door: the same contract as the other transports, input parsed by
 * `dispatch`, without a socket in between. The core is imported lazily so that `--help` and
 * argument errors answer without loading the store and the engine.
 */
export async function openCliCore(
  workspaceDir: string,
  queue: CoreOptions['queue'],
  transport: CoreOptions['transport'] = 'in-process',
  concurrency?: number,
): Promise<Core> {
  const { openCore } = await import('../core/core');
  return openCore({
    workspaceDir,
    transport,
    queue,
    ...(concurrency !== undefined ? { concurrency } : {}),
    renderPdf: renderPdfWithChromium,
  });
}

/**
 * Opens the workspace's core (no queue) for one command and closes it afterwards. With `--json`
 * the console stays off stdout, so the one JSON document there stays parseable.
 */
export async function withCliCore<T>(
  workspace: string | undefined,
  json: boolean,
  use: (core: Core) => Promise<T>,
): Promise<T> {
  const restoreConsole = json ? keepConsoleOffStdout() : () => undefined;
  try {
    const core = await openCliCore(workspace ?? defaultWorkspaceDir(), 'none');
    try {
      return await use(core);
    } finally {
      await core.close();
    }
  } finally {
    restoreConsole();
  }
}

/** Headless Chromium prints PDFs; playwright-core loads only when a PDF is asked for. */
const renderPdfWithChromium: PdfRenderer = async (html) => {
  const chromium = await import('../reports/pdfChromium');
  return chromium.renderPdfWithChromium(html);
};

/** Calls one RPC method; a `{ok: false}` answer is thrown as the AppFailure it stands for. */
export async function call<M extends RpcMethod>(
  core: Pick<Core, 'handlers'>,
  method: M,
  input: RpcInput<M>,
): Promise<RpcOutput<M>> {
  const result = await dispatch(core.handlers, method, input);
  if (!result.ok)
    throw new AppFailure(result.error.code, result.error.message, result.error.issues);
  // dispatch ran the handler for `method`, whose output type is RpcOutput<M>.
  return result.value as RpcOutput<M>;
}
