import type { RpcHandlers } from '../../../src-shared/rpc/contract';
import type { AppEvent } from '../../../src-shared/rpc/events';
import { AppFailure } from '../../../src-shared/result';

/**
 * A stand-in for the core's handlers for transport tests: small fixed answers, a failure for
 * runs.get, and an event bus the test drives by hand.
 */
export function fakeBackend(): {
  handlers: RpcHandlers;
  onEvent: (listener: (event: AppEvent) => void) => () => void;
  emit: (event: AppEvent) => void;
  calls: { method: string; input: unknown }[];
  listenerCount: () => number;
} {
  const listeners = new Set<(event: AppEvent) => void>();
  const calls: { method: string; input: unknown }[] = [];
  const record = (method: string, input: unknown): void => {
    calls.push({ method, input });
  };
  const notImplemented = (method: string) => (): never => {
    throw new AppFailure('unavailable', `${method} is not faked`);
  };
  const handlers: RpcHandlers = {
    'app.info': (input) => {
      record('app.info', input);
      return {
        name: 'Transferlab',
        version: 'test',
        workspace: '/tmp/fake',
        transport: 'websocket',
        concurrency: 1,
      };
    },
    'examples.list': () => [],
    'strategies.list': () => [],
    'datasets.list': () => [],
    'backends.list': (input) => {
      record('backends.list', input);
      return {
        backends: [{ backend: 'wasm', available: true, auto: true, detail: 'tfjs-backend-wasm' }],
        auto: 'wasm',
        probedAt: '2026-12-06T10:00:00.000Z',
      };
    },
    'datasets.inspect': notImplemented('datasets.inspect'),
    'datasets.import': notImplemented('datasets.import'),
    'datasets.preview': notImplemented('datasets.preview'),
    'datasets.delete': notImplemented('datasets.delete'),
    'experiments.create': notImplemented('experiments.create'),
    'experiments.list': () => [],
    'experiments.get': notImplemented('experiments.get'),
    'experiments.transferability': notImplemented('experiments.transferability'),
    'transferability.estimate': notImplemented('transferability.estimate'),
    'runs.list': (input) => {
      record('runs.list', input);
      return [];
    },
    'runs.get': ({ id }) => {
      throw new AppFailure('not_found', `No run #${id}.`);
    },
    'runs.query': notImplemented('runs.query'),
    'runs.update': notImplemented('runs.update'),
    'runs.views.list': notImplemented('runs.views.list'),
    'runs.views.save': notImplemented('runs.views.save'),
    'runs.views.delete': notImplemented('runs.views.delete'),
    'runs.cancel': async (input) => {
      record('runs.cancel', input);
      await Promise.resolve();
      return { cancelled: true };
    },
    'experiments.cancel': notImplemented('experiments.cancel'),
    'experiments.update': notImplemented('experiments.update'),
    'experiments.deletePreview': notImplemented('experiments.deletePreview'),
    'experiments.delete': notImplemented('experiments.delete'),
    'runs.delete': notImplemented('runs.delete'),
    'runs.confusion': notImplemented('runs.confusion'),
    'runs.embedding': notImplemented('runs.embedding'),
    'runs.rerun': notImplemented('runs.rerun'),
    'experiments.plan': notImplemented('experiments.plan'),
    'compare.run': notImplemented('compare.run'),
    'compare.setups.list': notImplemented('compare.setups.list'),
    'compare.setups.save': notImplemented('compare.setups.save'),
    'compare.setups.delete': notImplemented('compare.setups.delete'),
    'reports.create': notImplemented('reports.create'),
    'reports.list': notImplemented('reports.list'),
    'reports.regenerate': notImplemented('reports.regenerate'),
    'bundles.import': notImplemented('bundles.import'),
    'models.list': notImplemented('models.list'),
    'models.get': notImplemented('models.get'),
    'models.import': notImplemented('models.import'),
    'models.update': notImplemented('models.update'),
    'models.delete': notImplemented('models.delete'),
    'models.export': notImplemented('models.export'),
    'models.storage': notImplemented('models.storage'),
    'models.setKeep': notImplemented('models.setKeep'),
    'queue.status': notImplemented('queue.status'),
    'queue.setLimit': notImplemented('queue.setLimit'),
    'cluster.status': notImplemented('cluster.status'),
    'cluster.setProfile': notImplemented('cluster.setProfile'),
  };
  return {
    handlers,
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit: (event) => {
      for (const listener of listeners) listener(event);
    },
    calls,
    listenerCount: () => listeners.size,
  };
}
