import type { Api } from '../../src-shared/rpc/api';
import { Resource } from './resource.svelte';

/**
 * What rarely changes: app info, strategies, built-in examples, datasets, imported models, and
 * the machine's training backends (probed once by the core), and whether Slurm is reachable with
 * the saved Slurm profile (issue 16; Settings asks again with `refresh`).
 */
export class Catalog {
  readonly info;
  readonly strategies;
  readonly examples;
  readonly datasets;
  readonly models;
  readonly backends;
  readonly cluster;

  constructor(api: Api) {
    this.info = new Resource(() => api['app.info']({}));
    this.strategies = new Resource(() => api['strategies.list']({}));
    this.examples = new Resource(() => api['examples.list']({}));
    this.datasets = new Resource(() => api['datasets.list']({}));
    this.models = new Resource(() => api['models.list']({}));
    this.backends = new Resource(() => api['backends.list']({}));
    this.cluster = new Resource(() => api['cluster.status']({}));
  }
}
