import type { Api } from '../../src-shared/rpc/api';
import type { AppEvent } from '../../src-shared/rpc/events';
import type { RpcInput, RpcMethod, RpcOutput } from '../../src-shared/rpc/contract';
import type { Result } from '../../src-shared/result';

/**
 * What a transport provides: one call primitive and an event stream, both already parsed.
 * `createApi` turns it into the typed `Api` the UI uses, so the UI never knows which transport it
 * has (STYLE.md #3).
 */
export interface Transport {
  call(method: RpcMethod, input: unknown): Promise<Result<unknown>>;
  subscribe(listener: (event: AppEvent) => void): () => void;
}

export function createApi(transport: Transport): Api {
  // The one place an output is given its contract type: the envelope was parsed by the
  // transport, the value comes from our own core (the contract has no output schemas).
  const method =
    <M extends RpcMethod>(name: M) =>
    (input: RpcInput<M>) =>
      transport.call(name, input) as Promise<Result<RpcOutput<M>>>;
  return {
    'app.info': method('app.info'),
    'examples.list': method('examples.list'),
    'strategies.list': method('strategies.list'),
    'datasets.list': method('datasets.list'),
    'backends.list': method('backends.list'),
    'datasets.inspect': method('datasets.inspect'),
    'datasets.import': method('datasets.import'),
    'datasets.preview': method('datasets.preview'),
    'datasets.delete': method('datasets.delete'),
    'experiments.create': method('experiments.create'),
    'experiments.plan': method('experiments.plan'),
    'experiments.list': method('experiments.list'),
    'experiments.get': method('experiments.get'),
    'experiments.transferability': method('experiments.transferability'),
    'transferability.estimate': method('transferability.estimate'),
    'runs.list': method('runs.list'),
    'runs.get': method('runs.get'),
    'runs.query': method('runs.query'),
    'runs.update': method('runs.update'),
    'runs.views.list': method('runs.views.list'),
    'runs.views.save': method('runs.views.save'),
    'runs.views.delete': method('runs.views.delete'),
    'runs.cancel': method('runs.cancel'),
    'experiments.cancel': method('experiments.cancel'),
    'experiments.update': method('experiments.update'),
    'experiments.deletePreview': method('experiments.deletePreview'),
    'experiments.delete': method('experiments.delete'),
    'runs.delete': method('runs.delete'),
    'runs.confusion': method('runs.confusion'),
    'runs.embedding': method('runs.embedding'),
    'runs.rerun': method('runs.rerun'),
    'compare.run': method('compare.run'),
    'compare.setups.list': method('compare.setups.list'),
    'compare.setups.save': method('compare.setups.save'),
    'compare.setups.delete': method('compare.setups.delete'),
    'reports.create': method('reports.create'),
    'reports.list': method('reports.list'),
    'reports.regenerate': method('reports.regenerate'),
    'bundles.import': method('bundles.import'),
    'models.list': method('models.list'),
    'models.get': method('models.get'),
    'models.import': method('models.import'),
    'models.update': method('models.update'),
    'models.delete': method('models.delete'),
    'models.export': method('models.export'),
    'models.storage': method('models.storage'),
    'models.setKeep': method('models.setKeep'),
    'queue.status': method('queue.status'),
    'queue.setLimit': method('queue.setLimit'),
    'cluster.status': method('cluster.status'),
    'cluster.setProfile': method('cluster.setProfile'),
    onEvent: (listener) => transport.subscribe(listener),
  } satisfies Api;
}

/** Calls every listener, so that one that throws does not starve the others. */
export class Listeners<T> {
  readonly #set = new Set<(value: T) => void>();

  add(listener: (value: T) => void): () => void {
    this.#set.add(listener);
    return () => this.#set.delete(listener);
  }

  emit(value: T): void {
    for (const listener of this.#set) {
      try {
        listener(value);
      } catch (e) {
        console.error('Event listener failed', e);
      }
    }
  }
}
