import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { Api, ApiMethods } from '../../src-shared/rpc/api';
import type { RpcMethod } from '../../src-shared/rpc/contract';
import type { AppEvent } from '../../src-shared/rpc/events';
import type { BRIDGE_NAME, IPC_EVENT_CHANNEL, IPC_PREFIX } from '../../src-shared/rpc/wire';
import type { Result } from '../../src-shared/result';

/**
 * The preload bridge: one function per RPC method and `onEvent`, exposed under
 * `window.transferlab`. It never exposes `ipcRenderer` or an IPC event object (whose `sender`
 * is ipcRenderer itself).
 *
 * The preload is sandboxed, so at run time it may require 'electron' and nothing else:
 * everything from src-shared is imported as types only (contract.ts and wire.ts import zod,
 * which electron-vite leaves external). The constants below are copies whose types are tied to
 * the originals, so a change there fails the type check here.
 */
const bridgeName: typeof BRIDGE_NAME = 'transferlab';
const ipcPrefix: typeof IPC_PREFIX = 'rpc:';
const eventChannel: typeof IPC_EVENT_CHANNEL = 'app:event';

/** Every RPC method: a key missing here, or one the contract lacks, is a type error. */
const METHODS: Record<RpcMethod, true> = {
  'app.info': true,
  'examples.list': true,
  'strategies.list': true,
  'datasets.list': true,
  'backends.list': true,
  'datasets.inspect': true,
  'datasets.import': true,
  'datasets.preview': true,
  'datasets.delete': true,
  'experiments.create': true,
  'experiments.plan': true,
  'experiments.list': true,
  'experiments.get': true,
  'experiments.transferability': true,
  'transferability.estimate': true,
  'runs.list': true,
  'runs.get': true,
  'runs.query': true,
  'runs.update': true,
  'runs.views.list': true,
  'runs.views.save': true,
  'runs.views.delete': true,
  'runs.rerun': true,
  'runs.cancel': true,
  'experiments.cancel': true,
  'experiments.update': true,
  'experiments.deletePreview': true,
  'experiments.delete': true,
  'runs.delete': true,
  'runs.confusion': true,
  'runs.embedding': true,
  'compare.run': true,
  'compare.setups.list': true,
  'compare.setups.save': true,
  'compare.setups.delete': true,
  'reports.create': true,
  'reports.list': true,
  'reports.regenerate': true,
  'bundles.import': true,
  'models.list': true,
  'models.get': true,
  'models.import': true,
  'models.update': true,
  'models.delete': true,
  'models.export': true,
  'models.storage': true,
  'models.setKeep': true,
  'queue.status': true,
  'queue.setLimit': true,
  'cluster.status': true,
  'cluster.setProfile': true,
};

function isResult(value: unknown): value is Result<unknown> {
  return (
    typeof value === 'object' && value !== null && 'ok' in value && typeof value.ok === 'boolean'
  );
}

async function call(method: RpcMethod, input: unknown): Promise<Result<unknown>> {
  try {
    const answer: unknown = await ipcRenderer.invoke(`${ipcPrefix}${method}`, input);
    if (isResult(answer)) return answer;
    return { ok: false, error: { code: 'bad_frame', message: `Malformed answer to ${method}` } };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, error: { code: 'transport', message } };
  }
}

// The main process answers each method with its own output type (registerIpcHandlers), which
// is what the one cast below states.
const methods = Object.fromEntries(
  (Object.keys(METHODS) as RpcMethod[]).map((method) => [
    method,
    (input: unknown) => call(method, input),
  ]),
) as ApiMethods;

/**
 * Beyond the RPC methods: where a file the user chose or dropped lies on disk, so the core reads
 * it in place (datasets.import with `{kind: 'path'}`). Electron 32 removed `File.path`;
 * webUtils.getPathForFile is its replacement and works in a sandboxed preload. The renderer checks
 * for this function before using it (api/bridgeFiles.ts).
 */
interface BridgeFiles {
  pathForFile(file: File): string;
}

const api = {
  ...methods,
  pathForFile(file: File): string {
    return webUtils.getPathForFile(file);
  },
  onEvent(listener: (event: AppEvent) => void): () => void {
    const forward = (_event: IpcRendererEvent, payload: unknown): void => {
      listener(payload as AppEvent);
    };
    ipcRenderer.on(eventChannel, forward);
    return () => {
      ipcRenderer.removeListener(eventChannel, forward);
    };
  },
} satisfies Api & BridgeFiles;

contextBridge.exposeInMainWorld(bridgeName, api);
